// REINVENT's loss (Olivecrona et al. 2017, "Molecular de-novo design through deep reinforcement learning"; called DAP
// in REINVENT 4). The agent is pulled towards an "augmented" likelihood: the prior's, raised by the score.
//
//   log P_aug(x) = log P_prior(x) + σ · S(x)                          S(x) ∈ [0, 1], 0 for an invalid molecule
//   L(θ)         = (1/N) Σ_i w_i ( log P_aug(x_i) − log P_θ(x_i) )²      N = Σ_i w_i
//
// log P(x) = Σ_t log π(a_t | a_<t) is the log-likelihood of the WHOLE sequence (end token included). The target
// log P_aug is a constant for the gradient: only log P_θ carries it. w_i ∈ {0, 1} drops rows from the mean (repeats of
// a molecule within the batch). Because the loss is a squared distance to a target that includes the prior, the agent
// stays near the prior without a separate KL term; σ sets how far the score may pull it.
import * as tf from '@tensorflow/tfjs';

export interface ReinventInputs {
  /** log P_θ(x_i): per-sequence log-likelihood under the agent, from the taped forward pass [N]. */
  agentLogLik: tf.Tensor1D;
  /** log P_prior(x_i): per-sequence log-likelihood under the frozen prior [N]. */
  priorLogLik: tf.Tensor1D;
  /** S(x_i): the score, after the diversity filter [N]. */
  scores: tf.Tensor1D;
  /** w_i: 1 to include the row in the mean, 0 to drop it [N]. */
  weights: tf.Tensor1D;
  sigma: number;
}

export function reinventLoss({ agentLogLik, priorLogLik, scores, weights, sigma }: ReinventInputs) {
  const augmentedLogLik = tf.add(priorLogLik, tf.mul(sigma, scores)) as tf.Tensor1D;
  const difference = tf.sub(augmentedLogLik, agentLogLik);
  const loss = tf.div(tf.sum(tf.mul(weights, tf.square(difference))), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
  return { loss, augmentedLogLik };
}

/** The sequence log-likelihood Σ_t m_t log π(a_t) of each row: [B, T] per-token log-probabilities and mask → [B]. */
export function sequenceLogLik(tokenLogProbs: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(tokenLogProbs, mask), 1) as tf.Tensor1D;
}
