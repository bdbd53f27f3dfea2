// x·W whose backward pass multiplies only untransposed operands. Backprop through x·W needs dy·Wᵀ and xᵀ·dy, and
// tfjs's WASM backend runs matmuls with a transposed operand 8–12× slower than an explicit transpose followed by a
// plain product (measured at the molecules prior's size: [128,768]·[256,768]ᵀ 13 ms against 2.1 ms). Forward values
// are tf.matMul's, so results are unchanged on every backend.
import * as tf from '@tensorflow/tfjs';

// customGrad passes the tensors, then the save function; what the backward pass reads is saved, not captured.
const linearOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w] = args as [tf.Tensor2D, tf.Tensor2D];
  (args[2] as tf.GradSaveFunc)([x, w]);
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], [savedX, savedW]: tf.Tensor[]) => [
    tf.matMul(dy as tf.Tensor2D, tf.transpose(savedW as tf.Tensor2D)),
    tf.matMul(tf.transpose(savedX as tf.Tensor2D), dy as tf.Tensor2D),
  ];
  return { value: tf.matMul(x, w), gradFunc };
});

/** x [N, K] · w [K, M] → [N, M]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return linearOp(x, w) as tf.Tensor2D;
}
