// The stock (non-WebGPU) sequence path is arranged for speed on WASM: per-step one-hot rows times a table of input
// projections, per-step heads, and `linear`, whose backward pass on WASM avoids transposed matmuls. These tests pin it to
// the plain equations on the CPU backend (test/browser/char-gru-stock-path.test.ts does the same on WASM and WebGPU).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { linearWithPlainProducts } from '../../src/core/models/linear';
import { Rng } from '../../src/core/rng';
import { expectStockPathMatchesReference, maxAbsDiff } from '../helpers/charGruReference';

const rng = new Rng(7);
const random = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('linear (its WASM form, with a backward pass of plain products)', () => {
  it('equals tf.matMul in value and in both gradients', async () => {
    const x = random([5, 7]);
    const w = random([7, 3]);
    const upstream = random([5, 3]);
    const loss = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), upstream));
    const ours = tf.valueAndGrads(loss(linearWithPlainProducts))([x, w]);
    const stock = tf.valueAndGrads(loss((a, b) => tf.matMul(a, b)))([x, w]);
    expect(await maxAbsDiff(linearWithPlainProducts(x as tf.Tensor2D, w as tf.Tensor2D), tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D))).toBe(0);
    expect(await maxAbsDiff(ours.grads[0], stock.grads[0])).toBeLessThan(1e-5);
    expect(await maxAbsDiff(ours.grads[1], stock.grads[1])).toBeLessThan(1e-5);
    // A gradient that vanished or doubled would still be "close" to nothing: check it is the real thing.
    expect(await maxAbsDiff(stock.grads[1], tf.zerosLike(stock.grads[1]))).toBeGreaterThan(0.1);
  });
});

describe('CharGru stock sequence path', () => {
  it('gives the logits, values and weight gradients of the plain equations', async () => {
    await expectStockPathMatchesReference(3);
  });
});
