// Fitting a reward model to labelled pairs, whatever it reads (text or paintings): Adam steps on the Bradley–Terry loss
// over minibatches of the fitting set, then its accuracy on the held-out pairs (ties are not counted: a tie has no
// right answer to predict). One readback for all the numbers.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { bradleyTerryLoss, PREFERENCE_TARGET } from './bradleyTerry';
import type { LabelledPair } from './preferences';

/** Pairs per gradient step (all of them when fewer are labelled). */
export const REWARD_MODEL_BATCH = 64;

export interface FitReport {
  /** Mean Bradley–Terry loss over the steps taken (NaN when there was nothing to fit). */
  loss: number;
  /** Share of held-out, non-tie pairs the model orders like the label; null when there are none yet. */
  heldOutAccuracy: number | null;
  /** How many held-out, non-tie pairs the accuracy is measured on. */
  heldOutPairs: number;
}

export interface PairScorer {
  readonly optimizer: tf.AdamOptimizer;
  /** The variables the loss trains. */
  trainable(): tf.Variable[];
  /** r(x) of every pair's a, then every pair's b: [2N]. Differentiable; its input tensors are made inside. */
  scorePairs(pairs: readonly LabelledPair[]): tf.Tensor1D;
}

export async function fitPreferences(model: PairScorer, train: readonly LabelledPair[], heldOut: readonly LabelledPair[], steps: number, rng: Rng): Promise<FitReport> {
  const losses: tf.Scalar[] = [];
  try {
    for (let s = 0; s < steps && train.length > 0; s++) {
      const picked = train.length <= REWARD_MODEL_BATCH ? train : Array.from({ length: REWARD_MODEL_BATCH }, () => train[rng.int(train.length)]);
      const targets = tf.tensor1d(picked.map((p) => PREFERENCE_TARGET[p.choice]));
      try {
        const loss = model.optimizer.minimize(() => {
          const [rA, rB] = tf.split(model.scorePairs(picked), 2);
          return bradleyTerryLoss(rA as tf.Tensor1D, rB as tf.Tensor1D, targets);
        }, true, model.trainable());
        if (loss) losses.push(loss);
      } finally {
        targets.dispose();
      }
    }
    const decided = heldOut.filter((p) => p.choice !== 'tie');
    const packed = tf.tidy(() => tf.stack([losses.length ? tf.addN(losses) : tf.scalar(0), decided.length ? correctCount(model, decided) : tf.scalar(0)]));
    const [sum, right] = await packed.data();
    packed.dispose();
    return {
      loss: losses.length ? sum / losses.length : NaN,
      heldOutAccuracy: decided.length ? right / decided.length : null,
      heldOutPairs: decided.length,
    };
  } finally {
    tf.dispose(losses);
  }
}

/** How many pairs the model orders like their labels (a tensor, read with the other numbers). */
function correctCount(model: PairScorer, pairs: readonly LabelledPair[]): tf.Scalar {
  return tf.tidy(() => {
    const [rA, rB] = tf.split(model.scorePairs(pairs), 2);
    const saysA = tf.greater(rA, rB);
    const labelA = tf.tensor1d(pairs.map((p) => p.choice === 'a'), 'bool');
    return tf.sum(tf.cast(tf.equal(saysA, labelA), 'float32')) as tf.Scalar;
  });
}
