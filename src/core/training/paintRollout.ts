// One batch of painting episodes on the device: K steps of (policy forward → sample a stroke → rasterise it → measure
// the distance to the target). Nothing is read back inside the episode on WebGPU: the raster kernel, the sampler and
// the distances all stay on the GPU, and the trainer reads the distances once at the end.
import * as tf from '@tensorflow/tfjs';
import { canvasDistance, rasterStrokes } from '../kernels/rasterStrokes';
import type { PainterPolicy } from '../models/painterPolicy';
import { blankCanvases } from '../tasks/paint/episode';
import type { StrokeSpace } from '../tasks/paint/strokes';
import { sampleActions } from './paintActions';

export type PaintRollout = {
  /** The canvas each stroke was drawn on, step-major: row t·B + b is episode b before stroke t. [K·B, S, S, 3] */
  states: tf.Tensor4D;
  /** t / K for each row of states. [K·B] */
  progress: tf.Tensor1D;
  /** The sampled actions, step-major like states. [K·B, columns] */
  actions: tf.Tensor2D;
  /** log π_old(a_t|s_t), V_old(s_t) and the policy's entropy per step, episode-major. [B, K] */
  logProbs: tf.Tensor2D;
  values: tf.Tensor2D;
  entropy: tf.Tensor2D;
  /** Every stroke drawn. [B, K, STROKE_PARAMS] */
  strokes: tf.Tensor3D;
  /** Mean squared and mean absolute distance to the target before the first stroke and after each one. [B, K + 1] */
  l2: tf.Tensor2D;
  l1: tf.Tensor2D;
  /** The canvases after the last stroke. [B, S, S, 3] */
  canvases: tf.Tensor4D;
};

/** Sampler counters: step t of update u uses u · COUNTER_STRIDE + t (strokes per episode ≤ 64 < stride). */
export const PAINT_COUNTER_STRIDE = 4096;

export function paintRollout(
  policy: PainterPolicy,
  space: StrokeSpace,
  target: tf.Tensor3D,
  opts: { batchSize: number; steps: number; seed: number; update: number },
): PaintRollout {
  const { batchSize: B, steps: K } = opts;
  const S = target.shape[0];
  const logStd = space.kind === 'continuous' ? policy.logStd : null;
  let canvas = blankCanvases(B, S, S);
  const perStep: { state: tf.Tensor4D; actions: tf.Tensor2D; logProbs: tf.Tensor1D; value: tf.Tensor1D; entropy: tf.Tensor1D; stroke: tf.Tensor2D; l2: tf.Tensor1D; l1: tf.Tensor1D }[] = [];
  const l2Start = canvasDistance(canvas, target, 'l2');
  const l1Start = canvasDistance(canvas, target, 'l1');
  const held = () => [canvas, l2Start, l1Start, ...perStep.flatMap((s) => [s.state, s.actions, s.logProbs, s.value, s.entropy, s.stroke, s.l2, s.l1])];
  try {
    for (let t = 0; t < K; t++) {
      const state = canvas;
      const step = tf.tidy(() => {
        const { head, value } = policy.forward(state, target, tf.fill([B], t / K) as tf.Tensor1D);
        const drawn = sampleActions(space, head, logStd, { seed: opts.seed, counter: opts.update * PAINT_COUNTER_STRIDE + t });
        const next = rasterStrokes(state, drawn.strokes);
        return { ...drawn, value, next, l2: canvasDistance(next, target, 'l2'), l1: canvasDistance(next, target, 'l1') };
      });
      perStep.push({ state, actions: step.actions, logProbs: step.logProbs, value: step.value, entropy: step.entropy, stroke: step.strokes, l2: step.l2, l1: step.l1 });
      canvas = step.next;
    }
  } catch (err) {
    // On CPU backends the sampler refuses NaN logits by throwing: release the episode so far.
    tf.dispose(held());
    throw err;
  }
  const rollout = tf.tidy(() => ({
    states: tf.concat(perStep.map((s) => s.state)) as tf.Tensor4D,
    progress: tf.concat(perStep.map((_, t) => tf.fill([B], t / K))) as tf.Tensor1D,
    actions: tf.concat(perStep.map((s) => s.actions)) as tf.Tensor2D,
    logProbs: tf.stack(perStep.map((s) => s.logProbs), 1) as tf.Tensor2D,
    values: tf.stack(perStep.map((s) => s.value), 1) as tf.Tensor2D,
    entropy: tf.stack(perStep.map((s) => s.entropy), 1) as tf.Tensor2D,
    strokes: tf.stack(perStep.map((s) => s.stroke), 1) as tf.Tensor3D,
    l2: tf.stack([l2Start, ...perStep.map((s) => s.l2)], 1) as tf.Tensor2D,
    l1: tf.stack([l1Start, ...perStep.map((s) => s.l1)], 1) as tf.Tensor2D,
  }));
  tf.dispose([l2Start, l1Start, ...perStep.flatMap((s) => [s.state, s.actions, s.logProbs, s.value, s.entropy, s.stroke, s.l2, s.l1])]);
  return { ...rollout, canvases: canvas };
}

export function disposeRollout(r: PaintRollout): void {
  tf.dispose([r.states, r.progress, r.actions, r.logProbs, r.values, r.entropy, r.strokes, r.l2, r.l1, r.canvases]);
}
