// Our Adam against tfjs's own tf.train.adam (the optimizer it replaces) on the CPU backend, its CPU twin against a
// float64 reference of Kingma & Ba's Algorithm 1, and the checkpoint slot layout both share.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adamStepCpu, biasCorrections } from '../../src/core/kernels/adamCpu';
import { FusedAdam } from '../../src/core/training/fusedAdam';
import { exportAdamSlots, importAdamSlots } from '../../src/core/training/adamState';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const HYPER = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

function seq(n: number, f: (i: number) => number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => f(i));
}

/** Algorithm 1 of Kingma & Ba (2015) in float64, step by step, for the twin to be checked against. */
function adamReference(theta: number[], grads: number[][], scale: number, lr: number): number[] {
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  const out = [...theta];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < out.length; i++) {
      const gi = g[i] * scale;
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      out[i] -= (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-7);
    }
  });
  return out;
}

describe('Adam step, CPU twin', () => {
  it('follows Algorithm 1 over several steps, with the clipping scale applied to the gradient', () => {
    const n = 7;
    const theta = seq(n, (i) => Math.sin(i) * 2);
    const grads = [0, 1, 2, 3].map((k) => seq(n, (i) => Math.cos(i * 1.3 + k) * (i + 1) * 0.5));
    let param: Float32Array = theta;
    let moments: Float32Array = new Float32Array(2 * n);
    grads.forEach((g, k) => ({ param, moments } = adamStepCpu(param, g, moments, 0.25, { ...HYPER, step: k + 1 })));
    const reference = adamReference([...theta], grads.map((g) => [...g]), 0.25, HYPER.learningRate);
    for (let i = 0; i < n; i++) expect(param[i]).toBeCloseTo(reference[i], 5);
  });

  it('computes the bias corrections 1 − β^t', () => {
    expect(biasCorrections({ ...HYPER, step: 1 })).toEqual([1 - 0.9, 1 - 0.999]);
    expect(biasCorrections({ ...HYPER, step: 10 })[0]).toBeCloseTo(1 - 0.9 ** 10, 15);
  });
});

describe('FusedAdam', () => {
  it('takes the same steps as tf.train.adam (CPU backend), clipping scale included', () => {
    const start = seq(12, (i) => (i - 6) / 3);
    const ours = tf.variable(tf.tensor2d(start, [3, 4]), true, 'fused-adam-ours');
    const theirs = tf.variable(tf.tensor2d(start, [3, 4]), true, 'fused-adam-theirs');
    const fused = new FusedAdam(0.05);
    const stock = tf.train.adam(0.05);
    for (let k = 0; k < 5; k++) {
      const g = tf.tensor2d(seq(12, (i) => Math.sin(i + k) * (k + 1)), [3, 4]);
      const scale = tf.scalar(0.5);
      fused.applyGradients({ 'fused-adam-ours': g }, scale);
      stock.applyGradients({ 'fused-adam-theirs': tf.mul(g, scale) });
      tf.dispose([g, scale]);
    }
    const a = ours.dataSync();
    const b = theirs.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    expect(fused.iterations).toBe(5);
    tf.dispose([ours, theirs]);
    fused.dispose();
    stock.dispose();
  });

  it('exports and restores its slots in tfjs layout, and a restored optimizer continues identically', async () => {
    const make = (name: string): tf.Variable[] => [tf.variable(tf.tensor1d([1, -2, 3]), true, `${name}-a`), tf.variable(tf.tensor2d([[0.5, 0.25]]), true, `${name}-b`)];
    const [a1, b1] = make('slots-1');
    const first = new FusedAdam(0.1);
    const step = (opt: FusedAdam, a: tf.Variable, b: tf.Variable, k: number) =>
      tf.tidy(() => opt.applyGradients([{ name: a.name, tensor: tf.tensor1d([k, 1, -1]) }, { name: b.name, tensor: tf.tensor2d([[1, k]]) }]));
    step(first, a1, b1, 1);
    step(first, a1, b1, 2);
    const saved = await exportAdamSlots(first);
    expect(saved.map((s) => s.name)).toEqual(['0:iter', `1:${a1.name}/m`, `2:${b1.name}/m`, `3:${a1.name}/v`, `4:${b1.name}/v`]);
    expect(saved[2].shape).toEqual([1, 2]);

    const [a2, b2] = make('slots-2');
    a2.assign(a1);
    b2.assign(b1);
    const second = new FusedAdam(0.1);
    await importAdamSlots(second, saved);
    expect(second.iterations).toBe(2);
    step(first, a1, b1, 3);
    step(second, a2, b2, 3);
    expect(Array.from(a2.dataSync())).toEqual(Array.from(a1.dataSync()));
    expect(Array.from(b2.dataSync())).toEqual(Array.from(b1.dataSync()));
    const before = tf.memory().numTensors;
    await exportAdamSlots(second);
    expect(tf.memory().numTensors).toBe(before); // exporting leaks nothing
    first.dispose();
    second.dispose();
    tf.dispose([a1, b1, a2, b2]);
  });

  it('leaves a variable without a gradient where it is, keeping its slot, as tfjs does', () => {
    const reached = tf.variable(tf.tensor1d([1, 2]), true, 'null-grad-reached');
    const unreached = tf.variable(tf.tensor1d([3]), true, 'null-grad-unreached');
    const adam = new FusedAdam(0.1);
    adam.applyGradients({ 'null-grad-reached': tf.tensor1d([1, -1]), 'null-grad-unreached': null as unknown as tf.Tensor });
    expect(Array.from(unreached.dataSync())).toEqual([3]);
    expect(Array.from(reached.dataSync())).not.toEqual([1, 2]);
    adam.dispose();
    tf.dispose([reached, unreached]);
  });

  it('loads slots written by tfjs Adam and refuses a layout it cannot match', async () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'from-stock');
    const stock = tf.train.adam(0.1);
    stock.applyGradients([{ name: 'from-stock', tensor: tf.tensor1d([0.5, -0.5]) }]);
    const saved = await exportAdamSlots(stock);
    const ours = new FusedAdam(0.1);
    await importAdamSlots(ours, saved);
    expect(ours.iterations).toBe(1);
    await expect(ours.setWeights([{ name: 'x', tensor: tf.scalar(1) }])).rejects.toThrow(/iter/);
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'wrong-size');
    expect(() => ours.applyGradients({ 'wrong-size': tf.tensor1d([1, 1, 1]) })).toThrow(/do not fit/);
    tf.dispose([v, w]);
    stock.dispose();
    ours.dispose();
  });

  it("exporting tfjs Adam's slots leaks nothing and leaves its moments alive", async () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'stock-export');
    const stock = tf.train.adam(0.1);
    stock.applyGradients([{ name: 'stock-export', tensor: tf.tensor1d([0.5, -0.5]) }]);
    const before = tf.memory().numTensors;
    const saved = await exportAdamSlots(stock);
    expect(tf.memory().numTensors).toBe(before);
    expect(saved.map((t) => t.name)).toEqual(['0:iter', '1:stock-export/m', '2:stock-export/v']);
    // The moments are still the optimizer's: another step uses them (a disposed moment would throw here).
    stock.applyGradients([{ name: 'stock-export', tensor: tf.tensor1d([0.5, -0.5]) }]);
    expect((await exportAdamSlots(stock))[0].data[0]).toBe(2);
    v.dispose();
    stock.dispose();
  });
});
