// What the corpus-based text rewards compare a sample with: the corpus's vocabulary and, for each n up to 4, every
// n-gram with the most times it occurs in any one example (BLEU's clipping bound; Papineni et al. 2002, §2.1).
// Built in the Worker the first time a term asks, per unit: Moby-Dick's character tables take seconds, so a run that
// scores word n-grams never builds them.

export const MAX_NGRAM = 4;
export type NgramUnit = 'words' | 'characters';

export interface NgramTable {
  /** counts[n - 1]: n-gram → its largest count within a single example. */
  counts: Map<string, number>[];
  /** Mean example length in this unit: the reference length r of the brevity penalty. */
  meanLength: number;
}

export interface TextReference {
  /** Distinct words (runs of letters a–z) of the corpus. */
  readonly vocabulary: ReadonlySet<string>;
  table(unit: NgramUnit): NgramTable;
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

function buildTable(examples: readonly string[], unit: NgramUnit): NgramTable {
  const counts = Array.from({ length: MAX_NGRAM }, () => new Map<string, number>());
  let total = 0;
  for (const example of examples) {
    const units = unitsOf(example, unit);
    total += units.length;
    for (let n = 1; n <= MAX_NGRAM; n++) {
      const max = counts[n - 1];
      for (const [key, c] of ngramCounts(units, n)) if ((max.get(key) ?? 0) < c) max.set(key, c);
    }
  }
  return { counts, meanLength: examples.length ? total / examples.length : 0 };
}

export function buildReference(examples: readonly string[]): TextReference {
  let vocabulary: Set<string> | null = null;
  const tables: Partial<Record<NgramUnit, NgramTable>> = {};
  return {
    get vocabulary() {
      return (vocabulary ??= new Set(examples.flatMap((e) => unitsOf(e, 'words'))));
    },
    table: (unit) => (tables[unit] ??= buildTable(examples, unit)),
  };
}
