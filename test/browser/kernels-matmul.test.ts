// shaders/matmul.wgsl against its CPU twin (float64) and tfjs's matMul, for every transpose combination, with and
// without a bias, at odd sizes and at the fused sequence model's sizes. Relative to max(1, |reference|), 1e-5 allows
// float32 sums of up to a few hundred terms and catches any wrong index or stride.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { matMul } from '../../src/core/kernels/matMul';
import { matMulCpu } from '../../src/core/kernels/matMulCpu';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

const SIZES = [
  { M: 1, K: 1, N: 1 },
  { M: 7, K: 13, N: 5 },
  { M: 300, K: 256, N: 43 }, // logits head of the SMILES prior
  { M: 43, K: 32, N: 768 }, // the input-projection table E·W_x
];

describe('matMul kernel (WebGPU)', () => {
  for (const { M, K, N } of SIZES) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${M}×${K}·${K}×${N}, transposeA ${transposeA}, transposeB ${transposeB}, with and without bias`, async () => {
        expect(tf.getBackend()).toBe('webgpu');
        const next = lcg(M * 31 + K * 7 + N + (transposeA ? 1 : 0) + (transposeB ? 2 : 0));
        const aData = Float32Array.from({ length: M * K }, () => next() * 2 - 1);
        const bData = Float32Array.from({ length: K * N }, () => next() * 2 - 1);
        const biasData = Float32Array.from({ length: N }, () => next() * 2 - 1);
        const a = tf.tensor2d(aData, transposeA ? [K, M] : [M, K]);
        const b = tf.tensor2d(bData, transposeB ? [N, K] : [K, N]);
        const bias = tf.tensor1d(biasData);
        const shape = { M, K, N, transposeA, transposeB };
        const plain = matMul(a, b, transposeA, transposeB);
        const withBias = matMul(a, b, transposeA, transposeB, bias);
        expect(plain.shape).toEqual([M, N]);
        expect(relativeError(await plain.data(), matMulCpu(aData, bData, shape))).toBeLessThan(1e-5);
        expect(relativeError(await withBias.data(), matMulCpu(aData, bData, shape, biasData))).toBeLessThan(1e-5);
        expect(relativeError(await plain.data(), await tf.matMul(a, b, transposeA, transposeB).data())).toBeLessThan(1e-5);
        tf.dispose([a, b, bias, plain, withBias]);
      });
    }
  }

  it('refuses inner sizes that differ', () => {
    expect(() => matMul(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrow(/inner sizes differ/);
  });
});
