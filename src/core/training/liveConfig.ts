// Settings that change while a run goes on, shared by every trainer: what changed (for the plots' markers), which
// changes need a new run instead, and a config with new reward weights (the weight sliders).
import { BOUNDS, type ExperimentConfig } from '../config';

/** Short descriptions of what differs from `a` to `b`, e.g. "ends_with weight 1→0.5", "+contains", "learningRate 0.001→0.003". */
export function describeChanges(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const out: string[] = [];
  const before = new Map(a.rewards.map((r) => [r.id, r]));
  for (const r of b.rewards) {
    const old = before.get(r.id);
    if (!old) out.push(`+${r.id}`);
    else if (old.weight !== r.weight) out.push(`${r.id} weight ${old.weight}→${r.weight}`);
    else if (JSON.stringify(old.params) !== JSON.stringify(r.params)) out.push(`${r.id} params`);
  }
  for (const r of a.rewards) if (!b.rewards.some((x) => x.id === r.id)) out.push(`−${r.id}`);
  const scalar: (keyof ExperimentConfig)[] = ['learningRate', 'batchSize', 'maxLength', 'temperature'];
  for (const k of scalar) if (a[k] !== b[k]) out.push(`${k} ${a[k]}→${b[k]}`);
  for (const [k, v] of Object.entries(b.algorithm)) {
    const old = (a.algorithm as Record<string, unknown>)[k];
    if (old !== v) out.push(`${k} ${old}→${v}`);
  }
  return out;
}

/**
 * Whether going from `a` to `b` needs a new run built from the prior rather than a live change: the task, the seed, the
 * model size, the painter's environment, the Free text data, and the Molecules syntax guard (it changes the policy's
 * distribution itself).
 */
export function startsNewRun(a: ExperimentConfig, b: ExperimentConfig): boolean {
  if (a.task !== b.task || a.seed !== b.seed || JSON.stringify(a.model) !== JSON.stringify(b.model)) return true;
  if (b.task === 'paint') return JSON.stringify(a.paint) !== JSON.stringify(b.paint);
  if (b.task === 'text') return a.text.source !== b.text.source;
  if (b.task === 'molecules') return a.molecules.syntaxGuard !== b.molecules.syntaxGuard;
  return false;
}

/** A copy of `config` with the given reward weights (by term id); throws with the term's id on a weight out of range. */
export function withRewardWeights(config: ExperimentConfig, weights: Record<string, number>): ExperimentConfig {
  const next = structuredClone(config);
  for (const r of next.rewards) {
    const w = weights[r.id];
    if (w === undefined) continue;
    if (!Number.isFinite(w) || w < BOUNDS.weight.min || w > BOUNDS.weight.max) {
      throw new Error(`Weight of ${r.id} must be between ${BOUNDS.weight.min} and ${BOUNDS.weight.max}`);
    }
    r.weight = w;
  }
  return next;
}
