// The preference reward model r_φ(x) of RLHF (Christiano et al. 2017; Ziegler et al. 2019): a char GRU scorer fitted
// with the Bradley–Terry loss on labelled pairs, and its accuracy on held-out pairs (ties are not counted: a tie has
// no right answer to predict).
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from '../models/charGru';
import { padSequences } from '../sequences';
import type { Tokenizer } from '../tasks/tokenizer';
import type { Rng } from '../rng';
import { bradleyTerryLoss, PREFERENCE_TARGET } from './bradleyTerry';
import type { LabelledPair } from './preferences';
import { encoderFromPrior, scoreSequences } from './sequenceScorer';

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

export class RewardModel {
  readonly model: CharGru;
  readonly optimizer: tf.AdamOptimizer;

  constructor(
    prior: CharGru,
    seed: number,
    private readonly tokenizer: Tokenizer,
    private readonly maxLength: number,
    learningRate: number,
  ) {
    this.model = encoderFromPrior(prior, seed, 'reward-model');
    this.optimizer = tf.train.adam(learningRate);
  }

  set learningRate(lr: number) {
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
  }

  /** r_φ(x) [B] of sampled sequences (no gradient is recorded). */
  score(tokens: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
    return scoreSequences(this.model, tokens, mask);
  }

  /** Scores of texts, read back (for choosing pairs to show a person). */
  async scoreTexts(texts: readonly string[]): Promise<Float32Array> {
    if (!texts.length) return new Float32Array(0);
    const { tokens, mask } = this.encode(texts);
    const scores = this.score(tokens, mask);
    try {
      return (await scores.data()) as Float32Array;
    } finally {
      tf.dispose([tokens, mask, scores]);
    }
  }

  /**
   * `steps` Adam steps of the Bradley–Terry loss on minibatches of `train`, then the held-out accuracy; one readback
   * for all the numbers.
   */
  async fit(train: readonly LabelledPair[], heldOut: readonly LabelledPair[], steps: number, rng: Rng): Promise<FitReport> {
    const losses: tf.Scalar[] = [];
    try {
      for (let s = 0; s < steps && train.length > 0; s++) {
        const picked = train.length <= REWARD_MODEL_BATCH ? train : Array.from({ length: REWARD_MODEL_BATCH }, () => train[rng.int(train.length)]);
        const batch = this.pairTensors(picked);
        try {
          const loss = this.optimizer.minimize(() => {
            const r = scoreSequences(this.model, batch.tokens, batch.mask);
            const [rA, rB] = tf.split(r, 2);
            return bradleyTerryLoss(rA as tf.Tensor1D, rB as tf.Tensor1D, batch.targets);
          }, true, this.model.variables());
          if (loss) losses.push(loss);
        } finally {
          tf.dispose([batch.tokens, batch.mask, batch.targets]);
        }
      }
      const decided = heldOut.filter((p) => p.choice !== 'tie');
      const packed = tf.tidy(() => {
        const correct = decided.length ? this.correctCount(decided) : tf.scalar(0);
        return tf.stack([losses.length ? tf.addN(losses) : tf.scalar(0), correct]);
      });
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
  private correctCount(pairs: readonly LabelledPair[]): tf.Scalar {
    const batch = this.pairTensors(pairs);
    try {
      return tf.tidy(() => {
        const [rA, rB] = tf.split(scoreSequences(this.model, batch.tokens, batch.mask), 2);
        const saysA = tf.cast(tf.greater(rA, rB), 'float32');
        const labelA = tf.cast(tf.greater(batch.targets, 0.5), 'float32');
        return tf.sum(tf.cast(tf.equal(saysA, labelA), 'float32')) as tf.Scalar;
      });
    } finally {
      tf.dispose([batch.tokens, batch.mask, batch.targets]);
    }
  }

  /** Tokens [2N, T] (all a's, then all b's), masks, and targets y [N]. */
  private pairTensors(pairs: readonly LabelledPair[]) {
    const { tokens, mask } = this.encode([...pairs.map((p) => p.a), ...pairs.map((p) => p.b)]);
    const targets = tf.tensor1d(pairs.map((p) => PREFERENCE_TARGET[p.choice]));
    return { tokens, mask, targets };
  }

  private encode(texts: readonly string[]): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
    const T = this.maxLength;
    const { tokens, mask } = padSequences(texts.map((t) => this.tokenizer.encode(t)), T);
    return { tokens: tf.tensor2d(tokens, [texts.length, T], 'int32'), mask: tf.tensor2d(mask, [texts.length, T]) };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
