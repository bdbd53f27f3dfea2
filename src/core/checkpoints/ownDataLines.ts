// An own-data corpus cut in two: its string lists (examples, canonical forms), which files and checksums hold as UTF-8
// text, one string a line (no example holds a line break), and its other fields, small enough for JSON.
import type { OwnCorpus } from '../tasks/ownCorpus';

export interface CorpusParts {
  fields: Record<string, unknown>;
  lists: string[][];
}

export function corpusParts(corpus: OwnCorpus): CorpusParts {
  if (corpus.kind === 'text') {
    const { examples, ...fields } = corpus;
    return { fields, lists: [examples] };
  }
  const { examples, canonical, ...fields } = corpus;
  return { fields, lists: [examples, canonical] };
}

/** The corpus back from its parts; unchecked (the caller validates it). */
export function corpusFromParts({ fields, lists }: CorpusParts): unknown {
  return fields.kind === 'molecules' ? { ...fields, examples: lists[0], canonical: lists[1] } : { ...fields, examples: lists[0] };
}

/** One list as UTF-8 lines; joined and split with "\n", which no example contains. */
export function linesBytes(list: readonly string[]): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(list.join('\n'));
}

/** Characters in a corpus's lists, for size figures. */
export function corpusCharacters(corpus: OwnCorpus): number {
  let n = 0;
  for (const list of corpusParts(corpus).lists) for (const s of list) n += s.length + 1;
  return n;
}
