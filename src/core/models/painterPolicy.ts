// The stroke painter's policy: a small convolutional net on (canvas, target, step) with a policy head and a value head.
//
//   input  x = [canvas | target | t/K]          [N, S, S, 7]   (S = canvas side, 32 or 64)
//   patch layers: non-overlapping p×p patches → matmul → ReLU   S → S/4 (p = 4, 32 ch), then S/8, ... (p = 2, 64 ch) until 4×4
//   dense  h = ReLU(flatten · W_h + b_h)          [N, hidden]
//   policy head  h · W_π + b_π                    categorical logits (all heads side by side) or Gaussian means
//   value head   V(s) = h · W_v + b_v             [N]
//
// Why patch layers rather than tf.conv2d: tfjs's WASM backend has no Conv2DBackpropFilter kernel, so a conv net could
// not be trained there; a non-overlapping patch layer (stride = kernel, as in ViT/ConvNeXt stems) is a reshape, a
// transpose and one matmul, whose gradients exist on every backend, and it costs 3–4 dispatches per layer, which is what
// matters on SwiftShader. The dense layer keeps where things are, which the grid heads need. Every matmul is `linear`
// (linear.ts): on WASM its backward pass avoids transposed products, which halved the painter learning test's time there.
//
// Continuous actions: the Gaussian's log σ is a state-independent vector (as in CleanRL's continuous PPO), initialised
// to −1 (σ ≈ 0.37). Measured on the circle (seed 3, A2C): with σ = 1 the squashed strokes spread over the whole canvas,
// random colours made every stroke costly, and the policy first learned to paint white (distance ratio 1.00 until
// update 60, 0.75 at update 150); with σ ≈ 0.37 it was at 0.37 by update 150, though not steadily.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import { linear } from './linear';

export interface PainterSize {
  /** Canvas side S in pixels (32 or 64). */
  canvas: number;
  /** Policy-head width: the total number of categorical logits, or the Gaussian's dimension. */
  actions: number;
  /** Whether the head is a Gaussian mean (adds the log σ vector). */
  gaussian: boolean;
  hidden: number;
}

export const INPUT_CHANNELS = 7;
/** log σ of the Gaussian head at initialisation. */
export const INITIAL_LOG_STD = -1;
/** The side the patch layers reduce the canvas to before the dense layer. */
const FINAL_SIDE = 4;

/** Patch size and output channels of each patch layer for a canvas side. */
export function patchLayers(canvas: number): { patch: number; channels: number }[] {
  if (!Number.isInteger(canvas) || canvas < 16 || canvas % 16 !== 0 || !Number.isInteger(Math.log2(canvas / 4))) {
    throw new Error(`The painter's canvas side must be a power of two from 16 up, got ${canvas}`);
  }
  const layers = [{ patch: 4, channels: 32 }];
  for (let side = canvas / 4; side > FINAL_SIDE; side /= 2) layers.push({ patch: 2, channels: 64 });
  return layers;
}

/** Every weight's name and shape, in a fixed order (checkpoints and the optimiser's slots rely on it). */
export function painterWeightShapes(size: PainterSize): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  let channels = INPUT_CHANNELS;
  patchLayers(size.canvas).forEach(({ patch, channels: out }, i) => {
    shapes[`patch${i}Kernel`] = [patch * patch * channels, out];
    shapes[`patch${i}Bias`] = [out];
    channels = out;
  });
  shapes.denseKernel = [FINAL_SIDE * FINAL_SIDE * channels, size.hidden];
  shapes.denseBias = [size.hidden];
  shapes.policyKernel = [size.hidden, size.actions];
  shapes.policyBias = [size.actions];
  if (size.gaussian) shapes.logStd = [size.actions];
  shapes.valueKernel = [size.hidden, 1];
  shapes.valueBias = [1];
  return shapes;
}

let suffix = 0;

/** [N, side, side, C] → [N, out, p, out, p, C] → [N, out, out, p, p, C] → one row of p·p·C per p×p patch. */
function toPatches(x: tf.Tensor4D, patch: number): tf.Tensor2D {
  const [N, side, , channels] = x.shape;
  const out = side / patch;
  return tf.reshape(tf.transpose(tf.reshape(x, [N, out, patch, out, patch, channels]), [0, 1, 3, 2, 4, 5]), [N * out * out, patch * patch * channels]);
}

export class PainterPolicy {
  private constructor(
    readonly size: PainterSize,
    readonly weights: Record<string, tf.Variable>,
  ) {}

  /**
   * He-uniform matrices for the ReLU layers, zero biases, and a policy head scaled by 0.01 so the first policy is close
   * to uniform (categorical) or centred (Gaussian): exploration starts wide. Drawn from our own seeded generator, so
   * identical on every backend. The value head starts at 0 (an untrained critic would bias GAE).
   */
  static init(size: PainterSize, seed: number, trainable = true, prefix = 'painter'): PainterPolicy {
    const rng = new Rng(seed).split('painter-init');
    const values: Record<string, Float32Array> = {};
    for (const [name, shape] of Object.entries(painterWeightShapes(size))) {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      if (shape.length === 2 && name !== 'valueKernel') {
        const scale = name === 'policyKernel' ? 0.01 : 1;
        const limit = scale * Math.sqrt(6 / shape[0]);
        for (let i = 0; i < count; i++) data[i] = (rng.float() * 2 - 1) * limit;
      }
      if (name === 'logStd') data.fill(INITIAL_LOG_STD);
      values[name] = data;
    }
    return PainterPolicy.fromValues(size, values, trainable, prefix);
  }

  static fromValues(size: PainterSize, values: Record<string, Float32Array>, trainable: boolean, prefix: string): PainterPolicy {
    const weights: Record<string, tf.Variable> = {};
    for (const [name, shape] of Object.entries(painterWeightShapes(size))) {
      const data = values[name];
      const expected = shape.reduce((a, b) => a * b, 1);
      if (!data || data.length !== expected) throw new Error(`Painter weight "${name}" has ${data?.length ?? 0} values; expected ${expected}`);
      // In a tidy, so the initial tensor is released and only the variable holds the data.
      weights[name] = tf.tidy(() => tf.variable(tf.tensor(data, shape), trainable, `${prefix}/${name}/${suffix++}`));
    }
    return new PainterPolicy(size, weights);
  }

  get names(): string[] {
    return Object.keys(painterWeightShapes(this.size));
  }

  variables(): tf.Variable[] {
    return this.names.map((n) => this.weights[n]);
  }

  /** A frozen copy (the KL penalty's reference policy). */
  frozenCopy(prefix = 'painter-prior'): PainterPolicy {
    const weights = Object.fromEntries(this.names.map((n) => [n, tf.tidy(() => tf.variable(this.weights[n].clone(), false, `${prefix}/${n}/${suffix++}`))]));
    return new PainterPolicy(this.size, weights);
  }

  async readValues(): Promise<Record<string, Float32Array>> {
    const entries = await Promise.all(this.names.map(async (n) => [n, Float32Array.from(await this.weights[n].data())] as const));
    return Object.fromEntries(entries);
  }

  assign(values: Record<string, Float32Array>): void {
    const shapes = painterWeightShapes(this.size);
    tf.tidy(() => {
      for (const n of this.names) this.weights[n].assign(tf.tensor(values[n], shapes[n]));
    });
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }

  /**
   * canvases [N, S, S, 3], target [S, S, 3] (the same for every row), progress [N] = t / K.
   * Returns the policy head [N, actions] (logits or Gaussian means) and V(s) [N]. Differentiable.
   */
  forward(canvases: tf.Tensor4D, target: tf.Tensor3D, progress: tf.Tensor1D): { head: tf.Tensor2D; value: tf.Tensor1D } {
    const [N, S] = canvases.shape;
    if (S !== this.size.canvas) throw new Error(`canvases are ${S}×${S}; the policy was built for ${this.size.canvas}×${this.size.canvas}`);
    const layers = patchLayers(S);
    let x = this.firstLayer(canvases, target, progress, layers[0]);
    layers.slice(1).forEach(({ patch }, k) => {
      const y = tf.relu(tf.add(linear(toPatches(x, patch), this.weights[`patch${k + 1}Kernel`] as tf.Tensor2D), this.weights[`patch${k + 1}Bias`]));
      x = tf.reshape(y, [N, x.shape[1] / patch, x.shape[1] / patch, -1]);
    });
    const h = tf.relu(tf.add(linear(tf.reshape(x, [N, -1]) as tf.Tensor2D, this.weights.denseKernel as tf.Tensor2D), this.weights.denseBias)) as tf.Tensor2D;
    const head = tf.add(linear(h, this.weights.policyKernel as tf.Tensor2D), this.weights.policyBias) as tf.Tensor2D;
    const value = tf.reshape(tf.add(linear(h, this.weights.valueKernel as tf.Tensor2D), this.weights.valueBias), [N]) as tf.Tensor1D;
    return { head, value };
  }

  /**
   * The first patch layer on [canvas | target | t/K] without building that 7-channel input: its kernel rows are in
   * (row, column, channel) order, so it splits into a canvas part, a target part and a step part, and
   *   patches([c | g | t]) · W = patches(c) · W_c + patches(g) · W_g + t · Σ_{row, column} W_t.
   * The target term is computed once (one image, not N), and the step term is one scalar per row: the big transpose and
   * matmul see 3 channels instead of 7. Same weights and results as the concatenated input.
   */
  private firstLayer(canvases: tf.Tensor4D, target: tf.Tensor3D, progress: tf.Tensor1D, { patch, channels: out }: { patch: number; channels: number }): tf.Tensor4D {
    const [N, S] = canvases.shape;
    const side = S / patch;
    const kernel = tf.reshape(this.weights.patch0Kernel, [patch * patch, INPUT_CHANNELS, out]);
    const part = (from: number, size: number) => tf.reshape(tf.slice(kernel, [0, from, 0], [-1, size, -1]), [patch * patch * size, out]) as tf.Tensor2D;
    const fromCanvas = tf.reshape(linear(toPatches(canvases, patch), part(0, 3)), [N, side, side, out]);
    const fromTarget = tf.reshape(linear(toPatches(tf.reshape(target, [1, S, S, 3]) as tf.Tensor4D, patch), part(3, 3)), [1, side, side, out]);
    const fromStep = tf.mul(tf.reshape(progress, [N, 1, 1, 1]), tf.sum(part(6, 1), 0));
    return tf.relu(tf.add(tf.add(fromCanvas, fromTarget), tf.add(fromStep, this.weights.patch0Bias))) as tf.Tensor4D;
  }

  /** log σ of the Gaussian head [actions] (continuous actions only). */
  get logStd(): tf.Tensor1D {
    const v = this.weights.logStd;
    if (!v) throw new Error('This painter policy has a categorical head: it has no log σ');
    return v as tf.Variable<tf.Rank.R1>;
  }
}
