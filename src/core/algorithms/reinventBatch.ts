// What REINVENT does to a sampled batch before its loss (Olivecrona et al. 2017; Blaschke et al. 2020, REINVENT 2.0):
//  - an invalid molecule scores 0, whatever the reward terms say;
//  - a molecule sampled twice in the batch is learned from once (w_i = 0 for the repeats);
//  - the diversity filter lowers the score of molecules whose scaffold bucket is full;
//  - the best molecules seen so far are replayed beside the batch.
// Plain arrays in, plain arrays out: the trainer turns them into tensors for reinventLoss (./reinvent.ts).
import { inBatchDuplicates, type DiversityFilter } from '../chem/diversityFilter';
import type { ReplayMemory } from '../chem/replayMemory';

/** The sampled molecules as RDKit read them (canonical SMILES and Murcko scaffold, null where invalid). */
export interface SampledMolecules {
  canonical: readonly (string | null)[];
  scaffolds: readonly (string | null)[];
}

export interface ScoredBatch {
  /** S(x_i): the score after the diversity filter, 0 for an invalid molecule. */
  scores: Float32Array;
  /** w_i: 0 for a repeat of an earlier row of the batch, else 1. */
  keep: Float32Array;
}

/**
 * Scores of a sampled batch for REINVENT's loss. `molecules` is null on a task without chemistry: then only repeated
 * texts are dropped. `filter` is the diversity filter, or null when it is off (it remembers what it is offered).
 */
export function scoreReinventBatch(
  totals: ArrayLike<number>,
  texts: readonly string[],
  molecules: SampledMolecules | null,
  filter: DiversityFilter | null,
): ScoredBatch {
  const scores = Float32Array.from(totals, (r, b) => (molecules && molecules.canonical[b] === null ? 0 : r));
  const identity = texts.map((t, b) => molecules?.canonical[b] ?? `raw:${t}`);
  const keep = Float32Array.from(inBatchDuplicates(identity), (dup) => (dup ? 0 : 1));
  if (!molecules || !filter) return { scores, keep };
  // Repeats are not offered to the filter, so a molecule sampled twice counts once in its scaffold's bucket.
  const offered = molecules.canonical.map((c, b) => (keep[b] ? c : null));
  return { scores: filter.apply(scores, offered, molecules.scaffolds), keep };
}

export interface ReplayedMolecule {
  /** Token ids of the remembered canonical SMILES (no end token). */
  ids: number[];
  score: number;
}

/**
 * Molecules drawn from the memory for this update, encoded for the model. A remembered SMILES the model cannot write
 * (a token outside its vocabulary, or no room for its end token within `maxLength`) is skipped.
 */
export function replayedMolecules(
  memory: ReplayMemory,
  random: () => number,
  tokenizer: { encode(text: string): number[]; canEncode?(text: string): boolean },
  maxLength: number,
): ReplayedMolecule[] {
  return memory
    .sample(random)
    .filter((e) => tokenizer.canEncode?.(e.smiles) ?? true)
    .map((e) => ({ ids: tokenizer.encode(e.smiles), score: e.score }))
    .filter((e) => e.ids.length < maxLength);
}
