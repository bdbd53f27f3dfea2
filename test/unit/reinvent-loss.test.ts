import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reinventLoss, sequenceLogLik } from '../../src/core/algorithms/reinvent';

describe('REINVENT loss (augmented likelihood)', () => {
  it('matches hand-computed numbers', async () => {
    await tf.setBackend('cpu');
    // Row 1: prior −20, score 0.5, σ 10 → augmented −15; agent −18 → (−15 − −18)² = 9.
    // Row 2: prior −30, score 0 (invalid) → augmented −30; agent −25 → (−30 − −25)² = 25.
    // Row 3: dropped (weight 0): its huge error must not count.
    // Mean over the kept rows: (9 + 25) / 2 = 17.
    const { loss, augmentedLogLik } = reinventLoss({
      agentLogLik: tf.tensor1d([-18, -25, -1]),
      priorLogLik: tf.tensor1d([-20, -30, -100]),
      scores: tf.tensor1d([0.5, 0, 1]),
      weights: tf.tensor1d([1, 1, 0]),
      sigma: 10,
    });
    expect((await loss.data())[0]).toBeCloseTo(17, 5);
    expect(Array.from(await augmentedLogLik.data())).toEqual([-15, -30, -90]);
  });

  it('has gradient −2 (augmented − agent) / N with respect to the agent log-likelihood, and none through the target', async () => {
    await tf.setBackend('cpu');
    const agent = tf.tensor1d([-18, -25]);
    const prior = tf.tensor1d([-20, -30]);
    const grads = tf.grads((a: tf.Tensor, p: tf.Tensor) =>
      reinventLoss({ agentLogLik: a as tf.Tensor1D, priorLogLik: p as tf.Tensor1D, scores: tf.tensor1d([0.5, 0]), weights: tf.ones([2]) as tf.Tensor1D, sigma: 10 }).loss,
    )([agent, prior]);
    // d/da_i of (1/2) Σ (t_i − a_i)² = −(t_i − a_i) = −(−15 + 18), −(−30 + 25) → [−3, 5].
    expect(Array.from(await grads[0].data())).toEqual([-3, 5]);
  });

  it('uses the default σ = 128 scale: a perfect score lifts the target by 128 nats', async () => {
    await tf.setBackend('cpu');
    const { augmentedLogLik } = reinventLoss({
      agentLogLik: tf.tensor1d([-40]),
      priorLogLik: tf.tensor1d([-40]),
      scores: tf.tensor1d([1]),
      weights: tf.tensor1d([1]),
      sigma: 128,
    });
    expect((await augmentedLogLik.data())[0]).toBe(88);
  });

  it('sums token log-probabilities over the mask only', async () => {
    await tf.setBackend('cpu');
    const ll = sequenceLogLik(tf.tensor2d([[-1, -2, -4], [-0.5, -0.25, -8]]), tf.tensor2d([[1, 1, 1], [1, 1, 0]]));
    expect(Array.from(await ll.data())).toEqual([-7, -0.75]);
  });
});
