// The learned-models section of a checkpoint (reward model, discriminator), checked on its own: when it is damaged or
// malformed it is dropped with a reason, and the run loads without it (its models are refitted from the saved labels).
import { checksumProblem, learnedModelsChecksum } from './checksum';
import { tensorListProblem } from './tensors';
import type { SerializedTensor } from './types';

export interface LearnedSection {
  learnedModels?: SerializedTensor[];
  learnedChecksum?: string;
  /** Why the section was dropped. */
  learnedProblem?: string;
}

export async function verifiedLearnedSection(tensors: unknown, checksum: unknown): Promise<LearnedSection> {
  if (tensors === undefined) return {};
  const drop = (why: string): LearnedSection => ({
    learnedProblem: `the saved weights of its learned reward models are damaged (${why}), so they were not used`,
  });
  const problem = tensorListProblem(tensors, 'learned models');
  if (problem) return drop(problem);
  const list = tensors as SerializedTensor[];
  const mismatch = await checksumProblem(list, checksum, learnedModelsChecksum);
  return mismatch ? drop(`their ${mismatch}`) : { learnedModels: list, learnedChecksum: checksum as string };
}
