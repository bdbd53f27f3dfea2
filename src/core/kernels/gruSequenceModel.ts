// CharGru.forwardSequence on WebGPU: the same graph as the stock path (one-hot embedding → input projection →
// GRU recurrence → logits and value heads), with every piece whose tfjs gradient is slow on a software GPU replaced:
// the recurrence by the fused forward/BPTT kernels (gruSequence.ts) and the weight gradients of the dense layers
// (a long reduction over all B·T positions) by one weight-gradient kernel each (gruSequenceWeightGradient.ts).
// The forward values are plain tfjs matmuls, so they equal the stock path's to rounding.
import * as tf from '@tensorflow/tfjs';
import type { GruSize, GruWeights } from '../models/charGru';
import { gruSequence, gruSequenceSupports } from './gruSequence';
import { weightGradient } from './gruSequenceWeightGradient';

/** y = x·W + b at N positions; dL/dx = dy·Wᵀ, dL/dW and dL/db from our kernel. */
const dense = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b] = args as tf.Tensor2D[];
  const save = args[3] as tf.GradSaveFunc;
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [xs, ws]: tf.Tensor[]) => {
      const g = dy as tf.Tensor2D;
      const { kernel, bias } = weightGradient(xs as tf.Tensor2D, g);
      return [tf.matMul(g, ws, false, true), kernel, bias];
    },
  };
});

/**
 * Rows of the embedding table picked by one-hot rows (as the stock path: a matmul, so the gradient is a sum over
 * positions). The one-hot input is a constant built from integer tokens: its gradient is reported as zero.
 */
const embedOneHot = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [oneHot, table] = args as tf.Tensor2D[];
  const save = args[2] as tf.GradSaveFunc;
  save([oneHot]);
  return {
    value: tf.matMul(oneHot, table),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [x]: tf.Tensor[]) => {
      const { kernel, bias } = weightGradient(x as tf.Tensor2D, dy as tf.Tensor2D);
      bias.dispose();
      return [tf.zerosLike(x), kernel];
    },
  };
});

export function fusedForwardSequenceSupports(size: GruSize, batch: number): boolean {
  return gruSequenceSupports(size.hidden, batch);
}

/** Logits [B, T, V] and values [B, T] for inputs [B, T] int32, exactly the equations of CharGru.forwardSequence. */
export function fusedForwardSequence(w: GruWeights, size: GruSize, inputs: tf.Tensor2D): { logits: tf.Tensor3D; values: tf.Tensor2D } {
  const [B, T] = inputs.shape;
  const { vocab: V, hidden: H } = size;
  const oneHot = tf.oneHot(tf.reshape(inputs, [B * T]) as tf.Tensor1D, V, 1, 0, 'float32');
  const embedded = embedOneHot(oneHot, w.embedding) as tf.Tensor2D;
  const projections = tf.reshape(dense(embedded, w.inputKernel, w.inputBias), [B, T, 3 * H]) as tf.Tensor3D;
  const flat = tf.reshape(gruSequence(projections, w.recurrentKernel as tf.Tensor2D, w.recurrentBias as tf.Tensor1D), [B * T, H]) as tf.Tensor2D;
  const logits = tf.reshape(dense(flat, w.logitsKernel, w.logitsBias), [B, T, V]) as tf.Tensor3D;
  const values = tf.reshape(dense(flat, w.valueKernel, w.valueBias), [B, T]) as tf.Tensor2D;
  return { logits, values };
}
