import { describe, expect, it } from 'vitest';
import { bucketedBatches, paddedLength } from '../../src/core/pretrain';
import { Rng } from '../../src/core/rng';

describe('length bucketing for pretraining', () => {
  it('pads to the next multiple of 16 above the longest sequence plus its end step, capped at maxLength', () => {
    expect(paddedLength(10, 100)).toBe(16);
    expect(paddedLength(15, 100)).toBe(16);
    expect(paddedLength(16, 100)).toBe(32);
    expect(paddedLength(99, 100)).toBe(100);
  });

  it('draws every example once per epoch, in batches of similar length', () => {
    const rng = new Rng(3);
    const lengths = Array.from({ length: 1000 }, () => 5 + rng.int(90));
    const batches = bucketedBatches(lengths, 50, new Rng(1));
    expect(batches).toHaveLength(20);
    expect(new Set(batches.flat()).size).toBe(1000);
    const spread = batches.map((b) => Math.max(...b.map((i) => lengths[i])) - Math.min(...b.map((i) => lengths[i])));
    expect(Math.max(...spread)).toBeLessThanOrEqual(8);
    // Padding waste: bucketed batches pad far less than padding everything to the longest example.
    const padded = batches.reduce((a, b) => a + b.length * paddedLength(Math.max(...b.map((i) => lengths[i])), 100), 0);
    expect(padded).toBeLessThan(0.75 * 1000 * 100);
  });
});
