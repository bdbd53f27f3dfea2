// Maximum-likelihood pretraining of a prior (teacher forcing): minimise −(1/N) Σ log p(x_t | x_<t) over the corpus.
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from './models/charGru';
import { Rng } from './rng';
import { maskedMean, padSequences, shiftRight, tokenLogProbs } from './sequences';
import type { Tokenizer } from './tasks/tokenizer';

export interface PretrainOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  maxLength: number;
  seed: number;
  /** Report progress every this many steps (reading the loss back costs a GPU sync). */
  reportEvery: number;
}

export interface PretrainProgress {
  step: number;
  loss: number;
}

/** Trains `model` in place, yielding the mean loss every `reportEvery` steps. Texts longer than maxLength − 1 are skipped. */
export async function* pretrainMle(
  model: CharGru,
  corpus: readonly string[],
  tokenizer: Tokenizer,
  opts: PretrainOptions,
): AsyncGenerator<PretrainProgress> {
  const encoded = corpus.map((t) => tokenizer.encode(t)).filter((ids) => ids.length < opts.maxLength);
  if (encoded.length === 0) throw new Error(`No training text is shorter than ${opts.maxLength} tokens`);
  const rng = new Rng(opts.seed).split('pretrain');
  const optimizer = tf.train.adam(opts.learningRate);
  let order = rng.shuffle(encoded.map((_, i) => i));
  let cursor = 0;
  try {
    let pending: tf.Scalar[] = [];
    for (let step = 1; step <= opts.steps; step++) {
      if (cursor + opts.batchSize > order.length) {
        order = rng.shuffle(order);
        cursor = 0;
      }
      const batch = order.slice(cursor, cursor + opts.batchSize).map((i) => encoded[i]);
      cursor += opts.batchSize;
      const { tokens, mask } = padSequences(batch, opts.maxLength);
      const loss = tf.tidy(() => {
        const targets = tf.tensor2d(tokens, [batch.length, opts.maxLength], 'int32');
        const weights = tf.tensor2d(mask, [batch.length, opts.maxLength]);
        return optimizer.minimize(() => {
          const { logits } = model.forwardSequence(shiftRight(targets));
          return tf.neg(maskedMean(tokenLogProbs(logits, targets), weights));
        }, true, model.variables()) as tf.Scalar;
      });
      pending.push(loss);
      if (step % opts.reportEvery === 0 || step === opts.steps) {
        const mean = tf.tidy(() => tf.mean(tf.stack(pending)));
        const value = (await mean.data())[0];
        mean.dispose();
        tf.dispose(pending);
        pending = [];
        if (!Number.isFinite(value)) throw new Error(`Pretraining diverged at step ${step} (loss ${value}); lower the learning rate`);
        yield { step, loss: value };
      }
    }
  } finally {
    optimizer.dispose();
  }
}

/** Mean negative log-likelihood per token of `texts` under `model` (for reporting prior quality). */
export async function evaluateNll(model: CharGru, texts: readonly string[], tokenizer: Tokenizer, maxLength: number): Promise<number> {
  const encoded = texts.map((t) => tokenizer.encode(t)).filter((ids) => ids.length < maxLength);
  const { tokens, mask } = padSequences(encoded, maxLength);
  const nll = tf.tidy(() => {
    const targets = tf.tensor2d(tokens, [encoded.length, maxLength], 'int32');
    const { logits } = model.forwardSequence(shiftRight(targets));
    return tf.neg(maskedMean(tokenLogProbs(logits, targets), tf.tensor2d(mask, [encoded.length, maxLength])));
  });
  const value = (await nll.data())[0];
  nll.dispose();
  return value;
}
