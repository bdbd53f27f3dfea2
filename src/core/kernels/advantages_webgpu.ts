import * as tf from '@tensorflow/tfjs';
import type { AdvantageOptions, AdvantageResult } from './index';
import { computeAdvantagesCpu } from './advantages_cpu';

// Placeholder until the WGSL path lands: the CPU twin (same contract).
export function computeAdvantagesWebGpu(rewards: tf.Tensor2D, values: tf.Tensor2D, mask: tf.Tensor2D, opts: AdvantageOptions): AdvantageResult {
  const [batch, steps] = rewards.shape;
  const result = computeAdvantagesCpu(rewards.dataSync(), values.dataSync(), mask.dataSync(), batch, steps, opts);
  return {
    advantages: tf.tensor2d(result.advantages, [batch, steps], 'float32'),
    returns: tf.tensor2d(result.returns, [batch, steps], 'float32'),
  };
}
