// The WGSL GAE kernel against its CPU twin and hand-computed cases.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { computeAdvantages, computeAdvantagesCpu, type AdvantageOptions } from '../../src/core/kernels/index';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

/** Random batch with ragged episode ends: row b is valid for a random prefix (possibly empty, possibly full). */
function randomBatch(batch: number, steps: number, seed: number) {
  const next = lcg(seed);
  const rewards = Float32Array.from({ length: batch * steps }, () => next() * 4 - 2);
  const values = Float32Array.from({ length: batch * (steps + 1) }, () => next() * 2 - 1);
  const mask = new Float32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const roll = next();
    const length = roll < 0.1 ? 0 : roll < 0.4 ? steps : Math.floor(next() * (steps + 1));
    for (let t = 0; t < length; t++) mask[b * steps + t] = 1;
    if (length < steps) values[b * (steps + 1) + steps] = 0; // finished episodes bootstrap from 0
  }
  return { rewards, values, mask };
}

async function runGpu(rewards: Float32Array, values: Float32Array, mask: Float32Array, batch: number, steps: number, opts: AdvantageOptions) {
  const r = tf.tensor2d(rewards, [batch, steps]);
  const v = tf.tensor2d(values, [batch, steps + 1]);
  const m = tf.tensor2d(mask, [batch, steps]);
  const out = computeAdvantages(r, v, m, opts);
  const [advantages, returns] = await Promise.all([out.advantages.data(), out.returns.data()]);
  tf.dispose([r, v, m, out.advantages, out.returns]);
  return { advantages: advantages as Float32Array, returns: returns as Float32Array };
}

/** max over entries of |gpu - cpu| / max(1, |cpu|). */
function relativeError(gpu: Float32Array, cpu: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(gpu[i] - cpu[i]) / Math.max(1, Math.abs(cpu[i])));
  return worst;
}

describe('computeAdvantages on WebGPU', () => {
  const shapes: [number, number][] = [[1, 1], [1, 9], [7, 1], [33, 32], [300, 17], [512, 128]];
  for (const [batch, steps] of shapes) {
    for (const opts of [
      { gamma: 0.99, lambda: 0.95, normalize: false },
      { gamma: 0.9, lambda: 1, normalize: true },
    ]) {
      it(`matches the CPU twin for B=${batch}, T=${steps}, gamma=${opts.gamma}, lambda=${opts.lambda}, normalize=${opts.normalize}`, async () => {
        const { rewards, values, mask } = randomBatch(batch, steps, batch * 1000 + steps);
        const gpu = await runGpu(rewards, values, mask, batch, steps, opts);
        const cpu = computeAdvantagesCpu(rewards, values, mask, batch, steps, opts);
        const errA = relativeError(gpu.advantages, cpu.advantages);
        const errR = relativeError(gpu.returns, cpu.returns);
        console.log(`B=${batch} T=${steps} normalize=${opts.normalize}: max rel error advantages ${errA.toExponential(2)}, returns ${errR.toExponential(2)}`);
        expect(errA).toBeLessThanOrEqual(1e-5);
        expect(errR).toBeLessThanOrEqual(1e-5);
        mask.forEach((m, i) => {
          if (m === 0) {
            expect(gpu.advantages[i]).toBe(0);
            expect(gpu.returns[i]).toBe(0);
          }
        });
      });
    }
  }

  it('reproduces hand-computed cases (bootstrap, terminal before padding, all-masked row)', async () => {
    // Row 0: r = [1, 2], V = [0.5, 1, 2], gamma = lambda = 0.5: A = [1.5, 2], G = [2.5, 3].
    // Row 1: episode ends after step 0, so V[1] and the bootstrap are ignored: A_0 = 3 - 1 = 2, G_0 = 3.
    // Row 2: all padding.
    const gpu = await runGpu(
      Float32Array.from([1, 2, 3, 5, 4, 4]),
      Float32Array.from([0.5, 1, 2, 1, 7, 9, 1, 1, 1]),
      Float32Array.from([1, 1, 1, 0, 0, 0]),
      3,
      2,
      { gamma: 0.5, lambda: 0.5, normalize: false },
    );
    expect(Array.from(gpu.advantages)).toEqual([1.5, 2, 2, 0, 0, 0]);
    expect(Array.from(gpu.returns)).toEqual([2.5, 3, 3, 0, 0, 0]);
  });

  it('normalisation gives mean 0 and std 1 over valid entries, padding stays 0', async () => {
    const batch = 64;
    const steps = 32;
    const { rewards, values, mask } = randomBatch(batch, steps, 42);
    const gpu = await runGpu(rewards, values, mask, batch, steps, { gamma: 0.99, lambda: 0.95, normalize: true });
    const valid = Array.from(gpu.advantages).filter((_, i) => mask[i] === 1);
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    const std = Math.sqrt(valid.reduce((a, b) => a + (b - mean) ** 2, 0) / valid.length);
    console.log(`normalised: ${valid.length} valid entries, mean ${mean.toExponential(2)}, std ${std.toFixed(7)}`);
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(Math.abs(std - 1)).toBeLessThan(1e-5);
    gpu.advantages.forEach((a, i) => {
      if (mask[i] === 0) expect(a).toBe(0);
    });
  });

  it('accepts int32 and bool masks, and leaves the tensor count unchanged (also inside tf.tidy)', async () => {
    const r = tf.tensor2d([[1, 1, 1]]);
    const v = tf.tensor2d([[0, 0, 0, 0]]);
    const before = tf.memory().numTensors;
    for (const m of [tf.tensor2d([[1, 1, 0]], [1, 3], 'int32'), tf.tensor2d([[true, true, false]], [1, 3], 'bool')]) {
      const out = tf.tidy(() => computeAdvantages(r, v, m as tf.Tensor2D, { gamma: 1, lambda: 1, normalize: false }));
      expect(Array.from(await out.returns.data())).toEqual([2, 1, 0]);
      tf.dispose([m, out.advantages, out.returns]);
    }
    tf.tidy(() => {
      computeAdvantages(r, v, tf.ones([1, 3]) as tf.Tensor2D, { gamma: 0.9, lambda: 0.9, normalize: true });
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([r, v]);
  });

  it('throws clear errors on mismatched shapes', () => {
    tf.tidy(() => {
      const opts = { gamma: 0.9, lambda: 0.9, normalize: false };
      expect(() => computeAdvantages(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D, tf.ones([2, 3]) as tf.Tensor2D, opts)).toThrow(
        /values must have shape \[2, 4\]/,
      );
      expect(() => computeAdvantages(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, opts)).toThrow(
        /mask must have shape \[2, 3\]/,
      );
      expect(() => computeAdvantages(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D, tf.ones([2, 3]) as tf.Tensor2D, { ...opts, gamma: 1.5 })).toThrow(/gamma/);
    });
  });
});
