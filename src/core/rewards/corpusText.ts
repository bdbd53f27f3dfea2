// Text rewards that compare a sample with the task's corpus (Words and Free text): BLEU and the share of real words.
// The corpus statistics come with the batch (TextBatch.reference), built once per corpus in the Worker.
import { MAX_NGRAM, ngramCounts, unitsOf, type NgramUnit, type TextReference } from './textReference';
import type { RewardTerm, TextBatch } from './types';

export interface BleuOptions {
  unit: NgramUnit;
  /** Highest n-gram order N; the weights are uniform, 1/N. */
  maxOrder: number;
  /** Add one to the matches and the count of every order n ≥ 2 (Lin & Och 2004), so one missing 4-gram is not a 0. */
  smooth: boolean;
}

/**
 * BLEU of one sample against the corpus (Papineni, Roukos, Ward & Zhu 2002, "BLEU: a method for automatic evaluation
 * of machine translation", ACL): each corpus example is a reference.
 *   p_n = Σ_g min(count(g), maxref(g)) / Σ_g count(g)   over the sample's n-grams g (clipped n-gram precision)
 *   BP  = 1 if c > r, else exp(1 − r / c)                 c: sample length, r: the corpus's mean example length
 *   BLEU = BP · exp(Σ_{n=1..N} (1/N) log p_n)
 * An empty sample scores 0, and so does one with no matching n-gram of some order (unless smoothed).
 */
export function bleu(text: string, ref: TextReference, options: BleuOptions): number {
  const units = unitsOf(text, options.unit);
  const c = units.length;
  if (c === 0) return 0;
  const table = ref.table(options.unit);
  let logSum = 0;
  for (let n = 1; n <= options.maxOrder; n++) {
    const maxRef = table.counts[n - 1];
    let matched = 0;
    let total = 0;
    for (const [gram, count] of ngramCounts(units, n)) {
      matched += Math.min(count, maxRef.get(gram) ?? 0);
      total += count;
    }
    const add = options.smooth && n >= 2 ? 1 : 0;
    if (matched + add === 0 || total + add === 0) return 0;
    logSum += Math.log((matched + add) / (total + add)) / options.maxOrder;
  }
  const r = table.meanLength;
  const brevity = c > r ? 1 : Math.exp(1 - r / c);
  return brevity * Math.exp(logSum);
}

/** Share of a sample's words (runs of letters a–z) found in the corpus vocabulary; 0 for a sample without words. */
export function realWordsShare(text: string, vocabulary: ReadonlySet<string>): number {
  const words = unitsOf(text, 'words');
  if (!words.length) return 0;
  return words.filter((w) => vocabulary.has(w)).length / words.length;
}

function referenceOf(batch: TextBatch, termId: string): TextReference {
  const ref = batch.reference?.();
  if (!ref) throw new Error(`${termId} compares samples with the task's corpus, which this task does not provide`);
  return ref;
}

export const bleuTerm: RewardTerm<TextBatch> = {
  id: 'bleu',
  task: 'text',
  alsoFor: ['words'],
  label: 'BLEU against the corpus',
  description: "Clipped n-gram precision against the corpus (up to 4-grams) times a brevity penalty: 1 when every n-gram occurs in the data.",
  use: 'objective',
  params: [
    { kind: 'choice', key: 'unit', label: 'n-grams of', options: ['words', 'characters'], default: 'words' },
    { kind: 'number', key: 'order', label: 'Highest n', min: 1, max: MAX_NGRAM, step: 1, default: MAX_NGRAM, integer: true },
    { kind: 'boolean', key: 'smooth', label: 'Smoothed (add one for n ≥ 2)', default: true },
  ],
  defaultWeight: 1,
  score: (batch, p) => {
    const ref = referenceOf(batch, 'BLEU');
    const options: BleuOptions = { unit: p.unit === 'characters' ? 'characters' : 'words', maxOrder: Number(p.order), smooth: p.smooth === true };
    return Float32Array.from(batch.texts, (t) => bleu(t, ref, options));
  },
};

export const realWordsTerm: RewardTerm<TextBatch> = {
  id: 'real_words',
  task: 'text',
  alsoFor: ['words'],
  label: 'Real words share',
  description: 'Fraction of the sample\'s words that occur in the corpus (on Words: 1 for a word of the corpus, else 0).',
  use: 'objective',
  params: [],
  defaultWeight: 1,
  score: (batch) => {
    const ref = referenceOf(batch, 'Real words share');
    return Float32Array.from(batch.texts, (t) => realWordsShare(t, ref.vocabulary));
  },
};

export const CORPUS_TEXT_TERMS = [bleuTerm, realWordsTerm] as const;
