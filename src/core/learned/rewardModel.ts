// The preference reward model r_φ(x) of RLHF (Christiano et al. 2017; Ziegler et al. 2019) for names and SMILES: a char
// GRU scorer fitted with the Bradley–Terry loss on labelled pairs (preferenceFit.ts).
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from '../models/charGru';
import { padSequences } from '../sequences';
import type { Tokenizer } from '../tasks/tokenizer';
import type { Rng } from '../rng';
import { fitPreferences, type FitReport, type PairScorer } from './preferenceFit';
import type { LabelledPair } from './preferences';
import { encoderFromPrior, scoreSequences } from './sequenceScorer';

export type { FitReport } from './preferenceFit';

export class RewardModel implements PairScorer {
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

  trainable(): tf.Variable[] {
    return this.model.variables();
  }

  /** r_φ of every pair's a, then every pair's b [2N] (differentiable). */
  scorePairs(pairs: readonly LabelledPair[]): tf.Tensor1D {
    return tf.tidy(() => {
      const { tokens, mask } = this.encode([...pairs.map((p) => p.a), ...pairs.map((p) => p.b)]);
      return scoreSequences(this.model, tokens, mask);
    });
  }

  /** `steps` Bradley–Terry steps on minibatches of `train`, then the held-out accuracy (preferenceFit.ts). */
  fit(train: readonly LabelledPair[], heldOut: readonly LabelledPair[], steps: number, rng: Rng): Promise<FitReport> {
    return fitPreferences(this, train, heldOut, steps, rng);
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
