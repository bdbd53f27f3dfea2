import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { STROKE_PARAMS, canvasDistanceCpu, rasterStrokesCpu } from '../../src/core/kernels/rasterStrokesCpu';
import { canvasDistance, rasterStrokes } from '../../src/core/kernels/rasterStrokes';

// x0 y0 x1 y1 x2 y2 width r g b active
type Stroke = [number, number, number, number, number, number, number, number, number, number, number];

function filled(B: number, H: number, W: number, rgb: [number, number, number]): Float32Array {
  const out = new Float32Array(B * H * W * 3);
  for (let k = 0; k < B * H * W; k++) out.set(rgb, k * 3);
  return out;
}
const px = (img: Float32Array, H: number, W: number, b: number, i: number, j: number) => Array.from(img.subarray(((b * H + i) * W + j) * 3, ((b * H + i) * W + j) * 3 + 3));
/** A straight stroke written as a Bézier whose control point is the midpoint. */
const line = (x0: number, y0: number, x2: number, y2: number, width: number, rgb: [number, number, number], active = 1): Stroke =>
  [x0, y0, (x0 + x2) / 2, (y0 + y2) / 2, x2, y2, width, ...rgb, active];

describe('rasterStrokesCpu', () => {
  const H = 16;
  const W = 16;

  it('covers exactly the pixels of a horizontal 2-px stroke, with anti-aliased round-ish ends', () => {
    // From x = 4 px to x = 12 px at y = 8 px, 2 px wide: rows 7 and 8 (centres 0.5 px away) are fully covered.
    const out = rasterStrokesCpu(filled(1, H, W, [1, 1, 1]), Float32Array.from(line(0.25, 0.5, 0.75, 0.5, 2 / 16, [0, 0, 0])), 1, H, W);
    const end = 1 - Math.min(1, Math.max(0, 1 - Math.SQRT1_2 + 0.5)); // corner pixel: d = √0.5 from the endpoint
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        let expected = 1;
        if (i === 7 || i === 8) expected = j >= 4 && j <= 11 ? 0 : j === 3 || j === 12 ? end : 1;
        for (const v of px(out, H, W, 0, i, j)) expect(v, `pixel (${i}, ${j})`).toBeCloseTo(expected, 6);
      }
    }
  });

  it('widens with the width parameter (a fraction of the canvas side)', () => {
    const column = (width: number) => {
      const out = rasterStrokesCpu(filled(1, H, W, [1, 1, 1]), Float32Array.from(line(0, 0.5, 1, 0.5, width, [0, 0, 0])), 1, H, W);
      return Array.from({ length: H }, (_, i) => px(out, H, W, 0, i, 8)[0]);
    };
    expect(column(4 / 16).map((v) => Number(v.toFixed(6)))).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    // 3 px wide: rows 6 and 9 have centres 1.5 px away, exactly on the edge: half coverage.
    expect(column(3 / 16).map((v) => Number(v.toFixed(6)))).toEqual([1, 1, 1, 1, 1, 1, 0.5, 0, 0, 0.5, 1, 1, 1, 1, 1, 1]);
  });

  it('composites the colour over the canvas in proportion to the coverage', () => {
    // A 1-px stroke at y = 8.25 px: row 7 (d = 0.75) gets coverage 0.25, row 8 (d = 0.25) gets 0.75.
    const y = 8.25 / 16;
    const out = rasterStrokesCpu(filled(1, H, W, [0.2, 0.2, 0.2]), Float32Array.from(line(0, y, 1, y, 1 / 16, [1, 0, 0.5])), 1, H, W);
    const mix = (a: number, c: number) => 0.2 * (1 - a) + c * a;
    px(out, H, W, 0, 7, 5).forEach((v, c) => expect(v).toBeCloseTo(mix(0.25, [1, 0, 0.5][c]), 6));
    px(out, H, W, 0, 8, 5).forEach((v, c) => expect(v).toBeCloseTo(mix(0.75, [1, 0, 0.5][c]), 6));
    expect(px(out, H, W, 0, 6, 5)).toEqual([0.2, 0.2, 0.2].map(Math.fround));
  });

  it('follows the curve, not the chord or the control point', () => {
    // Apex of the curve at t = 1/2: 0.25·P0 + 0.5·P1 + 0.25·P2 = (16, 16) px on a 32-px canvas.
    const out = rasterStrokesCpu(filled(1, 32, 32, [1, 1, 1]), Float32Array.from([0.25, 0.75, 0.5, 0.25, 0.75, 0.75, 4 / 32, 0, 0, 0, 1]), 1, 32, 32);
    expect(px(out, 32, 32, 0, 15, 16)[0]).toBe(0);
    expect(px(out, 32, 32, 0, 8, 16)[0]).toBe(1); // the control point is off the curve
    expect(px(out, 32, 32, 0, 23, 16)[0]).toBe(1); // the chord is off the curve
  });

  it('leaves the canvas unchanged for an inactive stroke, and draws each stroke on its own canvas only', () => {
    const canvases = Float32Array.from({ length: 2 * H * W * 3 }, (_, k) => (k % 7) / 7);
    const strokes = Float32Array.from([...line(0, 0.5, 1, 0.5, 0.5, [1, 0, 0], 0), ...line(0, 0.2, 1, 0.2, 0.2, [0, 1, 0])]);
    const out = rasterStrokesCpu(canvases, strokes, 2, H, W);
    expect(out.subarray(0, H * W * 3)).toEqual(canvases.subarray(0, H * W * 3));
    expect(px(out, H, W, 1, 3, 8)).toEqual([0, 1, 0]);
    expect(out.subarray(H * W * 3)).not.toEqual(canvases.subarray(H * W * 3));
  });

  it('rejects inputs of the wrong size', () => {
    expect(() => rasterStrokesCpu(new Float32Array(10), new Float32Array(STROKE_PARAMS), 1, H, W)).toThrow(/B·H·W·3/);
    expect(() => rasterStrokesCpu(filled(1, H, W, [1, 1, 1]), new Float32Array(10), 1, H, W)).toThrow(/B·11/);
  });
});

describe('rasterStrokes and canvasDistance on a non-WebGPU backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  it('runs the CPU twin, keeps the tensor count flat, and checks shapes', () => {
    const B = 3;
    const canvases = filled(B, 8, 8, [1, 1, 1]);
    const strokes = Float32Array.from({ length: B * STROKE_PARAMS }, (_, k) => ((k * 37) % 11) / 11);
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => rasterStrokes(tf.tensor4d(canvases, [B, 8, 8, 3]), tf.tensor2d(strokes, [B, STROKE_PARAMS])));
    expect(out.shape).toEqual([B, 8, 8, 3]);
    expect(out.dataSync()).toEqual(rasterStrokesCpu(canvases, strokes, B, 8, 8));
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => rasterStrokes(tf.zeros([2, 8, 8, 3]) as tf.Tensor4D, tf.zeros([3, STROKE_PARAMS]) as tf.Tensor2D)).toThrow(/strokes must be/);
  });

  it('measures mean squared and mean absolute differences per canvas', () => {
    const target = filled(1, 2, 2, [1, 1, 1]);
    const canvases = Float32Array.from([...filled(1, 2, 2, [0.5, 0.5, 0.5]), ...filled(1, 2, 2, [1, 1, 0])]);
    const t = tf.tensor3d(target, [2, 2, 3]);
    const c = tf.tensor4d(canvases, [2, 2, 2, 3]);
    expect(Array.from(canvasDistance(c, t, 'l2').dataSync())).toEqual([0.25, 1 / 3].map(Math.fround));
    expect(Array.from(canvasDistance(c, t, 'l1').dataSync())).toEqual([0.5, 1 / 3].map(Math.fround));
    expect(Array.from(canvasDistanceCpu(canvases, target, 2, 'l2'))).toEqual([0.25, 1 / 3].map(Math.fround));
    expect(Array.from(canvasDistanceCpu(canvases, target, 2, 'l1'))).toEqual([0.5, 1 / 3].map(Math.fround));
    expect(() => canvasDistance(c, tf.zeros([3, 3, 3]) as tf.Tensor3D, 'l2')).toThrow(/does not match/);
  });
});
