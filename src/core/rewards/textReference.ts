// What the corpus-based text rewards compare a sample with: the corpus's vocabulary and, for each n up to 4, every
// n-gram with the most times it occurs in any one example (BLEU's clipping bound; Papineni et al. 2002, §2.1).
// Built once per corpus, in the Worker, the first time a term asks for it.

export const MAX_NGRAM = 4;
export type NgramUnit = 'words' | 'characters';

export interface TextReference {
  /** Distinct words (runs of letters a–z) of the corpus. */
  vocabulary: Set<string>;
  /** counts[unit][n - 1]: n-gram → its largest count within a single example. */
  counts: Record<NgramUnit, Map<string, number>[]>;
  /** Mean example length in each unit: the reference length r of the brevity penalty. */
  meanLength: Record<NgramUnit, number>;
}

/** Units of a text: its words (runs of letters a–z), or its characters. */
export function unitsOf(text: string, unit: NgramUnit): string[] {
  return unit === 'words' ? (text.toLowerCase().match(/[a-z]+/g) ?? []) : [...text];
}

/** n-gram → count within one sequence of units. */
export function ngramCounts(units: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= units.length; i++) {
    const key = units.slice(i, i + n).join('\u0001');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export function buildReference(examples: readonly string[]): TextReference {
  const vocabulary = new Set<string>();
  const counts = { words: [] as Map<string, number>[], characters: [] as Map<string, number>[] };
  const totals = { words: 0, characters: 0 };
  for (const unit of ['words', 'characters'] as const) for (let n = 1; n <= MAX_NGRAM; n++) counts[unit].push(new Map());
  for (const example of examples) {
    for (const unit of ['words', 'characters'] as const) {
      const units = unitsOf(example, unit);
      totals[unit] += units.length;
      if (unit === 'words') for (const w of units) vocabulary.add(w);
      for (let n = 1; n <= MAX_NGRAM; n++) {
        const max = counts[unit][n - 1];
        for (const [key, c] of ngramCounts(units, n)) if ((max.get(key) ?? 0) < c) max.set(key, c);
      }
    }
  }
  const mean = (total: number) => (examples.length ? total / examples.length : 0);
  return { vocabulary, counts, meanLength: { words: mean(totals.words), characters: mean(totals.characters) } };
}
