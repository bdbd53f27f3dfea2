// One painting episode, stroke by stroke, on the current tfjs backend: the pattern a rollout follows, and a way to
// replay recorded strokes (evaluation, sample display). Distances stay on the device until one readback at the end.
import * as tf from '@tensorflow/tfjs';
import { STROKE_PARAMS, canvasDistance, rasterStrokes } from '../../kernels/rasterStrokes';
import type { PaintBatch } from '../../rewards/paint';

/** Canvases of one colour (white by default, like the built-in targets' background): [B, H, W, 3]. */
export function blankCanvases(B: number, H: number, W: number, background = 1): tf.Tensor4D {
  return tf.fill([B, H, W, 3], background) as tf.Tensor4D;
}

/**
 * Draws strokes [B, K, STROKE_PARAMS] in order onto blank canvases and measures the distance to the target
 * [H, W, 3] before the first stroke and after each one. Returns the final canvases (the caller disposes them) and
 * the PaintBatch the reward terms read.
 */
export async function paintEpisode(
  target: tf.Tensor3D,
  strokes: tf.Tensor3D,
  background = 1,
): Promise<{ canvases: tf.Tensor4D; batch: PaintBatch }> {
  const [B, K, P] = strokes.shape;
  if (P !== STROKE_PARAMS) throw new Error(`strokes must be [B, K, ${STROKE_PARAMS}], got [${strokes.shape}]`);
  const [H, W, C] = target.shape;
  if (C !== 3) throw new Error(`target must be [H, W, 3], got [${target.shape}]`);
  let canvases = blankCanvases(B, H, W, background);
  const l2: tf.Tensor1D[] = [canvasDistance(canvases, target, 'l2')];
  const l1: tf.Tensor1D[] = [canvasDistance(canvases, target, 'l1')];
  for (let t = 0; t < K; t++) {
    const next = tf.tidy(() => rasterStrokes(canvases, tf.reshape(tf.slice(strokes, [0, t, 0], [B, 1, P]), [B, P]) as tf.Tensor2D));
    canvases.dispose();
    canvases = next;
    l2.push(canvasDistance(canvases, target, 'l2'));
    l1.push(canvasDistance(canvases, target, 'l1'));
  }
  const [l2All, l1All] = [tf.stack(l2, 1), tf.stack(l1, 1)]; // [B, K + 1]
  tf.dispose([...l2, ...l1]);
  try {
    const [l2Data, l1Data, strokeData] = await Promise.all([l2All.data(), l1All.data(), strokes.data()]);
    const batch: PaintBatch = {
      size: B,
      steps: K,
      l2: l2Data as Float32Array,
      l1: l1Data as Float32Array,
      strokes: Float32Array.from(strokeData),
    };
    return { canvases, batch };
  } finally {
    tf.dispose([l2All, l1All]);
  }
}
