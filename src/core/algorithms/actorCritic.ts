// Advantage actor-critic (A2C; Mnih et al. 2016) with generalised advantage estimation (Schulman et al. 2016):
//
//   δ_t = r_t + γ V(s_{t+1}) − V(s_t)          Â_t = Σ_l (γλ)^l δ_{t+l}       (our WGSL advantages kernel)
//   R_t = Â_t + V(s_t)                                                        (the λ-return, the critic's target)
//   loss = −(1/B) Σ_i Σ_t m_it Â_it log π_θ(a_it|s_it)  +  c_v · mean_t (V_θ(s_t) − R_t)²  −  c_H · mean_t H(π_θ(·|s_t))
//
// REINFORCE with a learned baseline is the same loss with Â_t = G_t − V(s_t) and R_t = G_t (γ = λ = 1).
import * as tf from '@tensorflow/tfjs';
import { maskedMean } from '../sequences';

export interface ActorCriticInputs {
  logProbs: tf.Tensor2D; // log π_θ(a_t|s_t), taped [B, T]
  values: tf.Tensor2D; // V_θ(s_t), taped [B, T]
  advantages: tf.Tensor2D; // Â_t, constants [B, T]
  returns: tf.Tensor2D; // R_t, constants [B, T]
  mask: tf.Tensor2D;
  entropy: tf.Tensor2D;
  valueCoef: number;
  entropyCoef: number;
}

export function actorCriticLoss(x: ActorCriticInputs) {
  const B = x.logProbs.shape[0];
  const policyLoss = tf.neg(tf.div(tf.sum(tf.mul(tf.mul(x.logProbs, x.advantages), x.mask)), B)) as tf.Scalar;
  const valueLoss = maskedMean(tf.square(tf.sub(x.values, x.returns)), x.mask);
  const meanEntropy = maskedMean(x.entropy, x.mask);
  const loss = tf.addN([policyLoss, tf.mul(x.valueCoef, valueLoss), tf.mul(-x.entropyCoef, meanEntropy)]) as tf.Scalar;
  return { loss, policyLoss, valueLoss, meanEntropy };
}
