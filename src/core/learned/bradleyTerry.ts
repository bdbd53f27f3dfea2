// The Bradley–Terry preference model (Bradley & Terry 1952), as used for reward models in RLHF
// (Christiano et al. 2017, eq. 1; Ziegler et al. 2019):
//
//   P(a ≻ b) = σ(r(a) − r(b))
//   loss     = − E[ y · log σ(r(a) − r(b)) + (1 − y) · log σ(r(b) − r(a)) ]
//
// where y = 1 when a was preferred, 0 when b was, and ½ for a tie (Christiano et al. spread a tie's probability
// mass evenly over both outcomes). log σ(d) is computed as −softplus(−d), which stays finite for large |d|.
import * as tf from '@tensorflow/tfjs';

/** The target y of each label: 1 for "a is better", 0 for "b is better", ½ for a tie. */
export type PreferenceChoice = 'a' | 'b' | 'tie';
export const PREFERENCE_TARGET: Record<PreferenceChoice, number> = { a: 1, b: 0, tie: 0.5 };

/** Mean Bradley–Terry loss over pairs: rewardsA, rewardsB and targets are [N]. */
export function bradleyTerryLoss(rewardsA: tf.Tensor1D, rewardsB: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.sub(rewardsA, rewardsB);
    const logPa = tf.neg(tf.softplus(tf.neg(d))); // log σ(d)
    const logPb = tf.neg(tf.softplus(d)); // log σ(−d)
    return tf.neg(tf.mean(tf.add(tf.mul(targets, logPa), tf.mul(tf.sub(1, targets), logPb)))) as tf.Scalar;
  });
}

/** The same loss in plain numbers (for checking the tensor version and for the docs). */
export function bradleyTerryLossScalar(rewardsA: readonly number[], rewardsB: readonly number[], targets: readonly number[]): number {
  const logSigmoid = (x: number) => -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
  let total = 0;
  for (let i = 0; i < rewardsA.length; i++) {
    const d = rewardsA[i] - rewardsB[i];
    total -= targets[i] * logSigmoid(d) + (1 - targets[i]) * logSigmoid(-d);
  }
  return total / rewardsA.length;
}

/** P(a ≻ b) under the model. */
export function preferenceProbability(rewardA: number, rewardB: number): number {
  return 1 / (1 + Math.exp(-(rewardA - rewardB)));
}
