import * as tf from '@tensorflow/tfjs';
import type { SampleOptions, SampleResult } from './index';
import { sampleCategoricalCpu } from './sample_categorical_cpu';

// Placeholder until the WGSL path lands: the CPU twin (same contract).
export function sampleCategoricalWebGpu(logits: tf.Tensor2D, opts: SampleOptions): SampleResult {
  const [rows, vocab] = logits.shape;
  const result = sampleCategoricalCpu(logits.dataSync(), rows, vocab, { ...opts, mask: opts.mask ? opts.mask.dataSync() : null });
  return {
    tokens: tf.tensor1d(result.tokens, 'int32'),
    logProbs: tf.tensor1d(result.logProbs, 'float32'),
    entropy: tf.tensor1d(result.entropy, 'float32'),
  };
}
