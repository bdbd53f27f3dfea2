// The fused per-token log-probability and entropy kernels (shaders/token_log_prob.wgsl, token_entropy.wgsl) against
// their CPU twins (float64) and against tfjs autodiff of the stock ops they replace, forward and backward.
// Tolerance: float32 log-sum-exp over ≤ 64 terms, relative to max(1, |reference|): 1e-5 is ~100 ulps, far below the
// O(1) error of a wrong index, a missing temperature or a wrong sign in the entropy gradient.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { tokenEntropyCpu, tokenLogProbCpu } from '../../src/core/kernels/tokenStatsCpu';
import { tokenEntropy, tokenLogProbs } from '../../src/core/sequences';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

const TOL = 1e-5;

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

/** The stock ops the kernels replace (what sequences.ts runs on the other backends). */
function stockLogProbs(logits: tf.Tensor3D, actions: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.sum(tf.mul(tf.logSoftmax(tf.div(logits, temperature)), tf.oneHot(actions, logits.shape[2])), 2) as tf.Tensor2D;
}
function stockEntropy(logits: tf.Tensor3D, temperature: number): tf.Tensor2D {
  const logP = tf.logSoftmax(tf.div(logits, temperature));
  return tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 2)) as tf.Tensor2D;
}

const CASES = [
  { B: 1, T: 1, V: 2, temperature: 1, spread: 1 },
  { B: 3, T: 7, V: 27, temperature: 1, spread: 4 },
  { B: 8, T: 33, V: 43, temperature: 0.7, spread: 3 },
  { B: 2, T: 5, V: 64, temperature: 1.5, spread: 30 }, // large logits: the max subtraction must hold
];

describe('token log-probabilities and entropies on WebGPU', () => {
  for (const { B, T, V, temperature, spread } of CASES) {
    it(`B ${B}, T ${T}, V ${V}, temperature ${temperature}: forward and gradient match the twin and tfjs autodiff`, async () => {
      expect(tf.getBackend()).toBe('webgpu');
      const next = lcg(B * 1000 + V);
      const logitsData = Float32Array.from({ length: B * T * V }, () => (next() * 2 - 1) * spread);
      const actionsData = Int32Array.from({ length: B * T }, () => Math.floor(next() * V));
      const upLogP = Float32Array.from({ length: B * T }, () => next() * 2 - 1);
      const upEnt = Float32Array.from({ length: B * T }, () => next() * 2 - 1);
      const logits = tf.tensor3d(logitsData, [B, T, V]);
      const actions = tf.tensor2d(actionsData, [B, T], 'int32');
      const wLogP = tf.tensor2d(upLogP, [B, T]);
      const wEnt = tf.tensor2d(upEnt, [B, T]);

      const logP = tokenLogProbs(logits, actions, temperature);
      const entropy = tokenEntropy(logits, temperature);
      expect(relativeError(await logP.data(), tokenLogProbCpu(logitsData, actionsData, V, temperature))).toBeLessThan(TOL);
      expect(relativeError(await entropy.data(), tokenEntropyCpu(logitsData, B * T, V, temperature))).toBeLessThan(TOL);
      expect(relativeError(await logP.data(), await stockLogProbs(logits, actions, temperature).data())).toBeLessThan(TOL);
      expect(relativeError(await entropy.data(), await stockEntropy(logits, temperature).data())).toBeLessThan(TOL);

      // d/dlogits of Σ w·logπ + Σ u·H: fused vs the twins' backward vs stock autodiff.
      const fused = tf.grad((x: tf.Tensor) => tf.add(tf.sum(tf.mul(wLogP, tokenLogProbs(x as tf.Tensor3D, actions, temperature))), tf.sum(tf.mul(wEnt, tokenEntropy(x as tf.Tensor3D, temperature)))))(logits);
      const stock = tf.grad((x: tf.Tensor) => tf.add(tf.sum(tf.mul(wLogP, stockLogProbs(x as tf.Tensor3D, actions, temperature))), tf.sum(tf.mul(wEnt, stockEntropy(x as tf.Tensor3D, temperature)))))(logits);
      const twinEntropy = tokenEntropyCpu(logitsData, B * T, V, temperature, upEnt);
      const twin = tokenLogProbCpu(logitsData, actionsData, V, temperature, upLogP).map((g, i) => g + twinEntropy[i]);
      expect(fused.shape).toEqual([B, T, V]);
      expect(relativeError(await fused.data(), twin)).toBeLessThan(TOL);
      expect(relativeError(await fused.data(), await stock.data())).toBeLessThan(TOL);
      tf.dispose([logits, actions, wLogP, wEnt, logP, entropy, fused, stock]);
    });
  }
});
