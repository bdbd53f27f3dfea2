// The global L2 norm of a set of gradients, √(Σ_v ‖g_v‖²): what clipping scales by (Pascanu et al. 2013) and what the
// NaN guard reads back. The per-variable sums are stacked and summed rather than passed to tf.addN: on WebGPU, addN
// binds every input to one shader, and past 7 inputs that exceeds the default limit of 8 storage buffers per stage
// (the painter has 10–12 variables, the GRU 9). The pipeline is then invalid and the whole command buffer it was
// recorded in is dropped, other programs included. tf.stack splits its inputs to fit the limit.
import * as tf from '@tensorflow/tfjs';

export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.stack(Object.values(grads).map((g) => tf.sum(tf.square(g)))))) as tf.Scalar);
}
