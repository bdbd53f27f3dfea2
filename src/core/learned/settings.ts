// The learned-reward settings of the experiment config (its `learned` section): the discriminator's update ratio, the
// reward model's fitting, how pairs are chosen, and the simulated annotator. config.ts includes this schema; the
// annotator's term and parameters are checked there against the reward registry.
import * as v from 'valibot';

export const PAIR_SELECTIONS = ['random', 'uncertain'] as const;
export const ANNOTATOR_NOISES = ['flip', 'bradley-terry'] as const;

export const LEARNED_BOUNDS = {
  discriminatorSteps: { min: 0, max: 16 },
  monteCarloRollouts: { min: 0, max: 16 },
  learnedLearningRate: { min: 1e-6, max: 1 },
  rewardModelSteps: { min: 0, max: 64 },
  pairsPerUpdate: { min: 0, max: 64 },
  annotatorFlip: { min: 0, max: 0.5 },
  annotatorTemperature: { min: 0.01, max: 100 },
} as const;

type Bound = { min: number; max: number };
const range = (label: string, b: Bound, whole: boolean) =>
  whole
    ? v.pipe(
        v.number(`${label} must be a number`),
        v.integer(`${label} must be a whole number`),
        v.minValue(b.min as number, `${label} must be at least ${b.min}`),
        v.maxValue(b.max as number, `${label} must be at most ${b.max}`),
      )
    : v.pipe(
        v.number(`${label} must be a number`),
        v.finite(`${label} must be a finite number`),
        v.minValue(b.min as number, `${label} must be at least ${b.min}`),
        v.maxValue(b.max as number, `${label} must be at most ${b.max}`),
      );
const int = (label: string, b: Bound, fallback: number) => v.optional(range(label, b, true), fallback);
const num = (label: string, b: Bound, fallback: number) => v.optional(range(label, b, false), fallback);

const AnnotatorSchema = v.object({
  /** The rule reward term that labels pairs ('' = no simulated annotator: only a person labels). */
  term: v.optional(v.pipe(v.string('The annotator term must be a reward term id'), v.maxLength(64, 'The annotator term id is at most 64 characters')), ''),
  /** Its parameters (checked against the term's own parameter specs). */
  params: v.optional(v.record(v.pipe(v.string(), v.maxLength(64)), v.union([v.number(), v.pipe(v.string(), v.maxLength(256)), v.boolean()])), {}),
  noise: v.optional(v.picklist(ANNOTATOR_NOISES, `The annotator noise must be one of ${ANNOTATOR_NOISES.join(', ')}`), 'flip'),
  /** 'flip' noise: the probability that a label is the opposite of what the rule says. */
  flip: num('The flip probability', LEARNED_BOUNDS.annotatorFlip, 0),
  /** 'bradley-terry' noise: temperature τ of P(a ≻ b) = σ((s(a) − s(b)) / τ). */
  temperature: num('The annotator temperature', LEARNED_BOUNDS.annotatorTemperature, 0.1),
  /** Pairs the annotator labels after each update, drawn from that update's samples. */
  pairsPerUpdate: int('Pairs per update', LEARNED_BOUNDS.pairsPerUpdate, 8),
});

export const LearnedSchema = v.object({
  /** SeqGAN's k: discriminator steps per generator update (0 freezes it). */
  discriminatorSteps: int('Discriminator steps per update', LEARNED_BOUNDS.discriminatorSteps, 3),
  discriminatorLearningRate: num('The discriminator learning rate', LEARNED_BOUNDS.learnedLearningRate, 3e-3),
  /** SeqGAN's N: completions per prefix for per-token rewards (0: D(x) at the end of the sequence only). */
  monteCarloRollouts: int('Monte-Carlo rollouts', LEARNED_BOUNDS.monteCarloRollouts, 0),
  /** Bradley–Terry gradient steps of the reward model per update (and after each label from a person). */
  rewardModelSteps: int('Reward model steps per update', LEARNED_BOUNDS.rewardModelSteps, 4),
  rewardModelLearningRate: num('The reward model learning rate', LEARNED_BOUNDS.learnedLearningRate, 1e-3),
  /** Which pairs are offered for labelling: random ones, or those the reward model is least sure about. */
  pairSelection: v.optional(v.picklist(PAIR_SELECTIONS, `Pair selection must be one of ${PAIR_SELECTIONS.join(', ')}`), 'random'),
  annotator: v.optional(AnnotatorSchema, {}),
});

export type LearnedConfig = v.InferOutput<typeof LearnedSchema>;
