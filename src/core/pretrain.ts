// Maximum-likelihood pretraining of a prior (teacher forcing): minimise −(1/N) Σ log p(x_t | x_<t) over the corpus.
//
// Length bucketing (optional, for corpora with long and varied sequences such as SMILES): the examples are sorted by
// length, cut into batches of neighbours, and each batch is padded only to the next multiple of BUCKET_STEP above its
// longest sequence (capped at maxLength). Few distinct shapes keep the WebGPU buffer pool small; short batches no
// longer pay for the longest example's padding.
import * as tf from '@tensorflow/tfjs';
import type { CharGru } from './models/charGru';
import { Rng } from './rng';
import { maskedMean, padSequences, shiftRight, tokenLogProbs } from './sequences';
import type { Tokenizer } from './tasks/tokenizer';

/** Bucketed batches are padded to a multiple of this many steps. */
export const BUCKET_STEP = 16;

export interface PretrainOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  maxLength: number;
  seed: number;
  /** Report progress every this many steps (reading the loss back costs a GPU sync). */
  reportEvery: number;
  /** Draw batches from length-sorted buckets and pad each to a multiple of BUCKET_STEP (default: off, pad to maxLength). */
  lengthBuckets?: boolean;
  /** Learning rate for a step (1-based), read before every step; default: `learningRate` throughout. */
  learningRateAt?: (step: number) => number;
}

export interface PretrainProgress {
  step: number;
  loss: number;
}

/** Steps a batch of sequences is padded to: the longest sequence plus its end step, rounded up to BUCKET_STEP. */
export function paddedLength(longest: number, maxLength: number): number {
  return Math.min(maxLength, Math.ceil((longest + 1) / BUCKET_STEP) * BUCKET_STEP);
}

/**
 * One epoch of length-bucketed batches (arrays of example indices): examples sorted by length (ties broken by a
 * shuffle), cut into batches of neighbours, the batches shuffled. A final partial batch is dropped.
 */
export function bucketedBatches(lengths: readonly number[], batchSize: number, rng: Rng): number[][] {
  const order = rng.shuffle(lengths.map((_, i) => i));
  const rank = new Int32Array(order.length);
  order.forEach((idx, r) => (rank[idx] = r));
  order.sort((a, b) => lengths[a] - lengths[b] || rank[a] - rank[b]);
  const batches: number[][] = [];
  for (let start = 0; start + batchSize <= order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  if (batches.length === 0 && order.length) batches.push(order);
  return rng.shuffle(batches);
}

/** Trains `model` in place, yielding the mean loss every `reportEvery` steps. Texts longer than maxLength − 1 are skipped. */
export async function* pretrainMle(
  model: CharGru,
  corpus: readonly string[],
  tokenizer: Tokenizer,
  opts: PretrainOptions,
): AsyncGenerator<PretrainProgress> {
  if (corpus.length === 0) {
    throw new Error('There is no training data at hand to pretrain a prior of this model size; choose the size of the shipped prior');
  }
  const encoded = corpus.map((t) => tokenizer.encode(t)).filter((ids) => ids.length < opts.maxLength);
  if (encoded.length === 0) throw new Error(`No training text is shorter than ${opts.maxLength} tokens`);
  const rng = new Rng(opts.seed).split('pretrain');
  const optimizer = tf.train.adam(opts.learningRate);
  const lengths = encoded.map((ids) => ids.length);
  const bucketed = opts.lengthBuckets ?? false;
  // Without bucketing: one shuffled order, read in consecutive slices and reshuffled when it runs out.
  let order = bucketed ? [] : rng.shuffle(encoded.map((_, i) => i));
  let cursor = 0;
  let buckets: number[][] = [];
  const nextBatch = (): number[] => {
    if (bucketed) {
      if (buckets.length === 0) buckets = bucketedBatches(lengths, opts.batchSize, rng);
      return buckets.pop()!;
    }
    if (cursor + opts.batchSize > order.length) {
      order = rng.shuffle(order);
      cursor = 0;
    }
    cursor += opts.batchSize;
    return order.slice(cursor - opts.batchSize, cursor);
  };
  try {
    let pending: tf.Scalar[] = [];
    for (let step = 1; step <= opts.steps; step++) {
      // Adam reads its rate on every update, so a schedule only has to set it before the step.
      if (opts.learningRateAt) (optimizer as unknown as { learningRate: number }).learningRate = opts.learningRateAt(step);
      const batch = nextBatch().map((i) => encoded[i]);
      const T = bucketed ? paddedLength(Math.max(...batch.map((ids) => ids.length)), opts.maxLength) : opts.maxLength;
      const { tokens, mask } = padSequences(batch, T);
      const loss = tf.tidy(() => {
        const targets = tf.tensor2d(tokens, [batch.length, T], 'int32');
        const weights = tf.tensor2d(mask, [batch.length, T]);
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

/** Mean negative log-likelihood per token of `texts` under `model` (for reporting prior quality), in chunks of 512. */
export async function evaluateNll(model: CharGru, texts: readonly string[], tokenizer: Tokenizer, maxLength: number): Promise<number> {
  const encoded = texts.map((t) => tokenizer.encode(t)).filter((ids) => ids.length < maxLength);
  let nllSum = 0;
  let tokenCount = 0;
  for (let start = 0; start < encoded.length; start += 512) {
    const chunk = encoded.slice(start, start + 512);
    const { tokens, mask } = padSequences(chunk, maxLength);
    const sums = tf.tidy(() => {
      const targets = tf.tensor2d(tokens, [chunk.length, maxLength], 'int32');
      const weights = tf.tensor2d(mask, [chunk.length, maxLength]);
      const logProbs = tokenLogProbs(model.forwardSequence(shiftRight(targets)).logits, targets);
      return tf.stack([tf.neg(tf.sum(tf.mul(logProbs, weights))), tf.sum(weights)]);
    });
    const [nll, count] = await sums.data();
    sums.dispose();
    nllSum += nll;
    tokenCount += count;
  }
  return tokenCount ? nllSum / tokenCount : NaN;
}
