// One number per whole sequence from a char GRU: the encoder of both learned rewards (reward model, discriminator).
// It is the policy's own design (embedding → GRU) read differently: the sequence is fed in (not shifted), and the
// value head reads the hidden state right after the sequence's last token (its end-of-sequence step). The encoder
// starts from the prior's weights, as Ziegler et al. (2019) start their reward model from the pretrained language
// model: it already knows what names look like, so a few hundred labels suffice to learn a preference on top.
import * as tf from '@tensorflow/tfjs';
import { CharGru, WEIGHT_NAMES } from '../models/charGru';

/** A trainable GRU with the prior's embedding and recurrent weights and a freshly initialised scalar head. */
export function encoderFromPrior(prior: CharGru, seed: number, prefix: string): CharGru {
  const model = CharGru.init(prior.size, seed, true, prefix);
  for (const name of WEIGHT_NAMES) {
    if (name === 'valueKernel' || name === 'valueBias') continue; // the head is new: the prior never learned a score
    model.weights[name].assign(prior.weights[name]);
  }
  return model;
}

/**
 * Scores [B] of sequences tokens [B, T] (int32) with mask [B, T] (1 up to and including each end-of-sequence step).
 * Differentiable with respect to the model's variables.
 */
export function scoreSequences(model: CharGru, tokens: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [B, T] = tokens.shape;
    const { vocab: V, hidden: H } = model.size;
    // One-hot matmul instead of gather: its gradient exists on every backend (as in CharGru.forwardSequence).
    const oneHot = tf.oneHot(tf.reshape(tokens, [B * T]) as tf.Tensor1D, V);
    const w = model.weights;
    const projections = tf.reshape(tf.add(tf.matMul(tf.matMul(oneHot, w.embedding), w.inputKernel), w.inputBias), [B, T, 3 * H]);
    let h = model.zeroState(B);
    const hidden: tf.Tensor2D[] = [];
    for (const x of tf.unstack(projections, 1) as tf.Tensor2D[]) {
      h = model.step(x, h);
      hidden.push(h);
    }
    // The state after the last generated step: one-hot over time at index (Σ mask − 1), so padding never leaks in.
    const last = tf.cast(tf.maximum(tf.sub(tf.sum(mask, 1), 1), 0), 'int32') as tf.Tensor1D;
    const pick = tf.expandDims(tf.oneHot(last, T), 2); // [B, T, 1]
    const final = tf.sum(tf.mul(tf.stack(hidden, 1), pick), 1) as tf.Tensor2D; // [B, H]
    return model.value(final);
  });
}
