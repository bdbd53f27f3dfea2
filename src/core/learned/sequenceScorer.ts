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
 * Differentiable with respect to the model's variables. It is the policy's own teacher-forced pass (on WebGPU the
 * fused recurrence kernels) with the sequence itself as input, so values[b, t] is the head on the state after token t;
 * the score is the value at each sequence's last step, picked with a one-hot over time so padding never leaks in.
 */
export function scoreSequences(model: CharGru, tokens: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const T = tokens.shape[1];
    const { values } = model.forwardSequence(tokens);
    const last = tf.cast(tf.maximum(tf.sub(tf.sum(mask, 1), 1), 0), 'int32') as tf.Tensor1D;
    return tf.sum(tf.mul(values, tf.oneHot(last, T)), 1) as tf.Tensor1D;
  });
}
