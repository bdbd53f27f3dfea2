// Public API of our hand-written kernels. One entry point per kernel family, whatever the backend:
// on 'webgpu' the WGSL kernel (a registered tfjs kernel, so tf.tidy tracks its results and it shares tfjs's
// command encoder); on any other backend the CPU twin, which reads the inputs with dataSync.
import * as tf from '@tensorflow/tfjs';
import { assertAdvantageArgs, assertSampleArgs } from './validate';
import { sampleCategoricalCpu } from './sample_categorical_cpu';
import { computeAdvantagesCpu } from './advantages_cpu';
import { sampleCategoricalWebGpu } from './sample_categorical_webgpu';
import { computeAdvantagesWebGpu } from './advantages_webgpu';

export { sampleCategoricalCpu } from './sample_categorical_cpu';
export type { SampleCpuOptions, SampleCpuResult } from './sample_categorical_cpu';
export { computeAdvantagesCpu, NORMALIZE_EPSILON } from './advantages_cpu';
export type { AdvantageCpuOptions, AdvantageCpuResult } from './advantages_cpu';
export { philox4x32, samplerUniform, SAMPLER_STREAM } from './philox';
export { MAX_VOCAB, MAX_ROWS } from './validate';

export interface SampleOptions {
  /** 0 => argmax (ties: lowest index); then logProbs = 0 and entropy = 0 (log-probability under the point mass). */
  temperature: number;
  /** (0, 1], default 1 = off. Nucleus after temperature and top-k; ties at the threshold are all kept. */
  topP?: number;
  /** 0 or undefined = off. Keeps logits >= the k-th largest allowed logit (ties at the threshold are all kept). */
  topK?: number;
  /** u32. */
  seed: number;
  /** u32: the caller increments it per call (the trainer passes update * 4096 + position). Row index is added by the kernel. */
  counter: number;
  /** Optional [B, V] or [V], nonzero = allowed. Logits equal to -Infinity are excluded as well. */
  mask?: tf.Tensor;
}

// A type alias, not an interface, so results are tf.TensorContainer and can be returned from tf.tidy.
export type SampleResult = {
  tokens: tf.Tensor1D; // int32 [B]
  logProbs: tf.Tensor1D; // float32 [B]
  entropy: tf.Tensor1D; // float32 [B]
};

/**
 * One token per row of raw policy logits [B, V], with its log-probability and the row's entropy under the
 * distribution actually sampled (mask, temperature, top-k, top-p applied, renormalised).
 * Randomness: Philox4x32-10 keyed by seed at counter (counter, row): same inputs ⇒ same tokens.
 * Bad input (shapes, V > MAX_VOCAB, options) throws here. NaN/+Infinity logits or a row with no allowed token
 * throw on CPU backends; on WebGPU (no readback) such a row yields token -1 with NaN logProb and entropy.
 */
export function sampleCategorical(logits: tf.Tensor2D, opts: SampleOptions): SampleResult {
  assertSampleArgs(logits.shape, opts.mask ? opts.mask.shape : null, opts);
  if (tf.getBackend() === 'webgpu') return sampleCategoricalWebGpu(logits, opts);
  const [rows, vocab] = logits.shape;
  const result = sampleCategoricalCpu(logits.dataSync(), rows, vocab, { ...opts, mask: opts.mask ? opts.mask.dataSync() : null });
  return {
    tokens: tf.tensor1d(result.tokens, 'int32'),
    logProbs: tf.tensor1d(result.logProbs, 'float32'),
    entropy: tf.tensor1d(result.entropy, 'float32'),
  };
}

export interface AdvantageOptions {
  gamma: number;
  lambda: number;
  normalize: boolean;
}

export type AdvantageResult = {
  advantages: tf.Tensor2D;
  returns: tf.Tensor2D;
};

/**
 * GAE(gamma, lambda) advantages and discounted returns for rewards [B, T], values [B, T+1] (values[:, T] is the
 * bootstrap) and mask [B, T] (1 = valid step, 0 = padding after the episode ended; the last valid step before
 * padding is terminal). Padding entries come out 0. `returns` are discounted returns G_t; the lambda-return
 * target for a critic is advantages + values[:, :T] (before normalisation). See advantages_cpu.ts for the equations.
 */
export function computeAdvantages(rewards: tf.Tensor2D, values: tf.Tensor2D, mask: tf.Tensor2D, opts: AdvantageOptions): AdvantageResult {
  assertAdvantageArgs(rewards.shape, values.shape, mask.shape, opts);
  if (tf.getBackend() === 'webgpu') return computeAdvantagesWebGpu(rewards, values, mask, opts);
  const [batch, steps] = rewards.shape;
  const result = computeAdvantagesCpu(rewards.dataSync(), values.dataSync(), mask.dataSync(), batch, steps, opts);
  return {
    advantages: tf.tensor2d(result.advantages, [batch, steps], 'float32'),
    returns: tf.tensor2d(result.returns, [batch, steps], 'float32'),
  };
}
