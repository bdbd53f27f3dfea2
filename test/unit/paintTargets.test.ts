import { describe, expect, it } from 'vitest';
import { PROCEDURAL_TARGETS, lettersTarget, proceduralTarget } from '../../src/core/tasks/paint/targets';
import { DEFAULT_PALETTE } from '../../src/core/tasks/paint/strokes';

const pixel = (img: Float32Array, size: number, i: number, j: number) => Array.from(img.subarray((i * size + j) * 3, (i * size + j) * 3 + 3));
const close = (a: number[], b: readonly number[]) => a.every((v, k) => Math.abs(v - b[k]) < 1e-6);

describe('procedural targets', () => {
  for (const name of PROCEDURAL_TARGETS) {
    for (const size of [32, 64]) {
      it(`${name} at ${size}×${size} is [size, size, 3] in [0, 1], white in the corner, not blank`, () => {
        const img = proceduralTarget(name, size);
        expect(img.length).toBe(size * size * 3);
        expect(img.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(pixel(img, size, 0, 0)).toEqual([1, 1, 1]);
        expect(img.some((v) => v < 0.5)).toBe(true);
      });
    }
  }

  it('puts the expected palette colour at the expected place', () => {
    const [black, , red, , yellow, green, blue] = DEFAULT_PALETTE;
    const s = 64;
    expect(close(pixel(proceduralTarget('circle', s), s, 32, 32), red)).toBe(true);
    expect(close(pixel(proceduralTarget('square', s), s, 32, 32), blue)).toBe(true);
    const stripes = proceduralTarget('stripes', s);
    expect(close(pixel(stripes, s, 10, 16), green)).toBe(true); // x ≈ 0.26: the second of six bands
    expect(close(pixel(stripes, s, 10, 5), [1, 1, 1])).toBe(true);
    const smiley = proceduralTarget('smiley', s);
    expect(close(pixel(smiley, s, 32, 32), yellow)).toBe(true);
    expect(close(pixel(smiley, s, 24, 23), black)).toBe(true); // left eye at (0.36, 0.38)
  });

  it('anti-aliases edges: a circle has pixels between background and fill', () => {
    const img = proceduralTarget('circle', 32);
    const greens = Array.from({ length: 32 * 32 }, (_, k) => img[k * 3 + 1]);
    expect(greens.some((g) => g > 0.3 && g < 0.9)).toBe(true);
  });

  it('refuses sizes it cannot draw and names it', () => {
    expect(() => proceduralTarget('circle', 4)).toThrow(/from 8 to 512/);
    expect(() => proceduralTarget('circle', 32.5)).toThrow(/whole number/);
    expect(() => proceduralTarget('moon' as never, 32)).toThrow(/Unknown target "moon"/);
  });
});

describe('letters target outside a browser', () => {
  it('says it needs OffscreenCanvas', () => {
    expect(() => lettersTarget('A', 32)).toThrow(/OffscreenCanvas/);
  });
});
