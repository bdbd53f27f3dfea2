// The own-data section of a checkpoint (a run on the user's own text or molecules carries the prior trained on them and
// the corpus), checked on its own: when it is damaged or malformed it is dropped with a reason and the run loads
// without it (it resumes with the shipped prior and built-in corpus, and the status line says so).
//
// Bounds follow the upload caps, so a section, and an exported file, stays as bounded as the upload it came from.
import * as v from 'valibot';
import type { ExperimentConfig } from '../config';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../tasks/smilesData';
import { MAX_TEXT_BYTES, TEXT_CHUNK_CHARS } from '../tasks/textData';
import { checksumProblem, ownDataChecksum } from './checksum';
import { shapeMismatch, tensorListProblem } from './tensors';
import type { OwnDataSection } from './types';

/** A SMILES of the Molecules task has at most 99 tokens; a bracket atom token is at most a few characters. */
const MAX_SMILES_CHARS = 1000;
/**
 * Characters a list may hold in all. Normalisation can lengthen a text a little ("㏂", 3 bytes, becomes "a.m."), and
 * a canonical SMILES can be longer than the one read: hence twice the upload cap for those two.
 */
export const MAX_OWN_TEXT_CHARS = 2 * MAX_TEXT_BYTES;
export const MAX_OWN_MOLECULE_CHARS = DEFAULT_MAX_UPLOAD_BYTES;
export const MAX_OWN_CANONICAL_CHARS = 2 * DEFAULT_MAX_UPLOAD_BYTES;
/** Longest note kept from a dropped section. */
export const MAX_PROBLEM_CHARS = 500;

/** A list of strings without line breaks, each at most `maxChars`, at most `maxTotal` characters together. */
const lines = (what: string, maxChars: number, maxTotal: number, minChars: number) =>
  v.pipe(
    v.array(v.string()),
    v.minLength(1, `the ${what} list is empty`),
    v.maxLength(maxTotal, `there are too many ${what}`),
    v.check((list) => list.every((s) => s.length >= minChars && s.length <= maxChars && !s.includes('\n')), `one of the ${what} is empty, too long or holds a line break`),
    v.check((list) => list.reduce((n, s) => n + s.length, 0) <= maxTotal, `the ${what} hold more than ${maxTotal.toLocaleString('en-US')} characters`),
  );

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const OwnTextSchema = v.object({
  kind: v.literal('text'),
  examples: lines('text examples', TEXT_CHUNK_CHARS, MAX_OWN_TEXT_CHARS, 1),
  dropped: v.object({ outsideAlphabet: count, junk: count }),
});

const OwnMoleculesSchema = v.pipe(
  v.object({
    kind: v.literal('molecules'),
    examples: lines('molecules', MAX_SMILES_CHARS, MAX_OWN_MOLECULE_CHARS, 1),
    canonical: lines('canonical forms', MAX_SMILES_CHARS, MAX_OWN_CANONICAL_CHARS, 0),
    mode: v.picklist(['finetune', 'new']),
  }),
  v.check((c) => c.canonical.length === c.examples.length, 'there is not one canonical form per molecule'),
);

/** The corpus of a section: the user's text examples, or molecules with their canonical forms. */
export const OwnCorpusSchema = v.variant('kind', [OwnTextSchema, OwnMoleculesSchema]);

/**
 * The problem with a section, or null. It must fit the run's config (a text section only on Free text from your own
 * text, a molecules section only on Molecules) and, when given, the model's weight shapes.
 */
export function ownDataProblem(section: unknown, config: ExperimentConfig, shapes?: Readonly<Record<string, readonly number[]>>): string | null {
  if (typeof section !== 'object' || section === null) return 'it is not a section';
  const { corpus, prior } = section as Partial<OwnDataSection>;
  const parsed = v.safeParse(OwnCorpusSchema, corpus);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return `its corpus is invalid at ${v.getDotPath(issue) ?? 'the top level'} (${issue.message})`;
  }
  const fits = parsed.output.kind === 'text' ? config.task === 'text' && config.text.source === 'own' : config.task === 'molecules';
  if (!fits) return `it holds ${parsed.output.kind === 'text' ? 'text' : 'molecules'}, which the run's ${config.task} task does not use`;
  if (prior === undefined) return null;
  const problem = tensorListProblem(prior, 'prior');
  if (problem) return problem;
  if (prior.some((t) => t.dtype !== 'float32')) return 'the prior holds a tensor that is not float32';
  const mismatch = shapes ? shapeMismatch(prior, shapes) : null;
  return mismatch ? `its prior does not fit the run's model size (${mismatch})` : null;
}

export interface OwnDataResult {
  ownData?: OwnDataSection;
  ownDataChecksum?: string;
  /** Why the section was dropped. */
  ownDataProblem?: string;
}

/** Says why a section was dropped, in words the status line can show as they are. */
export function droppedOwnData(why: string): OwnDataResult {
  return { ownDataProblem: `the copy of your data this checkpoint carries is damaged (${why.slice(0, MAX_PROBLEM_CHARS - 60)})` };
}

/** The section when it is well formed, fits the config and matches its checksum; else only the reason it was dropped. */
export async function verifiedOwnDataSection(section: unknown, checksum: unknown, config: ExperimentConfig): Promise<OwnDataResult> {
  if (section === undefined) return {};
  const problem = ownDataProblem(section, config);
  if (problem) return droppedOwnData(problem);
  const own = section as OwnDataSection;
  const mismatch = await checksumProblem(own, checksum, ownDataChecksum);
  return mismatch ? droppedOwnData(`its ${mismatch}`) : { ownData: own, ownDataChecksum: checksum as string };
}
