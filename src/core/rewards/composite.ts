// The total reward is a weighted sum of terms; the breakdown keeps each weighted contribution for the plots.
import type { RewardConfig } from '../config';
import { TrainingFault } from '../training/types';
import { rewardTerm } from './registry';
import type { ContextNeed, RewardContext } from './types';

export interface RewardBreakdown {
  total: Float32Array;
  /** Weighted contribution of each active term, keyed by term id. */
  terms: Record<string, Float32Array>;
  /** Unweighted score of each active term, keyed by term id. */
  raw: Record<string, Float32Array>;
}

export function contextNeeds(rewards: readonly RewardConfig[]): Set<ContextNeed> {
  const needs = new Set<ContextNeed>();
  for (const r of rewards) for (const n of rewardTerm(r.id)?.needs ?? []) needs.add(n);
  return needs;
}

export async function composeRewards<TBatch>(
  rewards: readonly RewardConfig[],
  batch: TBatch,
  size: number,
  ctx: RewardContext,
): Promise<RewardBreakdown> {
  const total = new Float32Array(size);
  const terms: Record<string, Float32Array> = {};
  const raw: Record<string, Float32Array> = {};
  for (const r of rewards) {
    const term = rewardTerm(r.id);
    if (!term) throw new Error(`Unknown reward term "${r.id}"`);
    const scores = await term.score(batch, r.params, ctx);
    if (scores.length !== size) throw new Error(`Reward term "${r.id}" returned ${scores.length} scores for ${size} samples`);
    const bad = scores.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      // Caught here, before any gradient: the update is rejected and the weights stay as they were.
      throw new TrainingFault(
        `The reward term "${term.label}" gave ${scores[bad]} for sample ${bad + 1}, so this update was rejected.`,
        'Check that term’s parameters, lower its weight or remove it, then train again; the model is as it was before this update.',
      );
    }
    const weighted = scores.map((s) => s * r.weight);
    for (let i = 0; i < size; i++) total[i] += weighted[i];
    terms[r.id] = weighted;
    raw[r.id] = scores;
  }
  return { total, terms, raw };
}
