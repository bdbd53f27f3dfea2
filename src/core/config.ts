// The ExperimentConfig: the single source for panel controls, URL keys, Worker input and checkpoint metadata.
// Parsing never throws: it returns the config with defaults filled in, or a list of errors with a path and a reason.
import * as v from 'valibot';
import { rewardTerm, servesTask, termsForTask } from './rewards/registry';
import type { ParamSpec, ParamValue, ParamValues, TaskId } from './rewards/types';
import { LearnedSchema } from './learned/settings';
import { PaintSchema, paintSettingsProblems } from './tasks/paint/settings';

/**
 * Version 2: the Molecules task's default model grew from 256 hidden units to 384 (its prior was widened and trained on).
 * Links of version 1 are upgraded in src/share.ts (MIGRATIONS); configs saved whole (checkpoints) read as they are.
 */
export const CONFIG_VERSION = 2;
/** Every config version this RewardLab reads. A full config (every key present) means the same in each of them. */
const READABLE_VERSIONS = [1, 2] as const;

export const TASKS = ['names', 'words', 'text', 'molecules', 'paint'] as const satisfies readonly TaskId[];
export const ALGORITHMS = ['reinforce', 'a2c', 'ppo', 'reinvent'] as const;
/** REINFORCE baselines: batch mean, moving average, the greedy decode's reward (self-critical), or a learned value. */
export const BASELINES = ['mean', 'ema', 'self-critical', 'value'] as const;
/** KL to the prior as a per-token reward penalty (RLHF style) or as a loss term (exact KL over the vocabulary). */
export const KL_MODES = ['reward', 'loss'] as const;
export const LR_SCHEDULES = ['constant', 'linear'] as const;
/** REINVENT's diversity filter: identical Murcko scaffolds (bucket 25, min score 0.4), optionally also halving repeats of a SMILES. */
export const DIVERSITY_FILTERS = ['scaffold', 'scaffold-smiles', 'off'] as const;
export const SWITCH = ['on', 'off'] as const;
/** Where the Free text task's examples come from: the built-in novel, or text pasted or uploaded in this tab. */
export const TEXT_SOURCES = ['moby-dick', 'own'] as const;

/** Bounds of every numeric setting: the panels read these for slider ranges. */
export const BOUNDS = {
  seed: { min: 0, max: 2 ** 31 - 1 },
  hidden: { min: 8, max: 512 },
  embedding: { min: 4, max: 128 },
  batchSize: { min: 1, max: 1024 },
  learningRate: { min: 1e-6, max: 10 },
  maxLength: { min: 2, max: 128 },
  temperature: { min: 0.1, max: 5 },
  weight: { min: -10, max: 10 },
  baselineDecay: { min: 0, max: 0.999 },
  entropyCoef: { min: 0, max: 1 },
  klCoef: { min: 0, max: 10 },
  gradClip: { min: 0, max: 100 },
  gamma: { min: 0, max: 1 },
  lambda: { min: 0, max: 1 },
  valueCoef: { min: 0, max: 10 },
  ppoClip: { min: 0.01, max: 1 },
  ppoEpochs: { min: 1, max: 16 },
  ppoMinibatches: { min: 1, max: 16 },
  ppoTargetKl: { min: 0, max: 1 },
  klTarget: { min: 0, max: 100 },
  mleCoef: { min: 0, max: 10 },
  annealUpdates: { min: 0, max: 100_000 },
  sigma: { min: 0, max: 1000 },
  rewardTerms: { max: 16 },
} as const;

type Bound = { min: number; max: number };
const int = (b: Bound, fallback: number) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(b.min), v.maxValue(b.max)), fallback);
const num = (b: Bound, fallback: number) =>
  v.optional(v.pipe(v.number(), v.finite(), v.minValue(b.min), v.maxValue(b.max)), fallback);

const RewardSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(64)),
  weight: num(BOUNDS.weight, 1),
  params: v.optional(v.record(v.pipe(v.string(), v.maxLength(64)), v.union([v.number(), v.pipe(v.string(), v.maxLength(256)), v.boolean()])), {}),
});

const AlgorithmSchema = v.object({
  name: v.optional(v.picklist(ALGORITHMS), 'reinforce'),
  /** REINFORCE baseline: the batch mean, or an exponential moving average of past batch means. */
  baseline: v.optional(v.picklist(BASELINES), 'mean'),
  baselineDecay: num(BOUNDS.baselineDecay, 0.9),
  entropyCoef: num(BOUNDS.entropyCoef, 0.0),
  /** β of the per-token KL penalty to the frozen prior, log π(a) − log π_prior(a). */
  klCoef: num(BOUNDS.klCoef, 0.02),
  /** Clip gradients to this global norm (0 turns clipping off). */
  gradClip: num(BOUNDS.gradClip, 1),
  /** Discount γ and GAE λ (actor-critic, PPO). */
  gamma: num(BOUNDS.gamma, 1),
  lambda: num(BOUNDS.lambda, 0.95),
  /** Weight of the value-function loss (A2C, PPO, and REINFORCE with a learned baseline). */
  valueCoef: num(BOUNDS.valueCoef, 0.5),
  /** PPO: clip range ε, epochs over each batch, minibatches per epoch, early stop when approx. KL > 1.5 × target (0 = off). */
  ppoClip: num(BOUNDS.ppoClip, 0.2),
  ppoEpochs: int(BOUNDS.ppoEpochs, 4),
  ppoMinibatches: int(BOUNDS.ppoMinibatches, 2),
  ppoTargetKl: num(BOUNDS.ppoTargetKl, 0.05),
  ppoClipValue: v.optional(v.boolean(), false),
  klMode: v.optional(v.picklist(KL_MODES), 'reward'),
  /** Adaptive β (Ziegler et al. 2019): steer β so the KL per sample stays near this target (0 = fixed β). */
  klTarget: num(BOUNDS.klTarget, 0),
  /** MLE mixing: α times the prior data's negative log-likelihood is added to the loss, annealed to 0 over annealUpdates. */
  mleCoef: num(BOUNDS.mleCoef, 0),
  mleAnnealUpdates: num(BOUNDS.annealUpdates, 0),
  lrSchedule: v.optional(v.picklist(LR_SCHEDULES), 'constant'),
  /** Linear schedule: the learning rate falls to 0 over this many updates. */
  lrDecayUpdates: int({ min: 1, max: BOUNDS.annealUpdates.max }, 1000),
  /** REINVENT: σ of the augmented log-likelihood, log π_prior(x) + σ · score(x). */
  sigma: num(BOUNDS.sigma, 128),
  /** REINVENT (molecules): zero the score of molecules whose Murcko scaffold already has 25 good molecules. */
  diversityFilter: v.optional(v.picklist(DIVERSITY_FILTERS), 'scaffold'),
  /** REINVENT (molecules): replay 10 of the 50 best molecules seen so far in every update. */
  replay: v.optional(v.picklist(SWITCH), 'on'),
});

const ModelSchema = v.object({
  hidden: int(BOUNDS.hidden, 128),
  embedding: int(BOUNDS.embedding, 32),
});

/** The Free text task's data. An own text never travels in a link: only the fact that the run used one does. */
const TextSchema = v.object({
  source: v.optional(v.picklist(TEXT_SOURCES), 'moby-dick'),
});

/**
 * The Molecules task (task 'molecules'; other tasks ignore it). The syntax guard masks the tokens that would break
 * SMILES's bracket syntax (a ")" with no branch open, the end with a branch or ring bond open, anything that would leave
 * too few steps to close what is open); RDKit still judges the chemistry. See src/core/tasks/smilesSyntaxGuard.ts. Off
 * by default: on the shipped prior it lifts validity by only about 2 points, because most failures are chemistry.
 */
const MoleculesSchema = v.object({
  syntaxGuard: v.optional(v.picklist(SWITCH), 'off'),
});

export const ExperimentConfigSchema = v.object({
  // Checkpoints keep whole configs, so one saved under an earlier version is read as the current one.
  version: v.optional(v.pipe(v.picklist(READABLE_VERSIONS), v.transform((): typeof CONFIG_VERSION => CONFIG_VERSION)), CONFIG_VERSION),
  seed: int(BOUNDS.seed, 42),
  task: v.optional(v.picklist(TASKS), 'names'),
  model: v.optional(ModelSchema, {}),
  rewards: v.optional(v.pipe(v.array(RewardSchema), v.maxLength(BOUNDS.rewardTerms.max)), [{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }]),
  algorithm: v.optional(AlgorithmSchema, {}),
  batchSize: int(BOUNDS.batchSize, 64),
  learningRate: num(BOUNDS.learningRate, 1e-3),
  maxLength: int(BOUNDS.maxLength, 16),
  temperature: num(BOUNDS.temperature, 1),
  /** Learned rewards: the SeqGAN discriminator, the preference reward model and the simulated annotator (learned/settings.ts). */
  learned: v.optional(LearnedSchema, {}),
  /** The stroke painter (task 'paint'): canvas, strokes per episode, action space, target (tasks/paint/settings.ts). */
  paint: v.optional(PaintSchema, {}),
  /** The Free text task (task 'text'): where its examples come from. */
  text: v.optional(TextSchema, {}),
  /** The Molecules task: the syntax guard on its samples. */
  molecules: v.optional(MoleculesSchema, {}),
});

export type ExperimentConfig = v.InferOutput<typeof ExperimentConfigSchema>;
export type RewardConfig = ExperimentConfig['rewards'][number];
export type AlgorithmConfig = ExperimentConfig['algorithm'];

export interface ConfigError {
  /** Dot path of the offending field, e.g. "rewards.0.params.suffix"; "" for the whole config. */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; config: ExperimentConfig } | { ok: false; errors: ConfigError[] };

/**
 * Settings whose default depends on the task, applied by parseConfig when the input omits them. The schema's own
 * defaults are the names task's, so a names config (and every link made for it) reads exactly as before.
 */
export interface TaskDefaults {
  rewards: RewardConfig[];
  maxLength: number;
  /** The model size of the task's shipped prior (another size means pretraining one in the page, which needs data). */
  model: { hidden: number; embedding: number };
  /** Settings a task trains better with than the schema's defaults (the painter: batch, algorithm, no KL to a random prior). */
  batchSize?: number;
  learningRate?: number;
  algorithm?: Partial<AlgorithmConfig>;
}

export const TASK_DEFAULTS: Record<(typeof TASKS)[number], TaskDefaults> = {
  names: { rewards: [{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }], maxLength: 16, model: { hidden: 128, embedding: 32 } },
  // Words of 2–14 letters: 16 steps hold the longest with its end token.
  words: { rewards: [{ id: 'ends_with', weight: 1, params: { suffix: 'ing' } }], maxLength: 16, model: { hidden: 128, embedding: 32 } },
  // Examples are at most 63 characters (src/core/tasks/textData.ts), plus the end token.
  text: { rewards: [{ id: 'contains', weight: 1, params: { substring: 'whale' } }], maxLength: 64, model: { hidden: 128, embedding: 32 } },
  // Valid and drug-like; the weights sum to 1 so the score stays in [0, 1], as REINVENT's σ expects.
  // SMILES of the training data are at most 99 tokens long.
  molecules: {
    rewards: [
      { id: 'validity', weight: 0.2, params: {} },
      { id: 'qed', weight: 0.8, params: {} },
    ],
    maxLength: 100,
    model: { hidden: 384, embedding: 32 },
  },
  // The painter has no pretrained prior: its "prior" is the initial policy, so a KL penalty to it only slows learning
  // down (β = 0 by default; it can be turned on). A2C with per-stroke rewards and a small entropy bonus learned fastest
  // in our measurements (test/browser/learning-paint.test.ts); model.hidden is the width of the painter's dense layer.
  paint: {
    rewards: [{ id: 'l2_gain', weight: 1, params: {} }],
    maxLength: 16,
    model: { hidden: 128, embedding: 32 },
    batchSize: 16,
    learningRate: 1e-3,
    algorithm: { name: 'a2c', klCoef: 0, entropyCoef: 0.01 },
  },
};

/** Learning rates that depend on the algorithm, applied when the input omits learningRate (REINVENT: 1e-4, its paper's). */
export const ALGORITHM_LEARNING_RATES: Partial<Record<(typeof ALGORITHMS)[number], number>> = { reinvent: 1e-4 };

/** The task- and algorithm-dependent defaults for an input that omits them (the input itself is not changed). */
function withDependentDefaults(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const given = input as Record<string, unknown>;
  const task = typeof given.task === 'string' ? TASK_DEFAULTS[given.task as (typeof TASKS)[number]] : undefined;
  const algorithm = given.algorithm as { name?: unknown } | undefined;
  const algorithmName = typeof algorithm === 'object' && algorithm !== null ? algorithm.name : undefined;
  const lr = typeof algorithmName === 'string' ? ALGORITHM_LEARNING_RATES[algorithmName as (typeof ALGORITHMS)[number]] : undefined;
  const out = { ...given };
  if (task && !Object.hasOwn(given, 'rewards')) out.rewards = structuredClone(task.rewards);
  if (task && !Object.hasOwn(given, 'maxLength')) out.maxLength = task.maxLength;
  if (task && given.model === undefined) out.model = { ...task.model };
  else if (task && typeof given.model === 'object' && given.model !== null && !Array.isArray(given.model)) out.model = { ...task.model, ...given.model };
  if (lr !== undefined && !Object.hasOwn(given, 'learningRate')) out.learningRate = lr;
  if (task?.batchSize !== undefined && !Object.hasOwn(given, 'batchSize')) out.batchSize = task.batchSize;
  if (task?.learningRate !== undefined && lr === undefined && !Object.hasOwn(given, 'learningRate')) out.learningRate = task.learningRate;
  const algorithmObject = algorithm === undefined || (typeof algorithm === 'object' && algorithm !== null && !Array.isArray(algorithm));
  if (task?.algorithm && algorithmObject) out.algorithm = { ...task.algorithm, ...(typeof algorithm === 'object' && algorithm !== null ? algorithm : {}) };
  return out;
}

export function defaultConfig(): ExperimentConfig {
  const result = parseConfig({});
  if (!result.ok) throw new Error(`The default config is invalid: ${formatErrors(result.errors)}`);
  return result.config;
}

export function parseConfig(input: unknown): ParseResult {
  const parsed = v.safeParse(ExperimentConfigSchema, withDependentDefaults(input));
  if (!parsed.success) {
    return { ok: false, errors: parsed.issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message })) };
  }
  const config = parsed.output;
  const errors: ConfigError[] = [];
  const seen = new Set<string>();
  config.rewards = config.rewards.map((r, i) => {
    const term = rewardTerm(r.id);
    if (!term || !servesTask(term, config.task)) {
      const known = termsForTask(config.task).map((t) => t.id).join(', ');
      errors.push({ path: `rewards.${i}.id`, message: `Unknown reward term "${r.id}" for task ${config.task}; known: ${known}` });
      return r;
    }
    if (seen.has(r.id)) errors.push({ path: `rewards.${i}.id`, message: `Reward term "${r.id}" appears twice; give it one weight` });
    seen.add(r.id);
    return { ...r, params: checkParams(term.params, r.params, `rewards.${i}.params`, errors) };
  });
  config.learned.annotator.params = checkAnnotator(config, errors);
  if (config.task === 'paint') {
    if (config.algorithm.name === 'reinvent') {
      errors.push({ path: 'algorithm.name', message: 'REINVENT scores whole sequences under a pretrained prior; the painter has neither. Pick REINFORCE, actor-critic or PPO' });
    }
    if (config.algorithm.name === 'reinforce' && config.algorithm.baseline === 'self-critical') {
      errors.push({ path: 'algorithm.baseline', message: 'The self-critical baseline needs a greedy decode of a sequence; for the painter pick the batch mean, a moving average or a learned value' });
    }
    if (config.algorithm.klMode === 'loss') {
      errors.push({ path: 'algorithm.klMode', message: 'The painter applies its KL penalty per stroke, as a reward; the exact-KL loss term is for sequence tasks' });
    }
    if (config.algorithm.mleCoef > 0) {
      errors.push({ path: 'algorithm.mleCoef', message: 'MLE mixing needs example data, and the painter has none: set α to 0' });
    }
    errors.push(...paintSettingsProblems(config.paint));
  }
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

/** The simulated annotator labels with a rule reward term of the task; its parameters are checked like a term's. */
function checkAnnotator(config: ExperimentConfig, errors: ConfigError[]): ParamValues {
  const { term: id, params } = config.learned.annotator;
  if (id === '') return {};
  const term = rewardTerm(id);
  if (!term || !servesTask(term, config.task) || term.use !== 'objective') {
    const rules = termsForTask(config.task).filter((t) => t.use === 'objective').map((t) => t.id).join(', ');
    errors.push({ path: 'learned.annotator.term', message: `The simulated annotator needs a rule reward term of task ${config.task}; "${id}" is not one (pick one of: ${rules}, or none)` });
    return params;
  }
  return checkParams(term.params, params, 'learned.annotator.params', errors);
}

/** Fills defaults and checks each parameter against its spec; unknown keys are dropped. */
function checkParams(specs: readonly ParamSpec[], given: ParamValues, path: string, errors: ConfigError[]): ParamValues {
  const out: ParamValues = {};
  for (const spec of specs) {
    const value: ParamValue | undefined = given[spec.key];
    const problem = value === undefined ? null : paramProblem(spec, value);
    if (problem) errors.push({ path: `${path}.${spec.key}`, message: problem });
    out[spec.key] = value === undefined || problem ? spec.default : value;
  }
  return out;
}

export function paramProblem(spec: ParamSpec, value: ParamValue): string | null {
  switch (spec.kind) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.label} must be a number`;
      if (spec.integer && !Number.isInteger(value)) return `${spec.label} must be a whole number`;
      if (value < spec.min || value > spec.max) return `${spec.label} must be between ${spec.min} and ${spec.max}`;
      return null;
    case 'text':
      if (typeof value !== 'string') return `${spec.label} must be text`;
      if (value.length > spec.maxLength) return `${spec.label} must be at most ${spec.maxLength} characters`;
      if (spec.pattern && !spec.pattern.test(value)) return `${spec.label} must be ${spec.patternHint ?? `like ${spec.pattern}`}`;
      return null;
    case 'choice':
      return typeof value === 'string' && spec.options.includes(value) ? null : `${spec.label} must be one of ${spec.options.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${spec.label} must be true or false`;
  }
}

export function formatErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
}
