// CharGru's teacher-forced pass (and its cell, shared with the training suite's naive rollout) written the way a tfjs
// user would write it, straight from the equations: one input projection for all steps cut into steps with
// tf.unstack, per-step GRU cells, the states stacked back for one logits matmul, stock tf.matMul (autodiff's transposed
// products in the backward pass). It is the `naive` side of bench/suites/wasm.ts and the reference that
// test/helpers/charGruReference.ts holds the model's stock path to.
import * as tf from '@tensorflow/tfjs';
import type { GruWeights } from '../../src/core/models/charGru';

export function naiveForwardSequence(w: GruWeights, inputs: tf.Tensor2D, size: { vocab: number; hidden: number }) {
  const [B, T] = inputs.shape;
  const H = size.hidden;
  // Cast: tfjs-wasm's OneHot ignores its dtype argument.
  const oneHot = tf.cast(tf.oneHot(tf.reshape(inputs, [B * T]) as tf.Tensor1D, size.vocab), 'float32') as tf.Tensor2D;
  const embedded = tf.matMul(oneHot, w.embedding);
  const projections = tf.reshape(tf.add(tf.matMul(embedded, w.inputKernel), w.inputBias), [B, T, 3 * H]);
  let h: tf.Tensor2D = tf.zeros([B, H]);
  const states: tf.Tensor2D[] = [];
  for (const x of tf.unstack(projections, 1) as tf.Tensor2D[]) {
    h = naiveGruCell(w, x, h);
    states.push(h);
  }
  const flat = tf.reshape(tf.stack(states, 1), [B * T, H]);
  return {
    logits: tf.reshape(tf.add(tf.matMul(flat, w.logitsKernel), w.logitsBias), [B, T, size.vocab]) as tf.Tensor3D,
    values: tf.reshape(tf.add(tf.matMul(flat, w.valueKernel), w.valueBias), [B, T]) as tf.Tensor2D,
  };
}

/** One GRU step with stock ops (CharGru.step's equations), from the step's input projection x·W_x + b_x. */
export function naiveGruCell(w: GruWeights, x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const rec = tf.add(tf.matMul(h, w.recurrentKernel), w.recurrentBias);
  const [xr, xz, xn] = tf.split(x, 3, 1);
  const [hr, hz, hn] = tf.split(rec, 3, 1);
  const r = tf.sigmoid(tf.add(xr, hr));
  const z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
}
