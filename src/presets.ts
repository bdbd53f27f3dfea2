// The presets gallery: curated experiments, each just a config (and so just a link).
import { formatErrors, parseConfig, type ExperimentConfig } from './core/config';
import type { SurveyUse } from './core/rewards/types';
import { encodeConfig } from './share';

export interface Preset {
  /** Stable id, usable in a link as `preset=<id>`. */
  id: string;
  title: string;
  /** One line for the gallery card. */
  description: string;
  /** Which of the survey's three uses of RL it demonstrates. */
  use: SurveyUse;
  config: ExperimentConfig;
}

interface PresetSource extends Omit<Preset, 'config'> {
  /** Only what differs from the defaults; parseConfig fills the rest and checks it. */
  config: Record<string, unknown>;
}

const SOURCES: readonly PresetSource[] = [
  {
    id: 'names-ending-in-a',
    title: 'Names ending in a',
    description: 'Reward 1 for a final "a" and watch the share of such names climb.',
    use: 'objective',
    config: { task: 'names', rewards: [{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }] },
  },
  {
    id: 'short-names-starting-with-k',
    title: 'Short names starting with k',
    description: 'Two rule rewards pull at once: a first letter k and a length near four.',
    use: 'objective',
    config: {
      task: 'names',
      rewards: [
        { id: 'starts_with', weight: 1, params: { letter: 'k' } },
        { id: 'target_length', weight: 1, params: { length: 4, width: 1 } },
      ],
    },
  },
  {
    id: 'stay-close-to-the-prior',
    title: 'Stay close to the prior',
    description: 'Reward only the prior log-likelihood: RL as plain generation, sharpening towards typical names.',
    use: 'generation',
    config: { task: 'names', rewards: [{ id: 'prior_loglik', weight: 1 }], algorithm: { klCoef: 0 } },
  },
  {
    id: 'names-with-ann',
    title: "Names with 'ann'",
    description: 'A substring reward with a KL penalty, so names gain "ann" without forgetting what names look like.',
    use: 'objective',
    config: { task: 'names', rewards: [{ id: 'contains', weight: 1, params: { substring: 'ann' } }], algorithm: { klCoef: 0.05 } },
  },
  {
    id: 'names-rlhf-hands-free',
    title: 'RLHF, hands-free',
    description: 'A simulated annotator who likes names ending in "a" (one label in ten flipped) teaches a reward model; RL optimises it.',
    use: 'preferences',
    config: {
      task: 'names',
      rewards: [{ id: 'preference', weight: 1 }],
      learningRate: 3e-3,
      learned: { annotator: { term: 'ends_with', params: { suffix: 'a' }, noise: 'flip', flip: 0.1, pairsPerUpdate: 8 } },
    },
  },
  {
    id: 'names-seqgan',
    title: 'Names a discriminator believes',
    description: 'SeqGAN: a classifier learns to tell real names from generated ones, and its belief is the only reward.',
    use: 'generation',
    config: { task: 'names', rewards: [{ id: 'discriminator', weight: 1 }], learned: { discriminatorSteps: 4, discriminatorLearningRate: 1e-2 } },
  },
  {
    id: 'words-ending-in-ness',
    title: 'Words ending in -ness',
    description: 'A final "ness" plus a bonus for words Moby-Dick really uses: does the policy find the real ones or invent new ones?',
    use: 'objective',
    config: {
      task: 'words',
      rewards: [
        { id: 'ends_with', weight: 1, params: { suffix: 'ness' } },
        { id: 'real_words', weight: 0.5 },
      ],
    },
  },
  {
    id: 'words-rlhf-hands-free',
    title: 'Words from preferences, hands-free',
    description: 'RLHF on the book\'s words: a simulated annotator who likes words ending in "ing" (one label in ten flipped) teaches a reward model.',
    use: 'preferences',
    config: {
      task: 'words',
      rewards: [{ id: 'preference', weight: 1 }],
      learningRate: 3e-3,
      learned: { annotator: { term: 'ends_with', params: { suffix: 'ing' }, noise: 'flip', flip: 0.1, pairsPerUpdate: 8 } },
    },
  },
  {
    id: 'text-bleu-moby-dick',
    title: 'Prose that echoes the book (BLEU)',
    description: "BLEU against Moby-Dick's n-grams: the policy learns to quote the book, and the KL penalty decides how much.",
    use: 'objective',
    config: { task: 'text', rewards: [{ id: 'bleu', weight: 1, params: { unit: 'words', order: 4, smooth: true } }] },
  },
  {
    id: 'text-about-whales',
    title: 'Lines about whales',
    description: 'Reward "whale" anywhere in a line, and real words of the book so the lines stay readable.',
    use: 'objective',
    config: {
      task: 'text',
      rewards: [
        { id: 'contains', weight: 1, params: { substring: 'whale' } },
        { id: 'real_words', weight: 0.5 },
      ],
    },
  },
  {
    id: 'text-seqgan',
    title: 'Lines a discriminator believes',
    description: 'SeqGAN on Moby-Dick: a classifier learns to tell the book\'s lines from generated ones, and its belief is the only reward.',
    use: 'generation',
    config: { task: 'text', rewards: [{ id: 'discriminator', weight: 1 }], learned: { discriminatorSteps: 4, discriminatorLearningRate: 1e-2 } },
  },
  {
    id: 'drug-like-molecules',
    title: 'Drug-like molecules (REINVENT)',
    description: "REINVENT's augmented likelihood pushes the SMILES prior towards valid molecules with a high QED.",
    use: 'objective',
    config: { task: 'molecules', algorithm: { name: 'reinvent' }, rewards: [{ id: 'validity', weight: 0.2 }, { id: 'qed', weight: 0.8 }] },
  },
  {
    id: 'molecules-logp-window',
    title: 'Molecules with logP between 1 and 3',
    description: 'A property window: only valid molecules whose Crippen logP lies in [1, 3] score.',
    use: 'objective',
    config: { task: 'molecules', algorithm: { name: 'reinvent' }, rewards: [{ id: 'logp_window', weight: 1, params: { low: 1, high: 3, softness: 0 } }] },
  },
  {
    id: 'molecules-like-aspirin',
    title: 'Molecules like aspirin',
    description: 'Tanimoto similarity of Morgan fingerprints to aspirin, with PPO and a KL penalty to the prior.',
    use: 'objective',
    config: {
      task: 'molecules',
      algorithm: { name: 'ppo', klCoef: 0.05 },
      learningRate: 5e-4,
      rewards: [{ id: 'similarity', weight: 1, params: { query: 'CC(=O)Oc1ccccc1C(=O)O' } }],
    },
  },
  {
    id: 'paint-a-circle',
    title: 'Paint a circle',
    description: 'The painter learns, stroke by stroke, to bring a blank canvas closer to a circle (reward: L2 gain).',
    use: 'objective',
    config: { task: 'paint', rewards: [{ id: 'l2_gain', weight: 1 }] },
  },
  {
    id: 'paint-from-preferences',
    title: 'Paint from preferences',
    description: 'A simulated annotator prefers the painting nearer the circle; an image reward model learns that from pairs, and the painter follows it.',
    use: 'preferences',
    config: {
      task: 'paint',
      rewards: [{ id: 'paint_preference', weight: 1 }],
      // A KL penalty to the initial painter keeps it exploring: a painter that collapses to one painting gets no new labels.
      algorithm: { klCoef: 0.02 },
      learned: { rewardModelSteps: 4, annotator: { term: 'l2_gain', noise: 'flip', flip: 0, pairsPerUpdate: 8 } },
    },
  },
];

function build(source: PresetSource): Preset {
  const parsed = parseConfig(source.config);
  // A broken preset is a bug in this file: fail loudly at load, and the presets test catches it first.
  if (!parsed.ok) throw new Error(`Preset "${source.id}" is invalid: ${formatErrors(parsed.errors)}`);
  return { ...source, config: parsed.config };
}

export const PRESETS: readonly Preset[] = SOURCES.map(build);

/** Presets keyed by id, as decodeHash's `presets` option wants them. */
export function presetConfigs(): Record<string, ExperimentConfig> {
  return Object.fromEntries(PRESETS.map((p) => [p.id, p.config]));
}

/** The hash (without '#') that opens a preset, optionally with teacher-mode hidden controls. */
export function presetLink(preset: Preset, hide: readonly string[] = []): string {
  return encodeConfig(preset.config, { hide });
}
