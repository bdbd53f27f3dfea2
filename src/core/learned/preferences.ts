// The labelled pairs of a run (from the person at the keyboard or the simulated annotator), how they are split into
// a fitting set and a held-out set, and how new pairs are chosen for labelling. Plain data: the pairs are saved in
// checkpoints and exported with them.
import * as v from 'valibot';
import type { Rng } from '../rng';
import type { PreferenceChoice } from './bradleyTerry';
import { PAINTING_PATTERN } from './paintings';

export interface LabelledPair {
  a: string;
  b: string;
  choice: PreferenceChoice;
  /** Who labelled it. */
  source: 'human' | 'annotator';
  /** The update count when it was labelled. */
  update: number;
}

/** A run keeps at most this many labels (the oldest go first); enough for hours of labelling. */
export const MAX_LABELS = 5000;
/** Paintings are 4 KB each: a painter run keeps fewer labels, so its checkpoint header stays far below the file limit. */
export const MAX_PAINTING_LABELS = 2000;
/** Every HELD_OUT_EVERY-th label (by arrival) is held out: the reward model never fits it, its accuracy is measured on it. */
export const HELD_OUT_EVERY = 5;

/** A name or SMILES, or a stored painting (paintings.ts). */
const SampleSchema = v.union([v.pipe(v.string(), v.maxLength(512)), v.pipe(v.string(), v.regex(PAINTING_PATTERN))]);

const LabelledPairSchema = v.object({
  a: SampleSchema,
  b: SampleSchema,
  choice: v.picklist(['a', 'b', 'tie']),
  source: v.picklist(['human', 'annotator']),
  update: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export const LabelledPairsSchema = v.pipe(v.array(LabelledPairSchema), v.maxLength(MAX_LABELS));

export class PreferenceStore {
  constructor(private readonly maxLabels = MAX_LABELS) {}

  private readonly pairs: LabelledPair[] = [];
  /** How many labels ever arrived (the held-out split follows arrival order, also after the oldest are dropped). */
  private arrived = 0;
  private readonly heldOutFlags: boolean[] = [];

  get count(): number {
    return this.pairs.length;
  }

  add(pair: LabelledPair): void {
    this.pairs.push({ ...pair });
    this.heldOutFlags.push(this.arrived % HELD_OUT_EVERY === HELD_OUT_EVERY - 1);
    this.arrived++;
    if (this.pairs.length > this.maxLabels) {
      this.pairs.shift();
      this.heldOutFlags.shift();
    }
  }

  /** The pairs the reward model fits, and the held-out ones its accuracy is measured on. */
  split(): { train: LabelledPair[]; heldOut: LabelledPair[] } {
    const train: LabelledPair[] = [];
    const heldOut: LabelledPair[] = [];
    this.pairs.forEach((p, i) => (this.heldOutFlags[i] ? heldOut : train).push(p));
    return { train, heldOut };
  }

  all(): LabelledPair[] {
    return this.pairs.map((p) => ({ ...p }));
  }

  /** Replaces the contents with saved pairs (a resumed checkpoint); the split is re-derived from their order. */
  load(pairs: readonly LabelledPair[]): void {
    this.pairs.length = 0;
    this.heldOutFlags.length = 0;
    this.arrived = 0;
    for (const p of pairs) this.add(p);
  }
}

/** Reads saved pairs; anything malformed is refused with a reason (callers decide whether that is fatal). */
export function readLabelledPairs(input: unknown): { ok: true; pairs: LabelledPair[] } | { ok: false; message: string } {
  const parsed = v.safeParse(LabelledPairsSchema, input);
  if (parsed.success) return { ok: true, pairs: parsed.output };
  const issue = parsed.issues[0];
  return { ok: false, message: `the labelled pairs are invalid at ${v.getDotPath(issue) ?? 'the top level'} (${issue.message})` };
}

export type PairSelection = 'random' | 'uncertain';

/**
 * Up to n pairs of indices into `texts` whose texts differ. 'random': a shuffled pairing. 'uncertain': among 4n random
 * candidate pairs, the n whose reward-model scores are closest (P(a ≻ b) nearest ½), where a label teaches the model
 * most. Christiano et al. (2017) measure uncertainty as an ensemble's disagreement; one model's margin is the cheap
 * stand-in that fits in a browser tab.
 */
export function choosePairs(texts: readonly string[], n: number, selection: PairSelection, rng: Rng, scores?: ArrayLike<number>): [number, number][] {
  const candidates: [number, number][] = [];
  const seen = new Set<string>();
  const wanted = selection === 'uncertain' && scores ? 4 * n : n;
  // A few shuffled pairings give plenty of distinct candidates; identical texts make no comparison, and a pair drawn
  // again in a later round is not a new one.
  for (let round = 0; round < 8 && candidates.length < wanted; round++) {
    const order = rng.shuffle(Array.from({ length: texts.length }, (_, i) => i));
    for (let k = 0; k + 1 < order.length && candidates.length < wanted; k += 2) {
      const [i, j] = [order[k], order[k + 1]];
      const key = i < j ? `${i}-${j}` : `${j}-${i}`;
      if (texts[i] !== texts[j] && !seen.has(key)) {
        seen.add(key);
        candidates.push([i, j]);
      }
    }
  }
  if (selection !== 'uncertain' || !scores) return candidates.slice(0, n);
  const margin = ([i, j]: [number, number]) => Math.abs(scores[i] - scores[j]);
  return candidates
    .map((pair, k) => ({ pair, k }))
    .sort((x, y) => margin(x.pair) - margin(y.pair) || x.k - y.k)
    .slice(0, n)
    .map((x) => x.pair);
}
