// x·W for the models' dense layers. Backprop through x·W needs dy·Wᵀ and xᵀ·dy, and tfjs's WASM backend runs matmuls
// with a transposed operand 8–12× slower than an explicit transpose followed by a plain product (measured at the
// molecules prior's size: [128,768]·[256,768]ᵀ 13 ms against 2.1 ms). On WASM, `linear` is therefore x·W under a
// custom gradient built from plain products. Other backends multiply transposed operands natively (on WebGPU an
// explicit transpose would only add dispatches), so there it is tf.matMul. Forward values are tf.matMul's everywhere.
import * as tf from '@tensorflow/tfjs';

// customGrad passes the tensors, then the save function; what the backward pass reads is saved, not captured.
const withPlainProducts = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w] = args as [tf.Tensor2D, tf.Tensor2D];
  (args[2] as tf.GradSaveFunc)([x, w]);
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], [savedX, savedW]: tf.Tensor[]) => [
    tf.matMul(dy as tf.Tensor2D, tf.transpose(savedW as tf.Tensor2D)),
    tf.matMul(tf.transpose(savedX as tf.Tensor2D), dy as tf.Tensor2D),
  ];
  return { value: tf.matMul(x, w), gradFunc };
});

/** x [N, K] · w [K, M] → [N, M], with the backward pass that suits the current backend. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === 'wasm' ? linearWithPlainProducts(x, w) : tf.matMul(x, w);
}

/** The WASM form on any backend (exported for the tests that pair it with tf.matMul). */
export function linearWithPlainProducts(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return withPlainProducts(x, w) as tf.Tensor2D;
}
