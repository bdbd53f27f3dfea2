import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { computeAdvantages, sampleCategorical, sampleCategoricalCpu, computeAdvantagesCpu, MAX_VOCAB } from '../../src/core/kernels/index';

describe('kernels public API on the cpu backend', () => {
  it('runs the CPU twins, inside tidy, without leaking tensors', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const logits = tf.randomNormal([8, 30]) as tf.Tensor2D;
    const out = tf.tidy(() => sampleCategorical(logits, { temperature: 1, topP: 0.9, topK: 10, seed: 3, counter: 17 }));
    expect(out.tokens.dtype).toBe('int32');
    expect(out.tokens.shape).toEqual([8]);
    const twin = sampleCategoricalCpu(logits.dataSync(), 8, 30, { temperature: 1, topP: 0.9, topK: 10, seed: 3, counter: 17 });
    expect(Array.from(out.tokens.dataSync())).toEqual(Array.from(twin.tokens));
    expect(Array.from(out.logProbs.dataSync())).toEqual(Array.from(twin.logProbs));

    const rewards = tf.ones([2, 3]) as tf.Tensor2D;
    const values = tf.zeros([2, 4]) as tf.Tensor2D;
    const mask = tf.tensor2d([[1, 1, 0], [1, 1, 1]]);
    const adv = computeAdvantages(rewards, values, mask, { gamma: 0.9, lambda: 0.9, normalize: false });
    const twinAdv = computeAdvantagesCpu(rewards.dataSync(), values.dataSync(), mask.dataSync(), 2, 3, { gamma: 0.9, lambda: 0.9, normalize: false });
    expect(Array.from(adv.advantages.dataSync())).toEqual(Array.from(twinAdv.advantages));
    tf.dispose([logits, out.tokens, out.logProbs, out.entropy, rewards, values, mask, adv.advantages, adv.returns]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws clear errors on bad input', async () => {
    await tf.setBackend('cpu');
    const opts = { temperature: 1, seed: 0, counter: 0 };
    tf.tidy(() => {
      expect(() => sampleCategorical(tf.zeros([2, MAX_VOCAB + 1]) as tf.Tensor2D, opts)).toThrow(/exceeds the supported maximum/);
      expect(() => sampleCategorical(tf.zeros([2, 4]) as tf.Tensor2D, { ...opts, mask: tf.ones([3]) })).toThrow(/mask must have shape/);
      expect(() => sampleCategorical(tf.tensor2d([[0, NaN]]), opts)).toThrow(/NaN/);
      expect(() => sampleCategorical(tf.zeros([2, 4]) as tf.Tensor2D, { ...opts, topP: 0 })).toThrow(/topP/);
      expect(() => sampleCategorical(tf.zeros([2, 4]) as tf.Tensor2D, { ...opts, seed: -1 })).toThrow(/seed/);
      expect(() => computeAdvantages(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D, tf.ones([2, 3]) as tf.Tensor2D, { gamma: 0.9, lambda: 0.9, normalize: false })).toThrow(/values must have shape \[2, 4\]/);
      expect(() => computeAdvantages(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D, tf.ones([3, 2]) as tf.Tensor2D, { gamma: 0.9, lambda: 0.9, normalize: false })).toThrow(/mask must have shape/);
    });
  });
});
