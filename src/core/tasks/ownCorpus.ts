// The user's own data as plain data: what the session keeps of a text or molecule upload so that a checkpoint of a run
// on it can carry it, how the Free text and Molecules tasks are rebuilt from it (after an upload, and when such a run is
// resumed), and what the status line says when a run on own data is resumed without it.
import { ownTextTask, type CorpusTask } from './corpusTasks';
import { shippedNoveltySet } from './moleculeView';
import { ownTextPreview } from './textUpload';
import { uploadedMolecules, type UploadedMolecules } from './uploadedMolecules';
import type { UploadMode } from './uploadedPrior';

export interface OwnText {
  kind: 'text';
  /** The examples as cut from the text: normalised, at most 63 characters, never a line break. */
  examples: string[];
  /** What normalisation dropped, shown in the preview. */
  dropped: { outsideAlphabet: number; junk: number };
}

export interface OwnMolecules {
  kind: 'molecules';
  /** The SMILES as read from the file (the MLE corpus). */
  examples: string[];
  /** RDKit's canonical form of each example (the novelty reference), or '' where it is the example itself: most files are canonical already, and this keeps a checkpoint half the size. */
  canonical: string[];
  /** A prior fine-tuned on the file also learned the shipped training set, so those molecules are not novel either. */
  mode: UploadMode;
}

export type OwnCorpus = OwnText | OwnMolecules;

export function ownMoleculesCorpus(examples: string[], canonical: readonly string[], mode: UploadMode): OwnMolecules {
  return { kind: 'molecules', examples, canonical: canonical.map((c, i) => (c === examples[i] ? '' : c)), mode };
}

/** The Free text task on this text, its preview rebuilt from the examples (the same one the upload showed). */
export function ownTextTaskOf(corpus: OwnText): CorpusTask {
  return ownTextTask(corpus.examples, ownTextPreview(corpus.examples, corpus.dropped));
}

/** The Molecules task on these molecules, with its novelty reference (the shipped set is fetched, never stored). */
export async function uploadedMoleculesOf(corpus: OwnMolecules): Promise<UploadedMolecules> {
  const canonical = corpus.canonical.map((c, i) => c || corpus.examples[i]);
  return uploadedMolecules(corpus.examples, canonical, corpus.mode, corpus.mode === 'finetune' ? await shippedNoveltySet() : null);
}

/**
 * The note for a resumed run on the user's own data that comes back without it: `problem` says how the checkpoint's
 * copy was damaged; without one, the checkpoint carries none (it was saved before checkpoints carried it).
 */
export function missingOwnDataNote(kind: OwnCorpus['kind'], problem?: string): string {
  const what = kind === 'text' ? 'text' : 'molecules';
  const lost = problem ? `this run was trained on your own ${what}, but ${problem}` : `this checkpoint carries no ${what} of yours (checkpoints saved before they carried it do not)`;
  return kind === 'text'
    ? `${lost}, so the run uses the shipped prior and measures BLEU against Moby-Dick; paste or upload your text again (that starts a new run) to train on it and measure BLEU against it`
    : `${lost}, so the run uses the shipped prior, measures novelty against the shipped training set and has no molecules for MLE mixing; upload your file again (that starts a new run) to train on it`;
}
