import { describe, expect, it, vi } from 'vitest';
import { composeRewards } from '../../src/core/rewards/composite';
import { TrainingFault } from '../../src/core/training/types';

// A registry with one honest term and one that breaks (as a buggy or overflowing term would).
vi.mock('../../src/core/rewards/registry', () => ({
  rewardTerm: (id: string) =>
    ({
      ok: { id: 'ok', label: 'Always one', score: (b: { n: number }) => new Float32Array(b.n).fill(1) },
      broken: { id: 'broken', label: 'Broken term', score: () => Float32Array.of(0.5, NaN, Infinity) },
    })[id],
}));

describe('composing reward terms', () => {
  it('sums weighted terms and keeps each one for the plots', async () => {
    const r = await composeRewards([{ id: 'ok', weight: 2, params: {} }], { n: 3 }, 3, {});
    expect(Array.from(r.total)).toEqual([2, 2, 2]);
    expect(Array.from(r.raw.ok)).toEqual([1, 1, 1]);
  });

  it('rejects a non-finite score with a TrainingFault naming the term and the sample', async () => {
    const run = composeRewards([{ id: 'ok', weight: 1, params: {} }, { id: 'broken', weight: 1, params: {} }], { n: 3 }, 3, {});
    await expect(run).rejects.toBeInstanceOf(TrainingFault);
    await expect(run).rejects.toThrow(/"Broken term" gave NaN for sample 2/);
  });
});
