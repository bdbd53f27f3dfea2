// The painter's preference reward model r_φ(canvas): the painter policy's own design (patch layers → dense → value
// head, models/painterPolicy.ts) read as a scorer. It sees what the policy sees at the end of an episode, the finished
// canvas beside the target with the step input at 1, and its value head is the score; the policy head is unused. It works
// at 32×32 (paintings.ts), the size labels are stored at. Fitted with the Bradley–Terry loss (preferenceFit.ts).
import * as tf from '@tensorflow/tfjs';
import { PainterPolicy } from '../models/painterPolicy';
import type { Rng } from '../rng';
import { decodePainting, PAINTING_SIDE } from './paintings';
import { fitPreferences, type FitReport, type PairScorer } from './preferenceFit';
import type { LabelledPair } from './preferences';

export class ImageRewardModel implements PairScorer {
  readonly model: PainterPolicy;
  readonly optimizer: tf.AdamOptimizer;
  /** The target at PAINTING_SIDE [32, 32, 3]. */
  private readonly target: tf.Tensor3D;

  constructor(target32: Float32Array, hidden: number, seed: number, learningRate: number) {
    this.model = PainterPolicy.init({ canvas: PAINTING_SIDE, actions: 1, gaussian: false, hidden }, seed, true, 'image-reward-model');
    this.optimizer = tf.train.adam(learningRate);
    this.target = tf.tensor3d(target32, [PAINTING_SIDE, PAINTING_SIDE, 3]);
  }

  set learningRate(lr: number) {
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
  }

  /** Every weight but the unused policy head, by name, in the order Adam sees them (what a checkpoint saves). */
  get trainableWeights(): Record<string, tf.Variable> {
    return Object.fromEntries(this.model.names.filter((n) => !n.startsWith('policy')).map((n) => [n, this.model.weights[n]]));
  }

  trainable(): tf.Variable[] {
    return Object.values(this.trainableWeights);
  }

  /** r_φ [N] of canvases [N, 32, 32, 3] in [0, 1] (differentiable). */
  score(canvases: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => this.model.forward(canvases, this.target, tf.ones([canvases.shape[0]]) as tf.Tensor1D).value);
  }

  scorePairs(pairs: readonly LabelledPair[]): tf.Tensor1D {
    return tf.tidy(() => this.score(paintingsTensor([...pairs.map((p) => p.a), ...pairs.map((p) => p.b)])));
  }

  /** Scores of stored paintings, read back (for choosing pairs and for tests). */
  async scorePaintings(paintings: readonly string[]): Promise<Float32Array> {
    if (!paintings.length) return new Float32Array(0);
    const scores = tf.tidy(() => this.score(paintingsTensor(paintings)));
    try {
      return (await scores.data()) as Float32Array;
    } finally {
      scores.dispose();
    }
  }

  fit(train: readonly LabelledPair[], heldOut: readonly LabelledPair[], steps: number, rng: Rng): Promise<FitReport> {
    return fitPreferences(this, train, heldOut, steps, rng);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
    this.target.dispose();
  }
}

/** Stored paintings as one tensor [N, 32, 32, 3]. */
export function paintingsTensor(paintings: readonly string[]): tf.Tensor4D {
  const S = PAINTING_SIDE;
  const data = new Float32Array(paintings.length * S * S * 3);
  paintings.forEach((p, i) => data.set(decodePainting(p), i * S * S * 3));
  return tf.tensor4d(data, [paintings.length, S, S, 3]);
}
