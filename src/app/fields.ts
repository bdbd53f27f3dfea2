// The hyperparameter fields the panels show. Ranges come from config.ts BOUNDS (the schema is the single source);
// this file adds only what the schema cannot know: a readable label, a one-line explanation, and a step.
import { ALGORITHMS, BASELINES, BOUNDS, DIVERSITY_FILTERS, KL_MODES, LR_SCHEDULES, SWITCH, TASKS, type ExperimentConfig } from '../core/config';
import { ACTION_MODES, STROKES_PER_EPISODE } from '../core/tasks/paint/settings';

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
  /** Only shown when this holds for the current draft. */
  when?: (config: ExperimentConfig) => boolean;
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

const TASK_LABELS: Record<(typeof TASKS)[number], string> = { names: 'Names', words: 'Words', text: 'Free text', molecules: 'Molecules (SMILES)', paint: 'Paint (strokes)' };
/** What each task generates, shown under the task picker. */
export const TASK_DESCRIPTIONS: Record<(typeof TASKS)[number], string> = {
  names: 'A character-level GRU pretrained on English first names writes one name per sample. That pretrained model is the prior.',
  words: 'A character-level GRU pretrained on the 16,593 distinct words of Moby-Dick writes one lower-case word per sample. That pretrained model is the prior.',
  text: 'A character-level GRU pretrained on sentences of Moby-Dick (or on your own text) writes up to 63 characters of lower-case prose per sample. That pretrained model is the prior.',
  molecules: 'A GRU pretrained on 85,500 drug-like molecules writes one SMILES string per sample; RDKit checks and scores it. That pretrained model is the prior: about 3 of its samples in 4 are valid molecules, and RL raises that within a few dozen updates.',
  paint: 'A small conv net paints a target image one brush stroke at a time; each stroke is rewarded by how much closer it brings the canvas to the target. It starts from random weights: that initial policy is its prior.',
};
const ALGORITHM_LABELS: Record<(typeof ALGORITHMS)[number], string> = { reinforce: 'REINFORCE', a2c: 'Actor-critic (A2C + GAE)', ppo: 'PPO (clipped)', reinvent: 'REINVENT (augmented likelihood)' };
const BASELINE_LABELS: Record<(typeof BASELINES)[number], string> = {
  mean: 'Batch mean',
  ema: 'Moving average of past batches',
  'self-critical': 'Self-critical (greedy decode)',
  value: 'Learned value V(s)',
};
const KL_MODE_LABELS: Record<(typeof KL_MODES)[number], string> = { reward: 'Per-token reward penalty', loss: 'Loss term (exact KL)' };
const LR_SCHEDULE_LABELS: Record<(typeof LR_SCHEDULES)[number], string> = { constant: 'Constant', linear: 'Linear decay to 0' };

const isReinvent = (c: ExperimentConfig) => c.algorithm.name === 'reinvent';
const DIVERSITY_FILTER_LABELS: Record<(typeof DIVERSITY_FILTERS)[number], string> = {
  scaffold: 'Identical Murcko scaffold (25 per scaffold)',
  'scaffold-smiles': 'Scaffold, and halve repeated SMILES',
  off: 'Off',
};
const SWITCH_LABELS: Record<(typeof SWITCH)[number], string> = { on: 'On', off: 'Off' };

export const TASK_FIELD: ChoiceFieldSpec = {
  kind: 'choice',
  path: 'task',
  label: 'Task',
  hint: 'What the model generates.', // replaced by the chosen task's description in the panel
  options: TASKS.map((t) => ({ value: t, label: TASK_LABELS[t] })),
};

/** Free text: the built-in novel or the user's own text (which links never carry; checkpoints of a run on it do). */
export const TEXT_SOURCE_FIELD: ChoiceFieldSpec = {
  kind: 'choice',
  path: 'text.source',
  label: 'Data',
  hint: 'Text is lower-cased and written with letters, space and . , ; : ! ? \' - only; other characters are dropped (and counted for your own text).',
  options: [
    { value: 'moby-dick', label: 'Moby-Dick (built in)' },
    { value: 'own', label: 'Your own text (paste or upload)' },
  ],
};

/** Molecules: the SMILES syntax guard (changing it starts a new run: it changes the policy's distribution). */
export const SYNTAX_GUARD_FIELD: ChoiceFieldSpec = {
  kind: 'choice',
  path: 'molecules.syntaxGuard',
  label: 'Syntax guard',
  hint: 'Masks tokens that would break SMILES syntax: an unmatched \')\', or ending with a ring bond or branch open; near the length limit only what closes them. RDKit still judges the chemistry, which is where most invalid samples fail.',
  options: SWITCH.map((d) => ({ value: d, label: SWITCH_LABELS[d] })),
  when: (c) => c.task === 'molecules',
};

const isPpo = (c: ExperimentConfig) => c.algorithm.name === 'ppo';
const usesGae = (c: ExperimentConfig) => c.algorithm.name !== 'reinforce';
const usesCritic = (c: ExperimentConfig) => usesGae(c) || c.algorithm.baseline === 'value';

export const ALGORITHM_FIELDS: readonly FieldSpec[] = [
  {
    kind: 'choice',
    path: 'algorithm.name',
    label: 'Algorithm',
    hint: 'REINFORCE: each sample made more likely in proportion to its return minus a baseline. A2C: a learned critic V(s) and GAE advantages. PPO: several clipped steps per batch.',
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
  number('algorithm.gamma', BOUNDS.gamma, 'γ (discount)', 'How much later rewards count at earlier steps.', 0.01, { when: usesCritic }),
  number('algorithm.lambda', BOUNDS.lambda, 'λ (GAE)', 'GAE trade-off: 0 trusts the critic (low variance), 1 the sampled returns (no bias).', 0.01, { when: usesGae }),
  number('algorithm.valueCoef', BOUNDS.valueCoef, 'Value loss weight', 'c_v: how strongly the critic V(s) is fitted to the returns.', 0.05, { when: usesCritic }),
  number('algorithm.ppoClip', BOUNDS.ppoClip, 'ε (PPO clip)', 'The probability ratio π/π_old is clipped to [1−ε, 1+ε].', 0.01, { when: isPpo }),
  number('algorithm.ppoEpochs', BOUNDS.ppoEpochs, 'PPO epochs', 'Passes over each batch of samples.', 1, { when: isPpo }),
  number('algorithm.ppoMinibatches', BOUNDS.ppoMinibatches, 'PPO minibatches', 'Gradient steps per epoch.', 1, { when: isPpo }),
  number('algorithm.ppoTargetKl', BOUNDS.ppoTargetKl, 'PPO target KL', 'Stop the epochs early once π moved this far from π_old (0: never).', 0.005, { when: isPpo }),
  {
    kind: 'choice',
    path: 'algorithm.klMode',
    label: 'KL to the prior as',
    hint: 'A penalty inside each token\'s reward (RLHF), or an exact KL term added to the loss.',
    options: KL_MODES.map((m) => ({ value: m, label: KL_MODE_LABELS[m] })),
    when: (c) => c.task !== 'paint',
  },
  number('algorithm.klTarget', BOUNDS.klTarget, 'Target KL (adaptive β)', 'Adjusts β so the KL per sample stays near this (0: fixed β).', 0.5),
  number('algorithm.mleCoef', BOUNDS.mleCoef, 'α (MLE mixing)', 'Adds α × the data\'s negative log-likelihood to the loss (MIXER).', 0.05, { when: (c) => c.task !== 'paint' }),
  number('algorithm.mleAnnealUpdates', BOUNDS.annealUpdates, 'Anneal α over', 'Updates over which α falls to 0 (0: constant).', 10, { when: (c) => c.algorithm.mleCoef > 0 }),
  {
    kind: 'choice',
    path: 'algorithm.lrSchedule',
    label: 'Learning-rate schedule',
    hint: 'Constant, or falling linearly to 0.',
    options: LR_SCHEDULES.map((m) => ({ value: m, label: LR_SCHEDULE_LABELS[m] })),
  },
  number('algorithm.lrDecayUpdates', { min: 1, max: BOUNDS.annealUpdates.max }, 'Decay over', 'Updates until the learning rate reaches 0.', 10, {
    when: (c) => c.algorithm.lrSchedule === 'linear',
  }),
  // REINVENT's settings (the diversity filter and replay act on molecules only).
  number('algorithm.sigma', BOUNDS.sigma, 'σ (score scale)', 'Target: log π_prior(x) + σ · score(x). Larger σ: the score outweighs the prior more.', 1, { when: isReinvent }),
  {
    kind: 'choice',
    path: 'algorithm.diversityFilter',
    label: 'Diversity filter',
    hint: 'Once a scaffold has 25 molecules scoring ≥ 0.4, its further molecules score 0: the agent must look elsewhere.',
    options: DIVERSITY_FILTERS.map((d) => ({ value: d, label: DIVERSITY_FILTER_LABELS[d] })),
    when: isReinvent,
  },
  {
    kind: 'choice',
    path: 'algorithm.replay',
    label: 'Experience replay',
    hint: 'Adds 10 of the 50 best molecules found so far to every update.',
    options: SWITCH.map((d) => ({ value: d, label: SWITCH_LABELS[d] })),
    when: isReinvent,
  },
];

export const SAMPLING_FIELDS: readonly FieldSpec[] = [
  number('temperature', BOUNDS.temperature, 'Temperature', 'Above 1: more random samples; below 1: greedier ones.', 0.1, { when: (c) => c.task !== 'paint' }),
  number('maxLength', BOUNDS.maxLength, 'Max length', 'Longest sample, in characters.', 1, { when: (c) => c.task !== 'paint' }),
];

/** Settings that rebuild the run from the prior (and may pretrain one when no shipped prior fits). */
export const REBUILD_FIELDS: readonly FieldSpec[] = [
  number('seed', BOUNDS.seed, 'Seed', 'Drives all randomness: same seed and settings, same run.', 1),
  number('model.hidden', BOUNDS.hidden, 'Hidden units', 'Size of the GRU state (the painter: of its dense layer). Priors are shipped for 128 (Names, Words, Free text) and for 384 and 256 (Molecules); other sizes are pretrained here first.', 1),
  number('model.embedding', BOUNDS.embedding, 'Embedding size', 'Size of each character vector.', 1, { when: (c) => c.task !== 'paint' }),
];

const isPaint = (c: ExperimentConfig) => c.task === 'paint';

/** The painter's environment (changing any of these starts a new run); the target has its own picker. */
export const PAINT_FIELDS: readonly FieldSpec[] = [
  number('paint.canvas', { min: 32, max: 64 }, 'Canvas side', '32 or 64 pixels. 32 trains several times faster without a GPU.', 32, { when: isPaint }),
  number('paint.strokes', STROKES_PER_EPISODE, 'Strokes per episode', 'K: brush strokes the painter draws before the canvas is scored.', 1, { when: isPaint }),
  {
    kind: 'choice',
    path: 'paint.action',
    label: 'Stroke choice',
    hint: 'Discrete: points on an 8×8 grid, 4 widths, 8 colours (categorical heads). Continuous: a Gaussian over every stroke parameter.',
    options: ACTION_MODES.map((m) => ({ value: m, label: m === 'discrete' ? 'Discrete (grid + palette)' : 'Continuous (Gaussian)' })),
    when: isPaint,
  },
];

export const ALL_FIELDS: readonly FieldSpec[] = [TASK_FIELD, TEXT_SOURCE_FIELD, SYNTAX_GUARD_FIELD, ...ALGORITHM_FIELDS, ...SAMPLING_FIELDS, ...REBUILD_FIELDS, ...PAINT_FIELDS];

export const WEIGHT_BOUND = BOUNDS.weight;

