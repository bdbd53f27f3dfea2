// The hyperparameter fields the panels show. Ranges come from config.ts BOUNDS (the schema is the single source);
// this file adds only what the schema cannot know: a readable label, a one-line explanation, and a step.
import { ALGORITHMS, BASELINES, BOUNDS, TASKS, type ExperimentConfig } from '../core/config';

export interface NumberFieldSpec {
  kind: 'number';
  /** Dot path into ExperimentConfig, as config errors name it. */
  path: string;
  label: string;
  hint: string;
  min: number;
  max: number;
  /** Input step; 'any' for values spanning orders of magnitude. */
  step: number | 'any';
  integer: boolean;
  /** Only shown when this holds for the current draft. */
  when?: (config: ExperimentConfig) => boolean;
}

export interface ChoiceFieldSpec {
  kind: 'choice';
  path: string;
  label: string;
  hint: string;
  options: readonly { value: string; label: string }[];
}

export type FieldSpec = NumberFieldSpec | ChoiceFieldSpec;

const number = (
  path: string,
  bound: { min: number; max: number },
  label: string,
  hint: string,
  step: number | 'any',
  extra: Partial<NumberFieldSpec> = {},
): NumberFieldSpec => ({ kind: 'number', path, label, hint, min: bound.min, max: bound.max, step, integer: Number.isInteger(step), ...extra });

const TASK_LABELS: Record<(typeof TASKS)[number], string> = { names: 'Names' };
/** What each task generates, shown under the task picker. */
export const TASK_DESCRIPTIONS: Record<(typeof TASKS)[number], string> = {
  names: 'A character-level GRU pretrained on English first names writes one name per sample. That pretrained model is the prior.',
};
const ALGORITHM_LABELS: Record<(typeof ALGORITHMS)[number], string> = { reinforce: 'REINFORCE' };
const BASELINE_LABELS: Record<(typeof BASELINES)[number], string> = {
  mean: 'Batch mean',
  ema: 'Moving average of past batches',
};

export const TASK_FIELD: ChoiceFieldSpec = {
  kind: 'choice',
  path: 'task',
  label: 'Task',
  hint: 'What the model generates.', // replaced by the chosen task's description in the panel
  options: TASKS.map((t) => ({ value: t, label: TASK_LABELS[t] })),
};

export const ALGORITHM_FIELDS: readonly FieldSpec[] = [
  {
    kind: 'choice',
    path: 'algorithm.name',
    label: 'Algorithm',
    hint: 'REINFORCE: make each sample more likely in proportion to its reward minus the baseline.',
    options: ALGORITHMS.map((a) => ({ value: a, label: ALGORITHM_LABELS[a] })),
  },
  number('learningRate', BOUNDS.learningRate, 'Learning rate', 'Adam step size. Too large and the run diverges.', 'any'),
  number('batchSize', BOUNDS.batchSize, 'Batch size', 'Samples per update: more samples, less noisy gradients, slower updates.', 1),
  number('algorithm.klCoef', BOUNDS.klCoef, 'β (KL penalty)', 'β: KL penalty weight, keeps samples close to the prior.', 0.01),
  number('algorithm.entropyCoef', BOUNDS.entropyCoef, 'Entropy bonus', 'Rewards uncertainty, so the policy keeps exploring.', 0.001),
  {
    kind: 'choice',
    path: 'algorithm.baseline',
    label: 'Baseline',
    hint: 'Subtracted from each return: same expected gradient, less variance.',
    options: BASELINES.map((b) => ({ value: b, label: BASELINE_LABELS[b] })),
  },
  number('algorithm.baselineDecay', BOUNDS.baselineDecay, 'Baseline decay', 'How slowly the moving average forgets old batches.', 0.01, {
    when: (c) => c.algorithm.baseline === 'ema',
  }),
  number('algorithm.gradClip', BOUNDS.gradClip, 'Gradient clip', 'Caps the gradient norm of each step (0 turns it off).', 0.1),
];

export const SAMPLING_FIELDS: readonly FieldSpec[] = [
  number('temperature', BOUNDS.temperature, 'Temperature', 'Above 1: more random samples; below 1: greedier ones.', 0.1),
  number('maxLength', BOUNDS.maxLength, 'Max length', 'Longest sample, in characters.', 1),
];

/** Settings that rebuild the run from the prior (and may pretrain one when no shipped prior fits). */
export const REBUILD_FIELDS: readonly FieldSpec[] = [
  number('seed', BOUNDS.seed, 'Seed', 'Drives all randomness: same seed and settings, same run.', 1),
  number('model.hidden', BOUNDS.hidden, 'Hidden units', 'Size of the GRU state.', 1),
  number('model.embedding', BOUNDS.embedding, 'Embedding size', 'Size of each character vector.', 1),
];

export const ALL_FIELDS: readonly FieldSpec[] = [TASK_FIELD, ...ALGORITHM_FIELDS, ...SAMPLING_FIELDS, ...REBUILD_FIELDS];

export const WEIGHT_BOUND = BOUNDS.weight;
