// The SeqGAN discriminator (Yu et al. 2017): D_φ(x) = σ(score(x)), the probability that a sequence is real data
// rather than the generator's. It is trained online with the cross-entropy of the GAN objective,
//
//   min_φ − E_{x∼data}[log D_φ(x)] − E_{x∼G}[log(1 − D_φ(x))],
//
// k steps per generator update, and the generator's reward is D_φ(x) of its finished samples. Like SeqGAN, which
// trains D on as many generated negatives as real positives, each step sees a fresh real minibatch and generated
// samples drawn from a buffer of the generator's recent output (a single update's batch is too small to learn from). (SeqGAN also estimates
// per-token rewards with Monte Carlo roll-outs of unfinished prefixes; RewardLab gives D(x) at the end of the sequence
// only, like every other reward term, and lets the advantage estimator spread it.)
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from '../models/charGru';
import { encoderFromPrior, scoreSequences } from './sequenceScorer';

export interface SequenceBatch {
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
}

export interface DiscriminatorReport {
  /** Mean cross-entropy over the k steps. */
  loss: number;
  /** Accuracy (threshold ½) on this update's real and generated batch, measured before D trained on it. */
  accuracy: number;
  /** Mean D(x) of the real and of the generated samples, before the steps. */
  realScore: number;
  fakeScore: number;
}

export class Discriminator {
  readonly model: CharGru;
  readonly optimizer: tf.AdamOptimizer;

  constructor(prior: CharGru, seed: number, learningRate: number) {
    this.model = encoderFromPrior(prior, seed, 'discriminator');
    this.optimizer = tf.train.adam(learningRate);
  }

  set learningRate(lr: number) {
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
  }

  /** D(x) ∈ (0, 1) [B] of sequences: the reward the generator gets. */
  probability(tokens: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.sigmoid(scoreSequences(this.model, tokens, mask)));
  }

  /**
   * One Adam step per batch of real (label 1) and generated (label 0) sequences, all of length T; one readback.
   * The accuracy is measured on the first batch before any step, so it is a test on samples D has not fitted yet.
   */
  async train(batches: readonly { real: SequenceBatch; fake: SequenceBatch }[]): Promise<DiscriminatorReport> {
    const joined = batches.map(({ real, fake }) => ({
      tokens: tf.concat([real.tokens, fake.tokens]) as tf.Tensor2D,
      mask: tf.concat([real.mask, fake.mask]) as tf.Tensor2D,
      labels: tf.tidy(() => tf.concat([tf.ones([real.tokens.shape[0]]), tf.zeros([fake.tokens.shape[0]])])) as tf.Tensor1D,
      nReal: real.tokens.shape[0],
    }));
    const losses: tf.Scalar[] = [];
    try {
      const first = joined[0];
      const before = tf.tidy(() => {
        const p = this.probability(first.tokens, first.mask);
        const correct = tf.equal(tf.greater(p, 0.5), tf.greater(first.labels, 0.5));
        const [pReal, pFake] = tf.split(p, [first.nReal, p.shape[0] - first.nReal]);
        return tf.stack([tf.mean(tf.cast(correct, 'float32')), tf.mean(pReal), tf.mean(pFake)]);
      });
      for (const { tokens, mask, labels } of joined) {
        const loss = this.optimizer.minimize(
          () => tf.losses.sigmoidCrossEntropy(labels, scoreSequences(this.model, tokens, mask)) as tf.Scalar,
          true,
          this.model.variables(),
        );
        if (loss) losses.push(loss);
      }
      const packed = tf.tidy(() => tf.concat([before, tf.stack([losses.length ? tf.div(tf.addN(losses), losses.length) : tf.scalar(NaN)])]));
      const [accuracy, realScore, fakeScore, loss] = await packed.data();
      tf.dispose([packed, before]);
      return { loss, accuracy, realScore, fakeScore };
    } finally {
      tf.dispose([...joined.flatMap((j) => [j.tokens, j.mask, j.labels]), ...losses]);
    }
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
