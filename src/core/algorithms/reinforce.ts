// REINFORCE with a baseline (Williams 1992), written as the loss whose gradient is the policy-gradient estimate:
//
//   ∇J(θ) ≈ (1/B) Σ_i Σ_t (G_it − b) ∇ log π_θ(a_it | s_it)          G_it = Σ_{t' ≥ t} r_it'  (reward-to-go)
//   loss   = −(1/B) Σ_i Σ_t m_it (G_it − b) log π_θ(a_it | s_it)  −  c_H · mean_t H(π_θ(· | s_it))
//
// The per-token rewards r_it carry the KL penalty to the prior, −β (log π_θ(a_it) − log π_prior(a_it)), on every
// step and the task reward on the last step (RLHF style, Ziegler et al. 2019). m_it masks the steps after the end.
import * as tf from '@tensorflow/tfjs';
import { maskedMean } from '../sequences';

export interface ReinforceInputs {
  /** log π_θ(a_t | s_t) from the taped forward pass [B, T]. */
  logProbs: tf.Tensor2D;
  /** G_t − b [B, T], computed outside the tape, so constants for the gradient. */
  advantages: tf.Tensor2D;
  mask: tf.Tensor2D;
  /** H(π_θ(· | s_t)) [B, T]. */
  entropy: tf.Tensor2D;
  entropyCoef: number;
}

export function reinforceLoss({ logProbs, advantages, mask, entropy, entropyCoef }: ReinforceInputs) {
  const B = logProbs.shape[0];
  const policyLoss = tf.neg(tf.div(tf.sum(tf.mul(tf.mul(logProbs, advantages), mask)), B)) as tf.Scalar;
  const meanEntropy = maskedMean(entropy, mask);
  const loss = tf.sub(policyLoss, tf.mul(entropyCoef, meanEntropy)) as tf.Scalar;
  return { loss, policyLoss, meanEntropy };
}
