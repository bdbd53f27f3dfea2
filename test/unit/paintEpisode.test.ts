import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { STROKE_PARAMS, canvasDistanceCpu, rasterStrokesCpu } from '../../src/core/kernels/rasterStrokesCpu';
import { l2Gain } from '../../src/core/rewards/paint';
import { paintEpisode } from '../../src/core/tasks/paint/episode';
import { proceduralTarget } from '../../src/core/tasks/paint/targets';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('paintEpisode', () => {
  it('draws K strokes in order, records K + 1 distances per canvas, and leaks no tensors', async () => {
    const [B, K, size] = [3, 4, 16];
    const targetData = proceduralTarget('square', size);
    const strokeData = Float32Array.from({ length: B * K * STROKE_PARAMS }, (_, k) => ((k * 53) % 17) / 17);
    const before = tf.memory().numTensors;
    const target = tf.tensor3d(targetData, [size, size, 3]);
    const strokes = tf.tensor3d(strokeData, [B, K, STROKE_PARAMS]);
    const { canvases, batch } = await paintEpisode(target, strokes);

    // The same episode with the CPU twin, one step at a time.
    let expected: Float32Array = new Float32Array(B * size * size * 3).fill(1);
    const l2 = new Float32Array(B * (K + 1));
    const record = (t: number) => canvasDistanceCpu(expected, targetData, B, 'l2').forEach((d, b) => (l2[b * (K + 1) + t] = d));
    record(0);
    for (let t = 0; t < K; t++) {
      const step = new Float32Array(B * STROKE_PARAMS);
      for (let b = 0; b < B; b++) step.set(strokeData.subarray((b * K + t) * STROKE_PARAMS, (b * K + t + 1) * STROKE_PARAMS), b * STROKE_PARAMS);
      expected = rasterStrokesCpu(expected, step, B, size, size);
      record(t + 1);
    }
    expect(batch.size).toBe(B);
    expect(batch.steps).toBe(K);
    expect(batch.strokes).toEqual(strokeData);
    batch.l2.forEach((d, k) => expect(d).toBeCloseTo(l2[k], 6));
    expect(batch.l1).toHaveLength(B * (K + 1));
    const final = canvases.dataSync();
    for (let k = 0; k < final.length; k++) expect(Math.abs(final[k] - expected[k])).toBeLessThan(1e-6);
    // The episode's L2 gain telescopes to 1 − d_K / d_0.
    const scores = l2Gain.score(batch, {}, {}) as Float32Array;
    for (let b = 0; b < B; b++) expect(scores[b]).toBeCloseTo(1 - l2[b * (K + 1) + K] / l2[b * (K + 1)], 5);

    tf.dispose([canvases, target, strokes]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
