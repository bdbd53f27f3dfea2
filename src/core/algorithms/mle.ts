// MLE mixing (MIXER, Ranzato et al. 2016; Wu et al. 2016): α times the negative log-likelihood of real data under
// the policy (teacher forcing) is added to the RL loss, anchoring the generator to the data distribution.
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from '../models/charGru';
import { maskedMean, shiftRight, tokenLogProbs } from '../sequences';

/** −mean_t log π_θ(x_t | x_<t) over a padded batch of real sequences (differentiable). */
export function mleLoss(policy: CharGru, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const { logits } = policy.forwardSequence(shiftRight(targets));
  return tf.neg(maskedMean(tokenLogProbs(logits, targets), mask));
}
