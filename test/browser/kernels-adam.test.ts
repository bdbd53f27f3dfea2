// shaders/adam.wgsl against its CPU twin (adamStepCpu), and FusedAdam on WebGPU against tfjs's tf.train.adam.
// Float32 on both sides; the twin rounds every operation to float32 in the shader's order, so the two agree to a few
// ulps (the GPU may fuse a multiply-add); 1e-6 relative is far below the O(lr) error of a wrong moment or correction.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { adamStep } from '../../src/core/kernels/adam';
import { adamStepCpu } from '../../src/core/kernels/adamCpu';
import { FusedAdam } from '../../src/core/training/fusedAdam';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

const TOL = 1e-6;

function uniform(next: () => number, count: number, limit: number): Float32Array {
  return Float32Array.from({ length: count }, () => (next() * 2 - 1) * limit);
}

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  return worst;
}

describe('Adam kernel (WebGPU) against its CPU twin', () => {
  for (const [n, scale] of [[1, 1], [63, 0.5], [64, 1], [1000, 0.01], [4099, 3]] as const) {
    it(`n = ${n}, scale ${scale}: three steps agree, parameter and moments`, async () => {
      expect(tf.getBackend()).toBe('webgpu');
      const next = lcg(n);
      let paramCpu: Float32Array = uniform(next, n, 2);
      let momentsCpu: Float32Array = new Float32Array(2 * n);
      let param: tf.Tensor = tf.tensor2d(paramCpu, [1, n]);
      let moments = tf.zeros([2 * n]) as tf.Tensor1D;
      for (let step = 1; step <= 3; step++) {
        const grad = uniform(next, n, 5);
        const hyper = { learningRate: 0.003 * step, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step };
        ({ param: paramCpu, moments: momentsCpu } = adamStepCpu(paramCpu, grad, momentsCpu, scale, hyper));
        const g = tf.tensor2d(grad, [1, n]);
        const s = tf.scalar(scale);
        const out = adamStep(param, g, moments, s, hyper);
        tf.dispose([param, moments, g, s]);
        ({ param, moments } = out);
      }
      expect(param.shape).toEqual([1, n]);
      expect(maxRelativeError(await param.data(), paramCpu)).toBeLessThan(TOL);
      expect(maxRelativeError(await moments.data(), momentsCpu)).toBeLessThan(TOL);
      tf.dispose([param, moments]);
    });
  }

  it('rejects moments that do not fit the parameter', () => {
    const p = tf.zeros([4]);
    expect(() => adamStep(p, p, tf.zeros([4]) as tf.Tensor1D, tf.scalar(1), { learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 })).toThrow(/moments of 8/);
  });
});

describe('FusedAdam on WebGPU', () => {
  it('trains like tf.train.adam: same weights after ten clipped steps on a small regression', async () => {
    const next = lcg(7);
    const x = tf.tensor2d(uniform(next, 32 * 5, 1), [32, 5]);
    const y = tf.tensor2d(uniform(next, 32 * 3, 1), [32, 3]);
    const w0 = uniform(next, 15, 0.5);
    const ours = tf.variable(tf.tensor2d(w0, [5, 3]), true, 'adam-gpu-ours');
    const theirs = tf.variable(tf.tensor2d(w0, [5, 3]), true, 'adam-gpu-theirs');
    const fused = new FusedAdam(0.02);
    const stock = tf.train.adam(0.02);
    const lossOf = (w: tf.Variable) => () => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar;
    const before = tf.memory().numTensors;
    for (let k = 0; k < 10; k++) {
      tf.tidy(() => {
        const a = tf.variableGrads(lossOf(ours), [ours]);
        const b = tf.variableGrads(lossOf(theirs), [theirs]);
        const scale = tf.scalar(0.7);
        fused.applyGradients(a.grads, scale);
        stock.applyGradients({ [theirs.name]: tf.mul(b.grads[theirs.name], scale) });
      });
    }
    // One slot (the packed moments) per variable, made on the first step; nothing else stays.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(1 + 2 + 2);
    expect(maxRelativeError(await ours.data(), await theirs.data())).toBeLessThan(1e-4);
    expect(await lossOf(ours)().data().then((d) => d[0])).toBeLessThan(await tf.mean(tf.square(tf.sub(tf.matMul(x, tf.tensor2d(w0, [5, 3])), y))).data().then((d) => d[0]));
    fused.dispose();
    stock.dispose();
    tf.dispose([x, y, ours, theirs]);
  });
});
