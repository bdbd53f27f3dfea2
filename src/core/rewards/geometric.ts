// REINVENT's way of combining reward terms: a weighted geometric mean instead of a weighted sum.
//
//   total = ( Π_k s_k ^ w_k ) ^ (1 / Σ_k w_k)  =  exp( Σ_k w_k ln s_k / Σ_k w_k )
//
// Why: with a sum, a molecule can score well by excelling at one term while failing another; with a geometric mean,
// any term at 0 makes the total 0 (an invalid molecule, a forbidden substructure), and the total stays in [0, 1] when
// every term does, whatever the weights. Conventions, as in REINVENT:
//  - scores are clamped to [0, 1] first (the molecule terms already are; others, e.g. the prior log-likelihood, are not
//    meant for this mode);
//  - only terms with a positive weight take part; a term with weight ≤ 0 is reported in `raw` but contributes a factor 1;
//  - with no positively weighted term the total is 0.
// The breakdown's `terms[id]` holds each term's multiplicative factor s_k^(w_k / Σw): their product is the total.
// Same inputs and output shape as composeRewards in composite.ts.
import type { RewardConfig } from '../config';
import type { RewardBreakdown } from './composite';
import { rewardTerm } from './registry';
import type { RewardContext } from './types';

/** Weighted geometric mean per sample of already computed scores (the math of composeRewardsGeometric). */
export function weightedGeometricMean(scores: readonly ArrayLike<number>[], weights: readonly number[], size: number): {
  total: Float32Array;
  factors: Float32Array[];
} {
  if (scores.length !== weights.length) throw new Error('weightedGeometricMean: one weight per score array');
  let weightSum = 0;
  for (const w of weights) if (w > 0) weightSum += w;
  const logTotal = new Float64Array(size);
  const factors = scores.map((s, k) => {
    const w = weights[k];
    const f = new Float32Array(size).fill(1);
    if (!(w > 0) || weightSum === 0) return f;
    for (let i = 0; i < size; i++) {
      const clamped = Math.min(1, Math.max(0, Number.isFinite(s[i]) ? s[i] : 0));
      const logPart = (w / weightSum) * Math.log(clamped); // -Infinity for 0: the total becomes 0
      logTotal[i] += logPart;
      f[i] = Math.exp(logPart);
    }
    return f;
  });
  const total = new Float32Array(size);
  if (weightSum > 0) for (let i = 0; i < size; i++) total[i] = Math.exp(logTotal[i]);
  return { total, factors };
}

export async function composeRewardsGeometric<TBatch>(
  rewards: readonly RewardConfig[],
  batch: TBatch,
  size: number,
  ctx: RewardContext,
): Promise<RewardBreakdown> {
  const raw: Record<string, Float32Array> = {};
  const all: Float32Array[] = [];
  for (const r of rewards) {
    const term = rewardTerm(r.id);
    if (!term) throw new Error(`Unknown reward term "${r.id}"`);
    const scores = await term.score(batch, r.params, ctx);
    if (scores.length !== size) throw new Error(`Reward term "${r.id}" returned ${scores.length} scores for ${size} samples`);
    raw[r.id] = scores;
    all.push(scores);
  }
  const { total, factors } = weightedGeometricMean(all, rewards.map((r) => r.weight), size);
  const terms: Record<string, Float32Array> = {};
  rewards.forEach((r, k) => (terms[r.id] = factors[k]));
  return { total, terms, raw };
}
