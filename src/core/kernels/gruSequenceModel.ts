// CharGru.forwardSequence on WebGPU: the same equations as the stock path (embedding → input projection →
// GRU recurrence → logits and value heads), with every piece whose tfjs gradient is slow on a software GPU replaced:
// the recurrence by the fused forward/BPTT kernels (gruSequence.ts), the embedding and input projection by a
// lookup in the [V, 3H] table E·W_x, and the weight gradients (long reductions over all B·T positions) by one
// weight-gradient kernel each (gruSequenceWeightGradient.ts), and its matmuls are our one-pipeline kernel (matMul.ts).
// Values equal the stock path's to rounding.
import * as tf from '@tensorflow/tfjs';
import type { GruSize, GruWeights } from '../models/charGru';
import { gruSequence, gruSequenceSupports } from './gruSequence';
import { weightGradient } from './gruSequenceWeightGradient';
import { matMul } from './matMul';

/** y = x·W + b at N positions; dL/dx = dy·Wᵀ, dL/dW and dL/db from our kernel. */
const dense = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b] = args as tf.Tensor2D[];
  const save = args[3] as tf.GradSaveFunc;
  save([x, w]);
  return {
    value: matMul(x, w, false, false, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [xs, ws]: tf.Tensor[]) => {
      const g = dy as tf.Tensor2D;
      const { kernel, bias } = weightGradient(xs as tf.Tensor2D, g);
      return [matMul(g, ws as tf.Tensor2D, false, true), kernel, bias];
    },
  };
});

/**
 * Input projections E[x_n]·W_x + b_x for N tokens [N] int32, as rows of the [V, 3H] table E·W_x: the same values as
 * the stock path's one-hot·E·W_x + b_x, without the two [N, ·] matmuls. Backward: dL/dTable = one-hotᵀ·dy and
 * dL/db_x = Σ dy (one weight-gradient kernel), then dL/dE = dTable·W_xᵀ and dL/dW_x = Eᵀ·dTable, both tiny.
 * The tokens are closed over rather than passed in: integer inputs have no gradient.
 */
function projectTokens(tokens: tf.Tensor1D, vocab: number, embedding: tf.Tensor, inputKernel: tf.Tensor, inputBias: tf.Tensor): tf.Tensor2D {
  const project = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [table, kernel, bias] = args as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    save([table, kernel]);
    return {
      value: tf.add(tf.gather(matMul(table, kernel), tokens), bias),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [e, w]: tf.Tensor[]) => {
        const oneHot = tf.oneHot(tokens, vocab, 1, 0, 'float32') as tf.Tensor2D;
        const { kernel: gradTable, bias: gradBias } = weightGradient(oneHot, dy as tf.Tensor2D);
        return [matMul(gradTable, w as tf.Tensor2D, false, true), matMul(e as tf.Tensor2D, gradTable, true, false), gradBias];
      },
    };
  });
  return project(embedding, inputKernel, inputBias) as tf.Tensor2D;
}

export function fusedForwardSequenceSupports(size: GruSize, batch: number): boolean {
  return gruSequenceSupports(size.hidden, batch);
}

/** Logits [B, T, V] and values [B, T] for inputs [B, T] int32, exactly the equations of CharGru.forwardSequence. */
export function fusedForwardSequence(w: GruWeights, size: GruSize, inputs: tf.Tensor2D): { logits: tf.Tensor3D; values: tf.Tensor2D } {
  const [B, T] = inputs.shape;
  const { vocab: V, hidden: H } = size;
  const tokens = tf.reshape(inputs, [B * T]) as tf.Tensor1D;
  const projections = tf.reshape(projectTokens(tokens, V, w.embedding, w.inputKernel, w.inputBias), [B, T, 3 * H]) as tf.Tensor3D;
  const flat = tf.reshape(gruSequence(projections, w.recurrentKernel as tf.Tensor2D, w.recurrentBias as tf.Tensor1D), [B * T, H]) as tf.Tensor2D;
  const logits = tf.reshape(dense(flat, w.logitsKernel, w.logitsBias), [B, T, V]) as tf.Tensor3D;
  const values = tf.reshape(dense(flat, w.valueKernel, w.valueBias), [B, T]) as tf.Tensor2D;
  return { logits, values };
}
