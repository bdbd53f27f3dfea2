// A reward term describes itself: the panels, the URL and the plots all read these fields.
// Adding a reward means adding one object that satisfies RewardTerm.
import type { TextReference } from './textReference';

export type TaskId = 'names' | 'words' | 'text' | 'molecules' | 'paint';

/** Which of the survey's three uses of RL a term serves. */
export type SurveyUse = 'generation' | 'objective' | 'preferences';

export type ParamValue = number | string | boolean;
export type ParamValues = Record<string, ParamValue>;

export type ParamSpec =
  | { kind: 'number'; key: string; label: string; min: number; max: number; step: number; default: number; integer?: boolean }
  | { kind: 'text'; key: string; label: string; maxLength: number; default: string; pattern?: RegExp; patternHint?: string }
  | { kind: 'choice'; key: string; label: string; options: readonly string[]; default: string }
  | { kind: 'boolean'; key: string; label: string; default: boolean };

/** Extra per-sample quantities a term may ask the trainer for (computed only when some active term needs them). */
export interface RewardContext {
  /** Mean per-token log-likelihood of each sample under the frozen prior. */
  priorLogLik?: Float32Array;
  /** SeqGAN: the discriminator's D(x), the probability that each sample is real data (src/core/learned/). */
  discriminator?: Float32Array;
  /** RLHF: the preference reward model's score r(x) of each sample (src/core/learned/). */
  preference?: Float32Array;
}
export type ContextNeed = keyof RewardContext;

export interface RewardTerm<TBatch> {
  id: string;
  task: TaskId;
  /** Other tasks whose samples the term scores as well (the text terms serve Names, Words and Free text). */
  alsoFor?: readonly TaskId[];
  label: string;
  /** One line, shown beside the weight slider. */
  description: string;
  use: SurveyUse;
  params: readonly ParamSpec[];
  defaultWeight: number;
  needs?: readonly ContextNeed[];
  /** One score per sample; rule rewards are deterministic functions of the sample. */
  score(batch: TBatch, params: ParamValues, ctx: RewardContext): Float32Array | Promise<Float32Array>;
}

/** A batch of decoded text samples, as the text reward terms see it. */
export interface TextBatch {
  texts: string[];
  /** The corpus's vocabulary and n-gram counts (Words and Free text), built on first use; absent for Names. */
  reference?: () => TextReference;
}
