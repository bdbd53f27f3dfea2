import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { STROKE_PARAMS, rasterStrokesCpu } from '../../src/core/kernels/rasterStrokesCpu';
import { canvasDistance, rasterStrokes } from '../../src/core/kernels/rasterStrokes';
import { lettersTarget } from '../../src/core/tasks/paint/targets';
import { ImageInputError, imageFileToTarget } from '../../src/core/tasks/paint/image';
import { paintEpisode } from '../../src/core/tasks/paint/episode';
import { proceduralTarget } from '../../src/core/tasks/paint/targets';
import { canvasDistanceCpu } from '../../src/core/kernels/rasterStrokesCpu';

/** Small deterministic generator so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Random strokes: points a little beyond the canvas, widths from hairline to a quarter, about one in six inactive. */
function randomStrokes(B: number, rand: () => number): Float32Array {
  const s = new Float32Array(B * STROKE_PARAMS);
  for (let b = 0; b < B; b++) {
    const o = b * STROKE_PARAMS;
    for (let k = 0; k < 6; k++) s[o + k] = rand() * 1.2 - 0.1;
    s[o + 6] = rand() * 0.25;
    for (let k = 7; k < 10; k++) s[o + k] = rand() * 1.2 - 0.1; // a little out of range: both sides clamp
    s[o + 10] = rand() < 0.17 ? 0 : 1;
  }
  return s;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe('raster_strokes.wgsl against its CPU twin', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
  });

  for (const size of [32, 64]) {
    for (const B of [1, 7, 32]) {
      it(`matches on random strokes, B=${B}, ${size}×${size}, three strokes deep`, async () => {
        const rand = lcg(1000 * size + B);
        let expected: Float32Array = Float32Array.from({ length: B * size * size * 3 }, () => rand());
        let canvases = tf.tensor4d(expected, [B, size, size, 3]);
        for (let step = 0; step < 3; step++) {
          const strokes = randomStrokes(B, rand);
          expected = rasterStrokesCpu(expected, strokes, B, size, size);
          const strokeTensor = tf.tensor2d(strokes, [B, STROKE_PARAMS]);
          const next = rasterStrokes(canvases, strokeTensor);
          canvases.dispose();
          strokeTensor.dispose();
          canvases = next;
        }
        const got = (await canvases.data()) as Float32Array;
        canvases.dispose();
        const err = maxAbsDiff(got, expected);
        console.log(`raster B=${B} ${size}×${size}: max abs error ${err.toExponential(2)}`);
        expect(err).toBeLessThanOrEqual(1e-4);
        // The strokes did draw: the result is not the starting noise.
        expect(maxAbsDiff(got, Float32Array.from({ length: got.length }, lcg(1000 * size + B)))).toBeGreaterThan(0.1);
      });
    }
  }

  it('spreads a large batch over two dispatch dimensions without losing canvases', async () => {
    // 1100 canvases of 64×64 need 70,400 workgroups of 64: more than one dimension's 65,535.
    const B = 1100;
    const strokes = new Float32Array(B * STROKE_PARAMS);
    for (let b = 0; b < B; b++) strokes.set([0, 0.5, 0.5, 0.5, 1, 0.5, 0.25, 0, 0, 0, 1], b * STROKE_PARAMS);
    const out = tf.tidy(() => rasterStrokes(tf.ones([B, 64, 64, 3]) as tf.Tensor4D, tf.tensor2d(strokes, [B, STROKE_PARAMS])));
    const rowMeans = tf.tidy(() => tf.mean(out, [1, 2, 3]));
    const means = (await rowMeans.data()) as Float32Array;
    out.dispose();
    rowMeans.dispose();
    const first = means[0];
    expect(first).toBeLessThan(0.9);
    for (let b = 0; b < B; b++) expect(means[b], `canvas ${b}`).toBeCloseTo(first, 5);
  });

  it('leaves the tensor count flat and keeps distances on the GPU path', async () => {
    const before = tf.memory().numTensors;
    const d = tf.tidy(() => {
      const canvases = rasterStrokes(tf.ones([4, 32, 32, 3]) as tf.Tensor4D, tf.tensor2d(randomStrokes(4, lcg(7)), [4, STROKE_PARAMS]));
      return canvasDistance(canvases, tf.ones([32, 32, 3]) as tf.Tensor3D, 'l2');
    });
    expect(d.shape).toEqual([4]);
    const values = await d.data();
    d.dispose();
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a painting episode on WebGPU', () => {
  it('records the same distances as the CPU twin and leaks no tensors', async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
    const [B, K, size] = [8, 5, 32];
    const targetData = proceduralTarget('smiley', size);
    const strokeData = randomStrokes(B * K, lcg(99)); // [B·K, P] read as [B, K, P]
    const before = tf.memory().numTensors;
    const target = tf.tensor3d(targetData, [size, size, 3]);
    const strokes = tf.tensor3d(strokeData, [B, K, STROKE_PARAMS]);
    const { canvases, batch } = await paintEpisode(target, strokes);
    let expected: Float32Array = new Float32Array(B * size * size * 3).fill(1);
    let err = 0;
    for (let t = 0; t <= K; t++) {
      if (t > 0) {
        const step = new Float32Array(B * STROKE_PARAMS);
        for (let b = 0; b < B; b++) step.set(strokeData.subarray((b * K + t - 1) * STROKE_PARAMS, (b * K + t) * STROKE_PARAMS), b * STROKE_PARAMS);
        expected = rasterStrokesCpu(expected, step, B, size, size);
      }
      const d = canvasDistanceCpu(expected, targetData, B, 'l2');
      for (let b = 0; b < B; b++) err = Math.max(err, Math.abs(batch.l2[b * (K + 1) + t] - d[b]));
    }
    expect(err).toBeLessThan(1e-5);
    tf.dispose([canvases, target, strokes]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('letters target', () => {
  it('draws dark letters on white with OffscreenCanvas', () => {
    const size = 64;
    const img = lettersTarget('A', size);
    expect(img.length).toBe(size * size * 3);
    expect(img.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(img.subarray(0, 3))).toEqual([1, 1, 1]); // the corner is background
    const dark = img.filter((v, k) => k % 3 === 0 && v < 0.5).length / (size * size);
    expect(dark).toBeGreaterThan(0.05);
    expect(dark).toBeLessThan(0.6);
    expect(() => lettersTarget('', size)).toThrow(/1 to 3 characters/);
  });
});

describe('uploaded image decoding', () => {
  it('decodes a PNG with createImageBitmap: crops the centre, shrinks it and puts transparency on white', async () => {
    // 300×100: a blue centre square with a transparent left half, between two red side panels that the crop drops.
    const canvas = new OffscreenCanvas(300, 100);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context');
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, 300, 100);
    ctx.clearRect(100, 0, 50, 100);
    ctx.fillStyle = '#0000ff';
    ctx.fillRect(150, 0, 50, 100);
    const target = await imageFileToTarget(await canvas.convertToBlob({ type: 'image/png' }), 32);
    const at = (i: number, j: number) => Array.from(target.subarray((i * 32 + j) * 3, (i * 32 + j) * 3 + 3));
    expect(at(16, 4)).toEqual([1, 1, 1]); // transparent → white, and no red from the side panels
    expect(at(16, 28)).toEqual([0, 0, 1]);
    expect(target.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('says so when an "image" cannot be decoded', async () => {
    const broken = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: 'image/png' });
    await expect(imageFileToTarget(broken, 32)).rejects.toThrow(ImageInputError);
    await expect(imageFileToTarget(broken, 32)).rejects.toThrow(/could not be decoded/);
  });
});
