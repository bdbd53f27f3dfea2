// Proximal policy optimisation with a clipped surrogate (Schulman et al. 2017), as used by RLHF (Ziegler et al. 2019):
//
//   ρ_t = π_θ(a_t|s_t) / π_old(a_t|s_t) = exp(log π_θ − log π_old)
//   L^CLIP = −mean_t min(ρ_t Â_t, clip(ρ_t, 1 − ε, 1 + ε) Â_t)
//   L^V    = mean_t (V_θ(s_t) − R_t)²,  or, clipped, mean_t max((V_θ − R)², (V_old + clip(V_θ − V_old, −ε, ε) − R)²)
//   loss   = L^CLIP + c_v L^V − c_H mean_t H(π_θ(·|s_t))
//
// Reported per minibatch: approximate KL(π_old ‖ π_θ) ≈ mean_t((ρ_t − 1) − log ρ_t) (always ≥ 0), the clip fraction
// mean_t[|ρ_t − 1| > ε], and the range of ρ. Several epochs over the batch stop early once the approximate KL
// exceeds 1.5 × its target.
import * as tf from '@tensorflow/tfjs';
import { maskedMean } from '../sequences';

export interface PpoInputs {
  logProbs: tf.Tensor2D; // log π_θ, taped [b, T]
  oldLogProbs: tf.Tensor2D; // log π_old from the rollout [b, T]
  values: tf.Tensor2D; // V_θ, taped
  oldValues: tf.Tensor2D; // V_old from the rollout
  advantages: tf.Tensor2D; // normalised Â
  returns: tf.Tensor2D; // R = Â (before normalising) + V_old
  mask: tf.Tensor2D;
  entropy: tf.Tensor2D;
  clip: number;
  clipValue: boolean;
  valueCoef: number;
  entropyCoef: number;
}

export function ppoLoss(x: PpoInputs) {
  const logRatio = tf.mul(tf.sub(x.logProbs, x.oldLogProbs), x.mask);
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(ratio, x.advantages);
  const clipped = tf.mul(tf.clipByValue(ratio, 1 - x.clip, 1 + x.clip), x.advantages);
  const policyLoss = tf.neg(maskedMean(tf.minimum(unclipped, clipped), x.mask));

  const valueError = tf.square(tf.sub(x.values, x.returns));
  const valueTerm = x.clipValue
    ? tf.maximum(valueError, tf.square(tf.sub(tf.add(x.oldValues, tf.clipByValue(tf.sub(x.values, x.oldValues), -x.clip, x.clip)), x.returns)))
    : valueError;
  const valueLoss = maskedMean(valueTerm, x.mask);
  const meanEntropy = maskedMean(x.entropy, x.mask);
  const loss = tf.addN([policyLoss, tf.mul(x.valueCoef, valueLoss), tf.mul(-x.entropyCoef, meanEntropy)]) as tf.Scalar;

  // Diagnostics (no gradient flows from them into the update: they are read, not minimised).
  const approxKl = maskedMean(tf.sub(tf.sub(ratio, 1), logRatio), x.mask);
  const clipFraction = maskedMean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), x.clip), 'float32'), x.mask);
  const big = tf.mul(tf.sub(1, x.mask), 1e9);
  const ratioMin = tf.min(tf.add(ratio, big)) as tf.Scalar;
  const ratioMax = tf.max(tf.sub(ratio, big)) as tf.Scalar;
  return { loss, policyLoss, valueLoss, meanEntropy, approxKl, clipFraction, ratioMin, ratioMax };
}
