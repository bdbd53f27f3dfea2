// The Molecules task after the user trained a prior on their own file in this tab: the uploaded molecules become the
// task's corpus (so MLE mixing has real data to mix in), and novelty is measured against what the prior learned from,
// the upload (plus the shipped training set when the shipped prior was only fine-tuned on it).
import type { Membership } from '../chem/metrics';
import { MOLECULES_TASK, type SequenceTask } from './sequenceTasks';
import type { UploadMode } from './uploadedPrior';

export interface UploadedMolecules {
  task: SequenceTask;
  novelty: Membership;
  /** For the status line: what "novel" is measured against. */
  noveltyAgainst: string;
}

export function uploadedMolecules(examples: readonly string[], canonical: readonly string[], mode: UploadMode, shipped: Membership | null): UploadedMolecules {
  const own = new Set(canonical);
  const task: SequenceTask = { ...MOLECULES_TASK, corpus: () => examples, corpusUnavailable: undefined, ownData: true };
  if (mode === 'finetune' && shipped) {
    return { task, novelty: { has: (s) => own.has(s) || shipped.has(s) }, noveltyAgainst: 'your molecules and the shipped training set' };
  }
  return { task, novelty: own, noveltyAgainst: 'your molecules' };
}
