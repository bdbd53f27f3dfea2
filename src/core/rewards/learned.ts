// Learned reward terms: their scores come from models trained in the Worker during the run (src/core/learned/),
// which the trainer evaluates on the samples and hands over in the reward context, like the prior's log-likelihood.
import type { ContextNeed, RewardContext, RewardTerm, TextBatch } from './types';

function fromContext(id: string, need: ContextNeed & ('discriminator' | 'preference')) {
  return (batch: TextBatch, _p: unknown, ctx: RewardContext): Float32Array => {
    const scores = ctx[need];
    if (!scores) throw new Error(`${id} needs the learned model's scores, which the trainer did not provide`);
    return Float32Array.from(scores.subarray(0, batch.texts.length));
  };
}

export const discriminatorTerm: RewardTerm<TextBatch> = {
  id: 'discriminator',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Discriminator D(x)',
  description: 'SeqGAN: the probability a classifier, trained alongside, gives that the sample is real data (a name, word or line of the corpus).',
  use: 'generation',
  params: [],
  defaultWeight: 1,
  needs: ['discriminator'],
  score: fromContext('discriminator', 'discriminator'),
};

export const preferenceTerm: RewardTerm<TextBatch> = {
  id: 'preference',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Learned preference r(x)',
  description: 'RLHF: the reward model fitted to labelled pairs (yours or the simulated annotator\'s); 0 until the first labels.',
  use: 'preferences',
  params: [],
  defaultWeight: 1,
  needs: ['preference'],
  score: fromContext('preference', 'preference'),
};

/** The same learned preference for molecules: the reward model reads SMILES with the molecules prior's encoder. */
export const moleculePreferenceTerm: RewardTerm<{ smiles: string[] }> = {
  id: 'molecule_preference',
  task: 'molecules',
  label: 'Learned preference r(x)',
  description: preferenceTerm.description,
  use: 'preferences',
  params: [],
  defaultWeight: 1,
  needs: ['preference'],
  score: (batch, p, ctx) => fromContext('molecule_preference', 'preference')({ texts: batch.smiles }, p, ctx),
};

export const LEARNED_TERMS = [discriminatorTerm, preferenceTerm, moleculePreferenceTerm] as const;
