// Turning a text (a novel, pasted or uploaded prose) into training examples for the Words and Free text tasks.
//
// Normalisation maps the text onto a small printable alphabet: lower case, accents removed (é → e), typographic quotes
// and apostrophes made plain (’ → ') or dropped (double quotes, straight or curly), dashes (— –) written " - ", line
// breaks and tabs made spaces.
// Every other character is dropped and counted: printable ones (digits, brackets, ...) as "outside the alphabet",
// control characters and the Unicode replacement character as junk (what a binary or wrongly encoded file is made of).
// Pure TypeScript: the Worker, the page and the tests all use it.

/** Characters of the Free text task: lower-case letters, space and basic punctuation. */
export const TEXT_ALPHABET = "abcdefghijklmnopqrstuvwxyz .,;:!?'-";
export const WORD_ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** Shortest and longest word of the Words task, in letters. */
export const WORD_MIN_LETTERS = 2;
export const WORD_MAX_LETTERS = 14;
/** Longest free-text example, in characters (the task's max length is one more, for the end token). */
export const TEXT_CHUNK_CHARS = 63;
/** Shorter pieces (a stray "ha." between sentences) teach little; they are left out. */
export const TEXT_CHUNK_MIN_CHARS = 8;

/** Largest text file or paste accepted. */
export const MAX_TEXT_BYTES = 5 * 1024 * 1024;

const IN_TEXT_ALPHABET = new Set(TEXT_ALPHABET);
const TYPOGRAPHIC: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
  '`': "'",
  '\u201c': '',
  '\u201d': '',
  '"': '',
  '\u2014': ' - ',
  '\u2013': ' - ',
  '\u2026': '...',
  '\n': ' ',
  '\r': ' ',
  '\t': ' ',
};

export interface NormalisedText {
  text: string;
  /** Printable characters with no place in the alphabet (digits, brackets, symbols), dropped. */
  outsideAlphabet: number;
  /** Control characters and U+FFFD (a broken encoding or a binary file), dropped. */
  junk: number;
}

function isJunk(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code === 0xfffd || code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0xe000 && code <= 0xf8ff);
}

/** The text on TEXT_ALPHABET, runs of spaces collapsed, with counts of what was dropped. */
export function normaliseText(raw: string): NormalisedText {
  let out = '';
  let outsideAlphabet = 0;
  let junk = 0;
  // NFKD splits "é" into "e" and a combining accent, which the alphabet check then drops without counting.
  for (const c of raw.normalize('NFKD').toLowerCase()) {
    const mapped = TYPOGRAPHIC[c];
    if (mapped !== undefined) out += mapped;
    else if (IN_TEXT_ALPHABET.has(c)) out += c;
    else if (/\p{M}/u.test(c)) continue;
    else if (isJunk(c)) junk++;
    else if (/\s/u.test(c)) out += ' ';
    else outsideAlphabet++;
  }
  return { text: out.replace(/ {2,}/g, ' ').trim(), outsideAlphabet, junk };
}

/**
 * Cuts normalised text into examples of at most `maxChars`: sentences that fit stay whole; longer ones are split after
 * a comma, semicolon or colon and the clauses packed greedily; a clause longer still is packed word by word.
 */
export function textChunks(text: string, maxChars = TEXT_CHUNK_CHARS, minChars = TEXT_CHUNK_MIN_CHARS): string[] {
  const out: string[] = [];
  const keep = (s: string) => {
    const t = s.trim();
    if (t.length >= minChars && t.length <= maxChars) out.push(t);
  };
  for (const sentence of text.split(/(?<=[.!?])\s+/)) {
    if (sentence.length <= maxChars) {
      keep(sentence);
      continue;
    }
    let current = '';
    for (const clause of sentence.split(/(?<=[,;:])\s+/)) {
      const pieces = clause.length <= maxChars ? [clause] : packWords(clause, maxChars);
      for (const piece of pieces) {
        if (current && current.length + 1 + piece.length <= maxChars) current += ` ${piece}`;
        else {
          keep(current);
          current = piece;
        }
      }
    }
    keep(current);
  }
  return out;
}

function packWords(clause: string, maxChars: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of clause.split(' ')) {
    if (!current) current = word;
    else if (current.length + 1 + word.length <= maxChars) current += ` ${word}`;
    else {
      out.push(current);
      current = word;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The words of a text: runs of letters a–z after normalisation ("whale's" gives "whale" and "s"). */
export function wordsOf(text: string): string[] {
  return normaliseText(text).text.match(/[a-z]+/g) ?? [];
}

/** Distinct words of WORD_MIN_LETTERS..WORD_MAX_LETTERS letters, sorted. */
export function distinctWords(text: string): string[] {
  return [...new Set(wordsOf(text).filter((w) => w.length >= WORD_MIN_LETTERS && w.length <= WORD_MAX_LETTERS))].sort();
}

/** What the Task panel shows of a corpus: its size and the first few examples (as text). */
export interface CorpusPreview {
  /** "Moby-Dick (Herman Melville, 1851)" or "your text". */
  source: string;
  examples: number;
  characters: number;
  shownExamples: string[];
  /** Filled for an own text: what normalisation dropped. */
  dropped?: { outsideAlphabet: number; junk: number };
}

export function previewOf(source: string, examples: readonly string[], shown = 5): CorpusPreview {
  let characters = 0;
  for (const e of examples) characters += e.length;
  // Spread over the corpus: the first lines of a book are its title page.
  const step = Math.max(1, Math.floor(examples.length / shown));
  const shownExamples = Array.from({ length: Math.min(shown, examples.length) }, (_, i) => examples[Math.min(examples.length - 1, i * step + Math.floor(step / 2))]);
  return { source, examples: examples.length, characters, shownExamples };
}

/** The refusal for a file or paste over MAX_TEXT_BYTES, or null when it fits. */
export function textSizeProblem(bytes: number, maxBytes = MAX_TEXT_BYTES): string | null {
  if (bytes <= maxBytes) return null;
  const limit = `${+(maxBytes / (1024 * 1024)).toFixed(1)} MB`;
  return `The text is larger than ${limit} (${bytes.toLocaleString('en-US')} bytes); use a shorter excerpt. Nothing was changed.`;
}
