// KL to the prior as a loss term: the exact per-step KL over the vocabulary, summed over a sample's steps,
//   KL(π_θ ‖ π_prior) = (1/B) Σ_i Σ_t m_it Σ_v π_θ(v|s_it) (log π_θ(v|s_it) − log π_prior(v|s_it)),
// differentiable in θ (the per-token reward penalty instead enters through the returns, RLHF style).
import * as tf from '@tensorflow/tfjs';

export function exactKlToPrior(policyLogits: tf.Tensor3D, priorLogits: tf.Tensor3D, mask: tf.Tensor2D, temperature = 1): tf.Scalar {
  const logPi = tf.logSoftmax(temperature === 1 ? policyLogits : tf.div(policyLogits, temperature));
  const logPrior = tf.logSoftmax(priorLogits);
  const perStep = tf.sum(tf.mul(tf.exp(logPi), tf.sub(logPi, logPrior)), 2);
  return tf.div(tf.sum(tf.mul(perStep, mask)), policyLogits.shape[0]) as tf.Scalar;
}
