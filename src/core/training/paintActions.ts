// The painter's two action distributions over one stroke, on top of the policy head (models/painterPolicy.ts):
//
// Categorical (discrete space): independent heads (start, control, end cells, width, colour, draw) side by side in the
//   policy head. For sampling they are laid out as rows of one padded matrix [N·heads, M] (padding = −∞, which the
//   sampler excludes), so one call of our WGSL sampler draws every head of every canvas.
//   log π(a|s) = Σ_heads log softmax(z_head)[a_head];   H = Σ_heads H(softmax(z_head)).
// Gaussian (continuous space): u ~ N(μ_θ(s), σ_θ²) per dimension, the stroke is the squashed u (tasks/paint/strokes.ts).
//   log π(u|s) = Σ_d −½((u_d − μ_d)/σ_d)² − log σ_d − ½ log 2π;   H = Σ_d log σ_d + ½ log 2πe.
//   The squash is a fixed function of u, so its Jacobian does not depend on θ and leaves the policy gradient unchanged.
import * as tf from '@tensorflow/tfjs';
import { sampleCategorical } from '../kernels';
import { Rng } from '../rng';
import {
  continuousDims,
  decodeContinuousTensor,
  decodeDiscreteTensor,
  discreteHeads,
  type StrokeSpace,
} from '../tasks/paint/strokes';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Width of the policy head for a stroke space. */
export function actionWidth(space: StrokeSpace): number {
  return space.kind === 'discrete' ? discreteHeads(space).reduce((a, h) => a + h.size, 0) : continuousDims(space);
}

/** Columns per stored action: one int per head, or one float per Gaussian dimension. */
export function actionColumns(space: StrokeSpace): number {
  return space.kind === 'discrete' ? discreteHeads(space).length : continuousDims(space);
}

export type SampledActions = {
  /** int32 [N, heads] or float32 [N, D]. */
  actions: tf.Tensor2D;
  /** float32 [N, STROKE_PARAMS]: what the raster kernel draws. */
  strokes: tf.Tensor2D;
  logProbs: tf.Tensor1D;
  entropy: tf.Tensor1D;
};

export interface SampleKey {
  seed: number;
  /** Unique per (update, step): the sampler's counter, and the Gaussian noise's stream. */
  counter: number;
}

/** Draws one stroke per row from the policy head [N, actionWidth]. No gradient, no readback on WebGPU. */
export function sampleActions(space: StrokeSpace, head: tf.Tensor2D, logStd: tf.Tensor1D | null, key: SampleKey): SampledActions {
  if (space.kind === 'discrete') {
    const heads = discreteHeads(space);
    const N = head.shape[0];
    const widest = Math.max(...heads.map((h) => h.size));
    const padded = tf.tidy(() => {
      const blocks = tf.split(head, heads.map((h) => h.size), 1).map((z, k) =>
        heads[k].size < widest ? tf.concat([z, tf.fill([N, widest - heads[k].size], -Infinity)], 1) : z,
      );
      return tf.reshape(tf.stack(blocks, 1), [N * heads.length, widest]) as tf.Tensor2D;
    });
    const drawn = sampleCategorical(padded, { temperature: 1, seed: key.seed, counter: key.counter });
    padded.dispose();
    return tf.tidy(() => {
      const actions = tf.reshape(drawn.tokens, [N, heads.length]) as tf.Tensor2D;
      const out = {
        actions,
        strokes: decodeDiscreteTensor(space, actions),
        logProbs: tf.sum(tf.reshape(drawn.logProbs, [N, heads.length]), 1) as tf.Tensor1D,
        entropy: tf.sum(tf.reshape(drawn.entropy, [N, heads.length]), 1) as tf.Tensor1D,
      };
      tf.dispose([drawn.tokens, drawn.logProbs, drawn.entropy]);
      return out;
    });
  }
  if (!logStd) throw new Error('A continuous stroke space needs the policy’s log σ');
  const [N, D] = head.shape;
  // Noise from our seeded generator: the same on every backend, and a resumed run draws what the original would have.
  const rng = new Rng(key.seed ^ Math.imul(key.counter + 1, 0x9e3779b1)).split('paint-gaussian');
  const noise = Float32Array.from({ length: N * D }, () => rng.normal());
  return tf.tidy(() => {
    const eps = tf.tensor2d(noise, [N, D]);
    const u = tf.add(head, tf.mul(eps, tf.exp(logStd))) as tf.Tensor2D;
    const logProbs = tf.sum(tf.sub(tf.mul(-0.5, tf.square(eps)), tf.add(logStd, HALF_LOG_2PI)), 1) as tf.Tensor1D;
    return { actions: u, strokes: decodeContinuousTensor(space, u), logProbs, entropy: gaussianEntropy(logStd, N) };
  });
}

function gaussianEntropy(logStd: tf.Tensor1D, N: number): tf.Tensor1D {
  return tf.broadcastTo(tf.sum(tf.add(logStd, HALF_LOG_2PI + 0.5)), [N]) as tf.Tensor1D;
}

/**
 * log π(a|s) and H(π(·|s)) of given actions under the policy head [N, actionWidth]: differentiable (used on the tape).
 * Uses one-hot products rather than gather, whose gradient the WASM backend lacks.
 */
export function actionLogProbs(space: StrokeSpace, head: tf.Tensor2D, logStd: tf.Tensor1D | null, actions: tf.Tensor2D): { logProbs: tf.Tensor1D; entropy: tf.Tensor1D } {
  if (space.kind === 'discrete') {
    const heads = discreteHeads(space);
    const blocks = tf.split(head, heads.map((h) => h.size), 1);
    const columns = tf.split(tf.cast(actions, 'int32'), heads.length, 1);
    const logProbs: tf.Tensor1D[] = [];
    const entropy: tf.Tensor1D[] = [];
    blocks.forEach((z, k) => {
      const logP = tf.logSoftmax(z);
      const picked = tf.oneHot(tf.reshape(columns[k], [-1]) as tf.Tensor1D, heads[k].size);
      logProbs.push(tf.sum(tf.mul(logP, picked), 1) as tf.Tensor1D);
      entropy.push(tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 1)) as tf.Tensor1D);
    });
    return { logProbs: tf.addN(logProbs) as tf.Tensor1D, entropy: tf.addN(entropy) as tf.Tensor1D };
  }
  if (!logStd) throw new Error('A continuous stroke space needs the policy’s log σ');
  const z = tf.div(tf.sub(actions, head), tf.exp(logStd));
  const logProbs = tf.sum(tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, HALF_LOG_2PI)), 1) as tf.Tensor1D;
  return { logProbs, entropy: gaussianEntropy(logStd, head.shape[0]) };
}
