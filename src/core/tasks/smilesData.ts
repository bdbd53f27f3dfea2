// Reading a user's own molecule file (.smi or .csv) for pretraining or fine-tuning.
//
// - A file over the size cap (20 MB by default) is refused with a message, before or after reading it.
// - .smi: one molecule per line, "SMILES [name ...]" separated by whitespace; a first line "smiles" / "SMILES name" is a
//   header. .csv / .tsv: the delimiter (comma, semicolon, tab) is detected, quoted fields are understood, and the SMILES
//   column is the one whose header names it (smiles, canonical_smiles, smi, mol, ...), else the column whose first rows
//   look most like SMILES.
// - Junk lines are counted and reported with their line numbers; the rest is used. A line is junk when its SMILES field
//   is empty, has characters no SMILES uses, has unbalanced brackets or parentheses, is too long, holds a token outside
//   the model's vocabulary (when a vocabulary is given), or fails the optional `isValid` check (RDKit, in the Worker).
// Pure TypeScript: no RDKit unless the caller passes `isValid`.
import { tokenizeSmiles } from './smilesTokenizer';

export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export interface JunkLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  reason: string;
}

export interface ParsedMoleculeFile {
  format: 'smi' | 'csv';
  /** The column used for CSV files (header name, or "column N"). */
  column?: string;
  smiles: string[];
  /** Data lines read (blank lines and the header excluded). */
  lines: number;
  junkCount: number;
  /** The first `maxJunkReported` junk lines, for the message shown to the user. */
  junk: JunkLine[];
  /** A one-line summary for the UI, e.g. "9,998 molecules read; 2 invalid lines skipped (lines 4, 17)". */
  summary: string;
}

export interface ParseOptions {
  /** File name, used to pick .smi or .csv when the content is ambiguous. */
  fileName?: string;
  maxBytes?: number;
  /** Longest SMILES accepted, in tokens (default 128). */
  maxTokens?: number;
  /** Tokens the model knows; lines with other tokens are junk. */
  vocabulary?: { has(token: string): boolean };
  /** A chemistry check (e.g. RDKit's parse, from src/core/chem) run on lines that pass the syntax checks. */
  isValid?: (smiles: string) => boolean | Promise<boolean>;
  /** How many junk lines to list in `junk` (all are counted). Default 100. */
  maxJunkReported?: number;
}

export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

function formatMB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A user-facing refusal when a file is over the cap, else null. Call it with File.size before reading the file. */
export function checkUploadSize(bytes: number, maxBytes = DEFAULT_MAX_UPLOAD_BYTES): string | null {
  return bytes > maxBytes
    ? `The file is ${formatMB(bytes)}, over the ${formatMB(maxBytes)} limit. Upload a smaller file (for example the first 100,000 molecules).`
    : null;
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Characters a SMILES may contain (organic subset, bracket atoms, bonds, ring closures, stereo, charges). */
const SMILES_CHARS = /^[A-Za-z0-9@+\-[\]()=#$:/\\.%*]+$/;
/** Atoms that may be written without brackets (letters of the organic subset; Cl and Br are single tokens). */
const ORGANIC_SUBSET = new Set(['B', 'C', 'N', 'O', 'P', 'S', 'F', 'I', 'b', 'c', 'n', 'o', 'p', 's']);
const HEADER_NAMES = /^(smiles|canonical_smiles|isomeric_smiles|smi|mol|molecule|molecules|structure|smiles_string)$/i;

/** A syntax-only check: the reason a string cannot be a SMILES, or null when it might be one. */
export function smilesSyntaxProblem(s: string, maxTokens = 128): string | null {
  if (s.length === 0) return 'empty SMILES field';
  if (!SMILES_CHARS.test(s)) {
    const bad = [...s].find((c) => !SMILES_CHARS.test(c));
    return `character "${bad}" is not used in SMILES`;
  }
  let depth = 0;
  for (const token of tokenizeSmiles(s)) {
    if (/^[A-Za-z]$/.test(token) && !ORGANIC_SUBSET.has(token)) return `"${token}" is not an atom symbol outside brackets`;
    if (token === '[') return 'unclosed "["';
    if (token === ']') return 'unmatched "]"';
    if (token === '(') depth++;
    else if (token === ')' && --depth < 0) return 'unmatched ")"';
  }
  if (depth !== 0) return 'unclosed "("';
  const n = tokenizeSmiles(s).length;
  if (n > maxTokens) return `too long (${n} tokens; at most ${maxTokens})`;
  return null;
}

/** Split one CSV line, honouring double quotes ("" is a literal quote). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

function detectDelimiter(lines: string[]): string {
  let best = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t']) {
    const counts = lines.slice(0, 20).map((l) => splitCsvLine(l, d).length);
    const min = Math.min(...counts);
    if (min > 1 && min > bestScore) {
      best = d;
      bestScore = min;
    }
  }
  return best;
}

function looksLikeCsv(lines: string[], fileName?: string): boolean {
  if (fileName && /\.(csv|tsv)$/i.test(fileName)) return true;
  if (fileName && /\.smi(les)?$/i.test(fileName)) return false;
  // Commas, semicolons and tabs never occur in a SMILES: if most of the first lines have one, the file is delimited.
  const head = lines.slice(0, 20);
  return head.filter((l) => /[,;\t]/.test(l)).length * 2 > head.length;
}

/** Parse an uploaded .smi or .csv text. Throws UploadError when the file is over the cap or has no usable column. */
export async function parseMoleculeFile(text: string, options: ParseOptions = {}): Promise<ParsedMoleculeFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  // Characters never exceed bytes, so only long texts need the exact UTF-8 size.
  if (text.length > maxBytes / 4) {
    const tooBig = checkUploadSize(utf8Length(text), maxBytes);
    if (tooBig) throw new UploadError(tooBig);
  }
  const maxTokens = options.maxTokens ?? 128;
  const maxJunk = options.maxJunkReported ?? 100;
  const rawLines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const numbered = rawLines.map((t, i) => ({ line: i + 1, text: t.trim() })).filter((l) => l.text.length > 0);
  const csv = looksLikeCsv(numbered.map((l) => l.text), options.fileName);

  let rows: { line: number; text: string; field: string }[];
  let column: string | undefined;
  if (csv) {
    const delimiter = detectDelimiter(numbered.map((l) => l.text));
    const split = numbered.map((l) => ({ ...l, fields: splitCsvLine(l.text, delimiter) }));
    if (split.length === 0) throw new UploadError('The file is empty.');
    const header = split[0].fields;
    let col = header.findIndex((h) => HEADER_NAMES.test(h));
    let hasHeader = col >= 0;
    if (col < 0) {
      // No named column: pick the column whose values in the first rows most often pass the SMILES syntax check.
      const sample = split.slice(1, 51);
      let best = -1;
      let bestScore = 0;
      for (let c = 0; c < header.length; c++) {
        const score = sample.filter((r) => r.fields[c] && /[A-Za-z]/.test(r.fields[c]) && !smilesSyntaxProblem(r.fields[c], maxTokens)).length;
        if (score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      if (best < 0) throw new UploadError('No column of this CSV file looks like SMILES. Name the column "smiles".');
      col = best;
      hasHeader = smilesSyntaxProblem(header[col], maxTokens) !== null || /^smiles?$/i.test(header[col]);
    }
    column = hasHeader ? header[col] : `column ${col + 1}`;
    rows = split.slice(hasHeader ? 1 : 0).map((r) => ({ line: r.line, text: r.text, field: r.fields[col] ?? '' }));
  } else {
    rows = numbered.map((l) => ({ line: l.line, text: l.text, field: l.text.split(/\s+/)[0] }));
    if (rows.length > 0 && /^smiles$/i.test(rows[0].field)) rows = rows.slice(1);
  }

  const smiles: string[] = [];
  const junk: JunkLine[] = [];
  let junkCount = 0;
  const reject = (row: { line: number; text: string }, reason: string) => {
    junkCount++;
    if (junk.length < maxJunk) junk.push({ line: row.line, text: row.text.length > 80 ? `${row.text.slice(0, 77)}...` : row.text, reason });
  };
  for (const row of rows) {
    const problem = smilesSyntaxProblem(row.field, maxTokens);
    if (problem) {
      reject(row, problem);
      continue;
    }
    if (options.vocabulary) {
      const unknown = tokenizeSmiles(row.field).find((t) => !options.vocabulary!.has(t));
      if (unknown !== undefined) {
        reject(row, `token "${unknown}" is not in the model's vocabulary`);
        continue;
      }
    }
    if (options.isValid && !(await options.isValid(row.field))) {
      reject(row, 'not a valid molecule (RDKit could not parse it)');
      continue;
    }
    smiles.push(row.field);
  }
  const listed = junk.slice(0, 5).map((j) => j.line).join(', ');
  const summary =
    `${smiles.length.toLocaleString('en-US')} molecules read` +
    (junkCount > 0 ? `; ${junkCount.toLocaleString('en-US')} invalid line${junkCount === 1 ? '' : 's'} skipped (line${junkCount === 1 ? '' : 's'} ${listed}${junkCount > 5 ? ', ...' : ''})` : '');
  return { format: csv ? 'csv' : 'smi', column, smiles, lines: rows.length, junkCount, junk, summary };
}
