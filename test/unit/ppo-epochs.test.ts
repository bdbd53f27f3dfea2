import { describe, expect, it } from 'vitest';
import { PpoEpochStats } from '../../src/core/algorithms/ppoEpochs';

describe("PPO's epoch bookkeeping", () => {
  it('averages each number over the steps, keeps the ratio range, and counts steps', () => {
    const s = new PpoEpochStats(0);
    expect(s.add({ loss: 1, approxKl: 0.01, ratioMin: 0.9, ratioMax: 1.1 })).toBe(false);
    expect(s.add({ loss: 3, approxKl: 0.03, ratioMin: 0.8, ratioMax: 1.05 })).toBe(false);
    const sum = s.summary();
    expect(sum.loss).toBe(2);
    expect(sum.approxKl).toBeCloseTo(0.02, 12);
    expect(sum.ratioMin).toBe(0.8);
    expect(sum.ratioMax).toBe(1.1);
    expect(sum.minibatchSteps).toBe(2);
    expect(sum.stoppedEarly).toBe(0);
  });

  it('stops once the approximate KL passes 1.5 × the target, not at it', () => {
    const s = new PpoEpochStats(0.02);
    expect(s.add({ approxKl: 0.03 })).toBe(false); // exactly 1.5 × target
    expect(s.add({ approxKl: 0.0301 })).toBe(true);
    expect(s.summary().stoppedEarly).toBe(1);
    expect(new PpoEpochStats(0).add({ approxKl: 100 })).toBe(false); // target 0: never stops
  });
});
