// Reading a user's own text (pasted, or a .txt file) for the Free text task: size cap, normalisation onto the task's
// alphabet with counts of what was dropped, and cutting into examples (src/core/tasks/textData.ts).
import { normaliseText, previewOf, TEXT_CHUNK_CHARS, textChunks, textSizeProblem, type CorpusPreview } from './textData';

export const OWN_TEXT_SOURCE = 'your text';

export interface ParsedText {
  examples: string[];
  preview: CorpusPreview;
  /** One line for the UI: "1,204 examples (52,311 characters); 17 characters outside the alphabet dropped". */
  summary: string;
  /** Non-printable characters dropped (control characters, U+FFFD). */
  junk: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** The Task panel's view of an own text; a resumed checkpoint rebuilds it from the examples and the dropped counts. */
export function ownTextPreview(examples: readonly string[], dropped: { outsideAlphabet: number; junk: number }): CorpusPreview {
  return { ...previewOf(OWN_TEXT_SOURCE, examples), dropped: { ...dropped } };
}

/** Throws an Error with a message for the user when the text is too large; otherwise always returns (maybe 0 examples). */
export function parseOwnText(raw: string, bytes: number): ParsedText {
  const tooBig = textSizeProblem(bytes);
  if (tooBig) throw new Error(tooBig);
  const { text, outsideAlphabet, junk } = normaliseText(raw);
  const examples = textChunks(text, TEXT_CHUNK_CHARS);
  const preview = ownTextPreview(examples, { outsideAlphabet, junk });
  const dropped: string[] = [];
  if (outsideAlphabet) dropped.push(`${plural(outsideAlphabet, 'character')} outside the alphabet`);
  if (junk) dropped.push(`${plural(junk, 'non-printable character')}`);
  const summary = `${plural(examples.length, 'example')} (${plural(preview.characters, 'character')})${dropped.length ? `; dropped ${dropped.join(' and ')}` : ''}`;
  return { examples, preview, summary, junk };
}
