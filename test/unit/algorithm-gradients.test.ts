// Each loss's analytic gradient (tfjs autodiff) against central finite differences on a tiny model, on the CPU
// backend. The losses are the files in src/core/algorithms/, evaluated on fixed random inputs.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { actorCriticLoss } from '../../src/core/algorithms/actorCritic';
import { exactKlToPrior } from '../../src/core/algorithms/klToPrior';
import { mleLoss } from '../../src/core/algorithms/mle';
import { ppoLoss } from '../../src/core/algorithms/ppo';
import { reinforceLoss } from '../../src/core/algorithms/reinforce';
import { CharGru } from '../../src/core/models/charGru';
import { Rng } from '../../src/core/rng';
import { shiftRight, tokenEntropy, tokenLogProbs } from '../../src/core/sequences';

const B = 3;
const T = 4;
const size = { vocab: 5, embedding: 3, hidden: 4 };
let model: CharGru;
let prior: CharGru;
const rng = new Rng(99);
const randomMatrix = (scale: number) => tf.tensor2d(Array.from({ length: B * T }, () => rng.normal() * scale), [B, T]);
let tokens: tf.Tensor2D;
let mask: tf.Tensor2D;
let advantages: tf.Tensor2D;
let returns: tf.Tensor2D;
let oldLogProbs: tf.Tensor2D;
let oldValues: tf.Tensor2D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = CharGru.init(size, 1);
  prior = CharGru.init(size, 2, false, 'prior');
  tokens = tf.tensor2d(Array.from({ length: B * T }, () => rng.int(size.vocab)), [B, T], 'int32');
  mask = tf.tensor2d([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0], [B, T]);
  advantages = randomMatrix(1);
  returns = randomMatrix(1);
  oldLogProbs = tf.tidy(() => tf.add(tokenLogProbs(model.forwardSequence(shiftRight(tokens)).logits, tokens), randomMatrix(0.1)));
  oldValues = randomMatrix(0.5);
});

function policyTerms() {
  const { logits, values } = model.forwardSequence(shiftRight(tokens));
  return { logits, values, logProbs: tokenLogProbs(logits, tokens), entropy: tokenEntropy(logits) };
}

const LOSSES: [string, () => tf.Scalar][] = [
  ['REINFORCE', () => { const p = policyTerms(); return reinforceLoss({ ...p, advantages, mask, entropyCoef: 0.01 }).loss; }],
  ['actor-critic', () => { const p = policyTerms(); return actorCriticLoss({ ...p, advantages, returns, mask, valueCoef: 0.5, entropyCoef: 0.01 }).loss; }],
  ['PPO (clipped value)', () => {
    const p = policyTerms();
    return ppoLoss({ ...p, oldLogProbs, oldValues, advantages, returns, mask, clip: 0.2, clipValue: true, valueCoef: 0.5, entropyCoef: 0.01 }).loss;
  }],
  ['exact KL to the prior', () => exactKlToPrior(model.forwardSequence(shiftRight(tokens)).logits, prior.forwardSequence(shiftRight(tokens)).logits, mask)],
  ['MLE', () => mleLoss(model, tokens, mask)],
];

describe('loss gradients match finite differences', () => {
  it.each(LOSSES)('%s', (_name, lossFn) => {
    const variable = model.weights.recurrentKernel;
    const { grads } = tf.variableGrads(lossFn, [variable]);
    const analytic = grads[variable.name].dataSync();
    const original = variable.dataSync().slice();
    const eps = 1e-2;
    let worst = 0;
    // Probe 8 coordinates spread over the matrix.
    for (let k = 0; k < 8; k++) {
      const i = Math.floor((k * original.length) / 8);
      const at = (delta: number) => {
        const values = original.slice();
        values[i] += delta;
        variable.assign(tf.tensor(values, variable.shape));
        return tf.tidy(() => lossFn().dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i])));
    }
    variable.assign(tf.tensor(original, variable.shape));
    tf.dispose(Object.values(grads));
    // Central differences in float32 with eps 1e-2: agreement to ~1% (the PPO clip's kinks are avoided by the small eps).
    expect(worst).toBeLessThan(0.02);
  });
});
