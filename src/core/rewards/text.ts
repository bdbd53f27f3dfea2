// Rule rewards for the text tasks (the survey's "RL to maximise an objective").
import type { RewardTerm, TextBatch } from './types';

const LETTERS = /^[a-z-]*$/;

function perSample(batch: TextBatch, f: (text: string) => number): Float32Array {
  return Float32Array.from(batch.texts, f);
}

export const endsWith: RewardTerm<TextBatch> = {
  id: 'ends_with',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Ends with',
  description: '1 when the sample ends with the suffix, else 0.',
  use: 'objective',
  params: [{ kind: 'text', key: 'suffix', label: 'Suffix', maxLength: 8, default: 'a', pattern: LETTERS, patternHint: 'letters a–z or -' }],
  defaultWeight: 1,
  score: (batch, p) => perSample(batch, (t) => (t.toLowerCase().endsWith(String(p.suffix)) ? 1 : 0)),
};

export const contains: RewardTerm<TextBatch> = {
  id: 'contains',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Contains',
  description: '1 when the substring occurs anywhere in the sample, else 0.',
  use: 'objective',
  params: [{ kind: 'text', key: 'substring', label: 'Substring', maxLength: 8, default: 'an', pattern: LETTERS, patternHint: 'letters a–z or -' }],
  defaultWeight: 1,
  score: (batch, p) => perSample(batch, (t) => (t.toLowerCase().includes(String(p.substring)) ? 1 : 0)),
};

export const targetLength: RewardTerm<TextBatch> = {
  id: 'target_length',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Target length',
  description: 'A Gaussian bump around the target length: 1 at the target, falling off with the width.',
  use: 'objective',
  params: [
    { kind: 'number', key: 'length', label: 'Length', min: 1, max: 64, step: 1, default: 6, integer: true },
    { kind: 'number', key: 'width', label: 'Width', min: 0.1, max: 20, step: 0.1, default: 1.5 },
  ],
  defaultWeight: 1,
  score: (batch, p) => {
    const target = Number(p.length);
    const width = Number(p.width);
    return perSample(batch, (t) => Math.exp(-((t.length - target) ** 2) / (2 * width * width)));
  },
};

export const startsWith: RewardTerm<TextBatch> = {
  id: 'starts_with',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Starts with',
  description: '1 when the sample starts with the letter, else 0.',
  use: 'objective',
  params: [{ kind: 'text', key: 'letter', label: 'Letter', maxLength: 1, default: 'k', pattern: /^[a-z]$/, patternHint: 'one letter a–z' }],
  defaultWeight: 1,
  score: (batch, p) => perSample(batch, (t) => (t.toLowerCase().startsWith(String(p.letter)) ? 1 : 0)),
};

export const priorLogLik: RewardTerm<TextBatch> = {
  id: 'prior_loglik',
  task: 'names',
  alsoFor: ['words', 'text'],
  label: 'Prior log-likelihood',
  description: 'Mean per-token log-probability under the frozen prior: rewards samples that look like the training data.',
  use: 'generation',
  params: [],
  defaultWeight: 0.1,
  needs: ['priorLogLik'],
  score: (batch, _p, ctx) => {
    if (!ctx.priorLogLik) throw new Error('prior_loglik needs the prior log-likelihood, which the trainer did not provide');
    return Float32Array.from(ctx.priorLogLik.subarray(0, batch.texts.length));
  },
};

export const TEXT_TERMS = [endsWith, contains, targetLength, startsWith, priorLogLik] as const;
