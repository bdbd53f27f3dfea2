// The painter's policy as a tfjs user would write it, for the painter suite's naive side: the 7-channel input
// [canvas | target | t/K] built with concat, each patch layer a tf.conv2d with stride = kernel size, then the same
// dense layer and heads. It computes the same function as src/core/models/painterPolicy.ts from the same weights
// (a patch-layer kernel [p·p·C, out] in (row, column, channel) order is a conv filter [p, p, C, out]), so both sides
// of the benchmark start from one policy; the suite checks the two heads agree before timing anything.
import * as tf from '@tensorflow/tfjs';
import { patchLayers, painterWeightShapes, type PainterSize } from '../../src/core/models/painterPolicy';

export class NaivePainterPolicy {
  private constructor(
    private readonly size: PainterSize,
    private readonly weights: Record<string, tf.Variable>,
  ) {}

  /** A trainable copy of the policy's weights, patch kernels reshaped to conv filters. */
  static fromValues(size: PainterSize, values: Record<string, Float32Array>): NaivePainterPolicy {
    const shapes = painterWeightShapes(size);
    let inChannels = 7;
    const filterShapes: Record<string, number[]> = {};
    patchLayers(size.canvas).forEach(({ patch, channels }, i) => {
      filterShapes[`patch${i}Kernel`] = [patch, patch, inChannels, channels];
      inChannels = channels;
    });
    const weights = Object.fromEntries(
      Object.keys(shapes).map((name) => [name, tf.tidy(() => tf.variable(tf.tensor(values[name], filterShapes[name] ?? shapes[name]), true, `bench-naive-painter/${name}`))]),
    );
    return new NaivePainterPolicy(size, weights);
  }

  variables(): tf.Variable[] {
    return Object.values(this.weights);
  }

  dispose(): void {
    tf.dispose(this.variables());
  }

  /** canvases [N, S, S, 3], target [S, S, 3], progress [N] = t / K → policy head [N, actions] and V(s) [N]. */
  forward(canvases: tf.Tensor4D, target: tf.Tensor3D, progress: tf.Tensor1D): { head: tf.Tensor2D; value: tf.Tensor1D } {
    const [N, S] = canvases.shape;
    const w = this.weights;
    const targets = tf.tile(tf.reshape(target, [1, S, S, 3]), [N, 1, 1, 1]);
    const steps = tf.mul(tf.ones([N, S, S, 1]), tf.reshape(progress, [N, 1, 1, 1]));
    let x = tf.concat([canvases, targets, steps], 3) as tf.Tensor4D;
    patchLayers(this.size.canvas).forEach(({ patch }, i) => {
      x = tf.relu(tf.add(tf.conv2d(x, w[`patch${i}Kernel`] as tf.Tensor4D, patch, 'valid'), w[`patch${i}Bias`])) as tf.Tensor4D;
    });
    const h = tf.relu(tf.add(tf.matMul(tf.reshape(x, [N, -1]), w.denseKernel), w.denseBias));
    const head = tf.add(tf.matMul(h, w.policyKernel), w.policyBias) as tf.Tensor2D;
    const value = tf.reshape(tf.add(tf.matMul(h, w.valueKernel), w.valueBias), [N]) as tf.Tensor1D;
    return { head, value };
  }
}
