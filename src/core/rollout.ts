// Sampling whole sequences from a policy. On WebGPU one fused kernel generates the whole batch (a fixed handful of
// dispatches instead of ~40 per token); otherwise step by step with our sampler. Tokens stay on the GPU.
// Both paths draw with the same Philox stream (seed, counter + t, row), so they give the same tokens up to
// float rounding at the edge of a draw.
import * as tf from '@tensorflow/tfjs';
import { sampleCategorical } from './kernels';
import { gruRollout, gruRolloutSupports } from './kernels/gruRollout';
import type { CharGru } from './models/charGru';
import { StepGuard } from './models/syntaxGuard';
import { EOS } from './tasks/tokenizer';

export interface Rollout {
  /** Sampled tokens [B, T] int32; entries after a sequence's end are meaningless (see mask). */
  tokens: tf.Tensor2D;
  /** 1 for steps that were generated (including the end-of-sequence step), 0 after the sequence ended. */
  mask: tf.Tensor2D;
  /** log π(a_t) under the sampling distribution actually used [B, T]. */
  logProbs: tf.Tensor2D;
  /** The value head's V(s_t) at each step [B, T] (the critic's estimate before acting). */
  values: tf.Tensor2D;
}

export interface RolloutOptions {
  batchSize: number;
  maxLength: number;
  temperature: number;
  seed: number;
  /** Sampler counter of the first step; step t uses counter + t, so every (update, position, row) draws fresh randomness. */
  counter: number;
  /** false forces the step-by-step path (for comparisons); by default the fused kernel runs wherever it can. */
  fused?: boolean;
}

/**
 * B sequences of up to T tokens, starting from the end-of-sequence token. After a row's end token the mask is 0;
 * tokens, logProbs and values there carry no meaning (the fused path writes 0, the step-by-step path keeps
 * sampling).
 */
export function sampleSequences(model: CharGru, opts: RolloutOptions): Rollout {
  if (opts.fused !== false && tf.getBackend() === 'webgpu' && gruRolloutSupports(model.size)) {
    return gruRollout(model.weights, { ...opts, syntaxGuard: model.syntaxGuard });
  }
  return sampleStepByStep(model, opts);
}

function sampleStepByStep(model: CharGru, opts: RolloutOptions): Rollout {
  return tf.tidy(() => {
    const B = opts.batchSize;
    let input = tf.fill([B], EOS, 'int32') as tf.Tensor1D;
    let h = model.zeroState(B);
    let alive = tf.ones([B]) as tf.Tensor1D;
    const tokens: tf.Tensor1D[] = [];
    const masks: tf.Tensor1D[] = [];
    const logProbs: tf.Tensor1D[] = [];
    const values: tf.Tensor1D[] = [];
    const guard = model.syntaxGuard ? new StepGuard(model.syntaxGuard, B, opts.maxLength) : null;
    for (let t = 0; t < opts.maxLength; t++) {
      h = model.step(model.projectTokens(input), h);
      values.push(model.value(h));
      const logits = model.logits(h);
      const sample = sampleCategorical(guard ? guard.mask(logits) : logits, { temperature: opts.temperature, seed: opts.seed, counter: opts.counter + t });
      guard?.advance(sample.tokens);
      tokens.push(sample.tokens);
      logProbs.push(sample.logProbs);
      masks.push(alive);
      alive = tf.mul(alive, tf.cast(tf.notEqual(sample.tokens, EOS), 'float32')) as tf.Tensor1D;
      input = sample.tokens;
    }
    return {
      tokens: tf.stack(tokens, 1) as tf.Tensor2D,
      mask: tf.stack(masks, 1) as tf.Tensor2D,
      logProbs: tf.stack(logProbs, 1) as tf.Tensor2D,
      values: tf.stack(values, 1) as tf.Tensor2D,
    };
  });
}
