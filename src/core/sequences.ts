// Helpers shared by every sequence algorithm: teacher-forcing inputs, per-token log-probabilities, entropy.
import * as tf from '@tensorflow/tfjs';
import { tokenEntropyWebGpu, tokenLogProbsWebGpu } from './kernels/tokenStats';
import { EOS } from './tasks/tokenizer';

/** The inputs fed to the model at each step: end-of-sequence first, then the sequence shifted right by one. */
export function shiftRight(tokens: tf.Tensor2D): tf.Tensor2D {
  const [B, T] = tokens.shape;
  const start = tf.fill([B, 1], EOS, 'int32');
  return tf.concat([start, tf.slice(tokens, [0, 0], [B, T - 1])], 1) as tf.Tensor2D;
}

/**
 * log π(a_t) for each step under softmax(logits / temperature): [B, T, V] logits, [B, T] actions → [B, T].
 * On WebGPU one fused kernel each way (kernels/tokenStats.ts); elsewhere stock ops.
 */
export function tokenLogProbs(logits: tf.Tensor3D, actions: tf.Tensor2D, temperature = 1): tf.Tensor2D {
  if (tf.getBackend() === 'webgpu') return tokenLogProbsWebGpu(logits, actions, temperature);
  const V = logits.shape[2];
  const logSoftmax = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature));
  return tf.sum(tf.mul(logSoftmax, tf.oneHot(actions, V)), 2) as tf.Tensor2D;
}

/** Entropy H(π(·|s_t)) of each step's distribution: [B, T, V] → [B, T]. On WebGPU one fused kernel each way. */
export function tokenEntropy(logits: tf.Tensor3D, temperature = 1): tf.Tensor2D {
  if (tf.getBackend() === 'webgpu') return tokenEntropyWebGpu(logits, temperature);
  const logSoftmax = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature));
  return tf.neg(tf.sum(tf.mul(tf.exp(logSoftmax), logSoftmax), 2)) as tf.Tensor2D;
}

/** Mean of x over the entries where mask = 1 (0 when the mask is empty). */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

/** Encodes texts as padded [B, T] token ids and a mask that covers each text plus its end-of-sequence step. */
export function padSequences(encoded: readonly number[][], maxLength: number): { tokens: Int32Array; mask: Float32Array } {
  const B = encoded.length;
  const tokens = new Int32Array(B * maxLength);
  const mask = new Float32Array(B * maxLength);
  encoded.forEach((ids, b) => {
    const n = Math.min(ids.length + 1, maxLength);
    for (let t = 0; t < n; t++) {
      tokens[b * maxLength + t] = t < ids.length ? ids[t] : EOS;
      mask[b * maxLength + t] = 1;
    }
  });
  return { tokens, mask };
}
