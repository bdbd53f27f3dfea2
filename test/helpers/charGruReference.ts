// A check that CharGru's own stock (non-fused) path gives the values and weight gradients of the GRU written
// straight from its equations with stock tfjs ops and autodiff (bench/naive/gruSequence.ts). Used on CPU (unit) and on
// WASM and WebGPU (browser), because backends differ in their kernels (tfjs-wasm's OneHot ignores its dtype).
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { naiveForwardSequence } from '../../bench/naive/gruSequence';
import { CharGru, WEIGHT_NAMES } from '../../src/core/models/charGru';
import { Rng } from '../../src/core/rng';

/** max |a − b|, read asynchronously (WebGPU's synchronous read is not dependable in headless Chromium). */
export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const [value] = await diff.data();
  diff.dispose();
  return value;
}

/**
 * Asserts that CharGru's stock sequence path equals the reference in logits, values and the gradient of every weight
 * (each gradient also checked to be far from zero, so a vanished one cannot pass).
 */
export async function expectStockPathMatchesReference(seed: number): Promise<void> {
  const rng = new Rng(seed);
  const random = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
  const size = { vocab: 6, embedding: 4, hidden: 5 };
  const B = 3;
  const T = 7;
  const model = CharGru.init(size, seed);
  // Random heads and biases, so no gradient is trivially zero.
  model.weights.valueKernel.assign(random([size.hidden, 1]));
  model.weights.recurrentBias.assign(random([3 * size.hidden]));
  model.weights.inputBias.assign(random([3 * size.hidden]));
  const inputs = tf.tensor2d(Array.from({ length: B * T }, () => rng.int(size.vocab)), [B, T], 'int32');
  const logitWeights = random([B, T, size.vocab]);
  const valueWeights = random([B, T]);
  const scalar = (out: { logits: tf.Tensor; values: tf.Tensor }) =>
    tf.add(tf.sum(tf.mul(out.logits, logitWeights)), tf.sum(tf.mul(out.values, valueWeights))) as tf.Scalar;

  const ours = model.forwardSequence(inputs, { fused: false });
  const reference = naiveForwardSequence(model.weights, inputs, size);
  expect(await maxAbsDiff(reference.logits, tf.zerosLike(reference.logits)), 'reference logits are not zero').toBeGreaterThan(0.1);
  expect(await maxAbsDiff(ours.logits, reference.logits)).toBeLessThan(1e-5);
  expect(await maxAbsDiff(ours.values, reference.values)).toBeLessThan(1e-5);

  const variables = model.variables();
  const oursGrads = tf.variableGrads(() => scalar(model.forwardSequence(inputs, { fused: false })), variables).grads;
  const referenceGrads = tf.variableGrads(() => scalar(naiveForwardSequence(model.weights, inputs, size)), variables).grads;
  for (const name of WEIGHT_NAMES) {
    const key = model.weights[name].name;
    expect(await maxAbsDiff(oursGrads[key], referenceGrads[key]), name).toBeLessThan(1e-4);
    expect(await maxAbsDiff(referenceGrads[key], tf.zerosLike(referenceGrads[key])), `${name} gradient is not zero`).toBeGreaterThan(1e-3);
  }
  tf.dispose([ours, reference, inputs, logitWeights, valueWeights, oursGrads, referenceGrads]);
  model.dispose();
}
