// The gradient's global norm on WebGPU over more variables than one shader may bind at once (WebGPU's default is 8
// storage buffers per stage): the painter has 10–12 variables, the GRU 9. With tf.addN this made an invalid pipeline,
// and the command buffer it was recorded in (the rest of the step's programs too) was dropped.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';
import { FusedAdam } from '../../src/core/training/fusedAdam';
import { globalNorm } from '../../src/core/training/globalNorm';
import { guardedStep } from '../../src/core/training/guardedStep';

useWebGpuAndWatchErrors();

const VARIABLES = 12;

function randomVectors(seed: number): Float32Array[] {
  const next = lcg(seed);
  return Array.from({ length: VARIABLES }, (_, i) => Float32Array.from({ length: 3 + i }, () => next() - 0.5));
}

function norm(vectors: Float32Array[]): number {
  return Math.sqrt(vectors.reduce((sum, v) => sum + v.reduce((s, x) => s + x * x, 0), 0));
}

describe('global gradient norm on WebGPU', () => {
  it('sums the squares of 12 gradients to the norm computed in JS', async () => {
    const vectors = randomVectors(5);
    const grads = Object.fromEntries(vectors.map((v, i) => [`g${i}`, tf.tensor1d(v)]));
    const result = globalNorm(grads);
    expect((await result.data())[0]).toBeCloseTo(norm(vectors), 5);
    tf.dispose([result, ...Object.values(grads)]);
  });

  it('guardedStep over 12 variables reports the norm of the loss gradient', async () => {
    // loss = Σ_v c_v · v, so dloss/dv = c_v whatever v is.
    const coefficients = randomVectors(9);
    const variables = coefficients.map((c, i) => tf.variable(tf.zeros([c.length]), true, `global-norm-test/${i}`));
    const optimizer = new FusedAdam(1e-3);
    const { numbers } = await guardedStep(
      () => ({ loss: tf.sum(tf.stack(variables.map((v, i) => tf.sum(tf.mul(v, tf.tensor1d(coefficients[i])))))) as tf.Scalar, report: {} }),
      { variables, optimizer, gradClip: 0, update: 1 },
    );
    expect(numbers.gradNorm).toBeCloseTo(norm(coefficients), 4);
    optimizer.dispose();
    tf.dispose(variables);
  });
});
