// SeqGAN's per-token reward (Yu et al. 2017, eq. 4): the value of token a_t after the prefix Y_{1:t−1} is the
// discriminator's mean verdict on N completions of the prefix Y_{1:t} sampled from the generator itself,
//
//   Q(s = Y_{1:t−1}, a = y_t) = (1/N) Σ_n D(Y^n_{1:T}),  Y^n ∼ MC^G(Y_{1:t}; N)   for t < T,
//   Q(s = Y_{1:T−1}, a = y_T) = D(Y_{1:T})                                        for the finished sequence.
//
// RewardLab's algorithms read per-token rewards r_t and form returns G_t = Σ_{t' ≥ t} r_{t'} (γ = 1), so the Q values
// are handed over as differences, r_t = Q_t − Q_{t+1} before the last step and r_last = D(x): then G_t = Q_t exactly.
import * as tf from '@tensorflow/tfjs';
import { sampleCategorical } from '../kernels';
import type { CharGru } from '../models/charGru';
import { StepGuard } from '../models/syntaxGuard';
import { EOS } from '../tasks/tokenizer';

/** Most completions one update may sample (B · T · N): bounds the Worker's memory and the update's time. */
export const MAX_COMPLETIONS = 8192;

export interface CompletionOptions {
  /** N: completions per prefix. */
  n: number;
  temperature: number;
  seed: number;
  counter: number;
}

/**
 * For every sample b, prefix length t + 1 (t = 0 … T−1) and draw n: the prefix y_0 … y_t copied from `tokens`, then
 * tokens sampled from the policy until the end-of-sequence token. Rows are ordered (b, t, n): [B · T · N, T] tokens and
 * the mask of generated steps. One pass of T steps over all rows: a row copies its prefix (teacher forcing) and
 * samples after it.
 */
export function sampleCompletions(policy: CharGru, tokens: tf.Tensor2D, opts: CompletionOptions): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
  const [B, T] = tokens.shape;
  const R = B * T * opts.n;
  if (R > MAX_COMPLETIONS) {
    throw new RangeError(`Monte-Carlo rollouts would sample ${R} completions (batch ${B} × length ${T} × ${opts.n}); the limit is ${MAX_COMPLETIONS}`);
  }
  return tf.tidy(() => {
    // original[r] = tokens[b] for row r = (b, t, n); prefixLength[r] = t + 1.
    const original = tf.reshape(tf.tile(tf.reshape(tokens, [B, 1, T]), [1, T * opts.n, 1]), [R, T]) as tf.Tensor2D;
    const prefixLength = tf.tensor1d(Array.from({ length: R }, (_, r) => Math.floor(r / opts.n) % T + 1), 'int32');
    const columns = tf.unstack(original, 1) as tf.Tensor1D[];
    let input = tf.fill([R], EOS, 'int32') as tf.Tensor1D;
    let h = policy.zeroState(R);
    let alive = tf.ones([R]) as tf.Tensor1D;
    const out: tf.Tensor1D[] = [];
    const masks: tf.Tensor1D[] = [];
    // Completions follow the policy's syntax guard too; the guard's state runs over the copied prefix as well.
    const guard = policy.syntaxGuard ? new StepGuard(policy.syntaxGuard, R, T) : null;
    for (let s = 0; s < T; s++) {
      h = policy.step(policy.projectTokens(input), h);
      const logits = policy.logits(h);
      const sampled = sampleCategorical(guard ? guard.mask(logits) : logits, { temperature: opts.temperature, seed: opts.seed, counter: opts.counter + s });
      const token = tf.where(tf.less(tf.scalar(s, 'int32'), prefixLength), columns[s], sampled.tokens) as tf.Tensor1D;
      guard?.advance(token);
      out.push(token);
      masks.push(alive);
      alive = tf.mul(alive, tf.cast(tf.notEqual(token, EOS), 'float32')) as tf.Tensor1D;
      input = token;
    }
    return { tokens: tf.stack(out, 1) as tf.Tensor2D, mask: tf.stack(masks, 1) as tf.Tensor2D };
  });
}

/**
 * Per-token rewards [B, T] from Q values: Q [B, T] (mean D over completions of each prefix), the finished samples'
 * D(x) [B] and their mask [B, T]. Steps before the last get Q_t − Q_{t+1} (with Q at the last step = D(x)); the last
 * step and the padding get 0, because the end-of-sequence reward D(x) is already part of the task reward there.
 */
export function qDifferences(q: tf.Tensor2D, finalScore: tf.Tensor1D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, T] = q.shape;
    // beforeLast[b, t] = 1 when step t + 1 is still generated, i.e. t < length − 1.
    const beforeLast = tf.concat([tf.slice(mask, [0, 1], [B, T - 1]), tf.zeros([B, 1])], 1);
    const final = tf.tile(tf.reshape(finalScore, [B, 1]), [1, T]);
    const qFilled = tf.add(tf.mul(beforeLast, q), tf.mul(tf.sub(1, beforeLast), final)); // Q_t, and D(x) from the last step on
    const next = tf.concat([tf.slice(qFilled, [0, 1], [B, T - 1]), tf.reshape(finalScore, [B, 1])], 1);
    return tf.mul(beforeLast, tf.sub(qFilled, next)) as tf.Tensor2D;
  });
}
