import { describe, expect, it } from 'vitest';
import { mulHiLo, philox4x32, samplerUniform } from '../../src/core/kernels/philox';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 twin', () => {
  it('matches the published known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toBe(
      '408f276d 41c83b0e a20bc7c6 6d5451fd',
    );
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe(
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    );
  });

  it('computes exact 64-bit products', () => {
    let state = 12345;
    for (let i = 0; i < 2000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const a = state;
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const b = i % 7 === 0 ? 0xffffffff : state;
      const product = BigInt(a) * BigInt(b);
      const [hi, lo] = mulHiLo(a, b);
      expect(BigInt(hi)).toBe(product >> 32n);
      expect(BigInt(lo)).toBe(product & 0xffffffffn);
    }
  });

  it('gives 24-bit uniforms in [0, 1), deterministic and distinct per seed, counter and row', () => {
    const seen = new Set<number>();
    for (let row = 0; row < 1000; row++) {
      const u = samplerUniform(7, 3, row);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(u * 16777216).toBe(Math.floor(u * 16777216));
      expect(samplerUniform(7, 3, row)).toBe(u);
      seen.add(u);
    }
    expect(seen.size).toBeGreaterThan(995);
    expect(samplerUniform(7, 3, 0)).not.toBe(samplerUniform(8, 3, 0));
    expect(samplerUniform(7, 3, 0)).not.toBe(samplerUniform(7, 4, 0));
  });
});
