// The learned-reward settings the Learned rewards panel shows. Ranges come from the schema (core/learned/settings.ts);
// this file adds labels, one-line explanations and steps, like fields.ts does for the algorithm.
import { ANNOTATOR_NOISES, LEARNED_BOUNDS, PAIR_SELECTIONS } from '../core/learned/settings';
import type { ExperimentConfig } from '../core/config';
import type { ChoiceFieldSpec, FieldSpec, NumberFieldSpec } from './fields';

const number = (path: string, bound: { min: number; max: number }, label: string, hint: string, step: number | 'any', extra: Partial<NumberFieldSpec> = {}): NumberFieldSpec => ({
  kind: 'number',
  path,
  label,
  hint,
  min: bound.min,
  max: bound.max,
  step,
  integer: Number.isInteger(step),
  ...extra,
});

const uses = (id: string) => (c: ExperimentConfig) => c.rewards.some((r) => r.id === id);
const annotatorOn = (c: ExperimentConfig) => c.learned.annotator.term !== '';

export const DISCRIMINATOR_FIELDS: readonly FieldSpec[] = [
  number('learned.discriminatorSteps', LEARNED_BOUNDS.discriminatorSteps, 'Discriminator steps (k)', 'SeqGAN: discriminator updates per generator update (0 freezes it).', 1, { when: uses('discriminator') }),
  number('learned.monteCarloRollouts', LEARNED_BOUNDS.monteCarloRollouts, 'Monte-Carlo rollouts (N)', 'SeqGAN: completions per prefix, so every token gets a reward (0: only the last one; slow).', 1, { when: uses('discriminator') }),
  number('learned.discriminatorLearningRate', LEARNED_BOUNDS.learnedLearningRate, 'Discriminator learning rate', 'Adam step size of the discriminator.', 'any', { when: uses('discriminator') }),
];

export const REWARD_MODEL_FIELDS: readonly FieldSpec[] = [
  number('learned.rewardModelSteps', LEARNED_BOUNDS.rewardModelSteps, 'Reward model steps', 'Bradley–Terry fitting steps per update and after each of your labels.', 1),
  number('learned.rewardModelLearningRate', LEARNED_BOUNDS.learnedLearningRate, 'Reward model learning rate', 'Adam step size of the reward model.', 'any'),
  {
    kind: 'choice',
    path: 'learned.pairSelection',
    label: 'Pairs to label',
    hint: 'Random pairs, or the pairs the reward model is least sure about (closest scores).',
    options: PAIR_SELECTIONS.map((value) => ({ value, label: value === 'random' ? 'Random' : 'Least certain' })),
  } satisfies ChoiceFieldSpec,
];

const NOISE_LABELS: Record<(typeof ANNOTATOR_NOISES)[number], string> = { flip: 'Flip labels', 'bradley-terry': 'Bradley–Terry sampling' };

export const ANNOTATOR_FIELDS: readonly FieldSpec[] = [
  number('learned.annotator.pairsPerUpdate', LEARNED_BOUNDS.pairsPerUpdate, 'Pairs per update', 'How many pairs of each batch the annotator labels.', 1, { when: annotatorOn }),
  {
    kind: 'choice',
    path: 'learned.annotator.noise',
    label: 'Annotator noise',
    hint: 'Flip: the right answer, flipped with probability p. Bradley–Terry: P(A) = σ((s(A) − s(B)) / τ).',
    options: ANNOTATOR_NOISES.map((value) => ({ value, label: NOISE_LABELS[value] })),
    when: annotatorOn,
  } satisfies ChoiceFieldSpec,
  number('learned.annotator.flip', LEARNED_BOUNDS.annotatorFlip, 'Flip probability p', 'Share of labels turned around (0: a perfect annotator).', 0.01, {
    when: (c) => annotatorOn(c) && c.learned.annotator.noise === 'flip',
  }),
  number('learned.annotator.temperature', LEARNED_BOUNDS.annotatorTemperature, 'Temperature τ', 'Higher: closer scores become coin flips more often.', 'any', {
    when: (c) => annotatorOn(c) && c.learned.annotator.noise === 'bradley-terry',
  }),
];

export const LEARNED_FIELDS: readonly FieldSpec[] = [...DISCRIMINATOR_FIELDS, ...REWARD_MODEL_FIELDS, ...ANNOTATOR_FIELDS];
