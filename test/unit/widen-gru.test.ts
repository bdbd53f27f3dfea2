// Widening a trained GRU (src/core/models/widenGru.ts) must leave its output unchanged and give the new units weights
// that training can move: otherwise a wider prior grown from a smaller one would start from a different model.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CharGru } from '../../src/core/models/charGru';
import { widenGruValues } from '../../src/core/models/widenGru';
import { Rng } from '../../src/core/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const size = { vocab: 7, embedding: 4, hidden: 5 };

/** A model whose biases are non-zero too, so copying them into the wrong place would show. */
async function trainedLookingModel(): Promise<CharGru> {
  const model = CharGru.init(size, 11, false, 'narrow');
  const values = await model.readValues();
  const rng = new Rng(3);
  for (const name of ['inputBias', 'recurrentBias', 'logitsBias', 'valueBias', 'valueKernel']) {
    values[name] = values[name].map(() => rng.normal() * 0.5);
  }
  model.assign(values);
  return model;
}

function sequences(B: number, T: number): tf.Tensor2D {
  const rng = new Rng(5);
  return tf.tensor2d(Array.from({ length: B * T }, () => Math.floor(rng.float() * size.vocab)), [B, T], 'int32');
}

describe('widenGruValues', () => {
  it('gives the same logits and values with more hidden units', async () => {
    const narrow = await trainedLookingModel();
    const wideValues = widenGruValues(await narrow.readValues(), size, 9, 1);
    const wide = CharGru.fromValues({ ...size, hidden: 9 }, wideValues, false, 'wide');
    const inputs = sequences(4, 12);
    const a = narrow.forwardSequence(inputs);
    const b = wide.forwardSequence(inputs);
    const logitsGap = tf.max(tf.abs(tf.sub(a.logits, b.logits))).dataSync()[0];
    const valuesGap = tf.max(tf.abs(tf.sub(a.values, b.values))).dataSync()[0];
    expect(logitsGap).toBeLessThan(1e-5);
    expect(valuesGap).toBeLessThan(1e-5);
    // The logits are not trivially equal (e.g. all zero): they vary across steps.
    expect(tf.moments(a.logits).variance.dataSync()[0]).toBeGreaterThan(0.01);
  });

  it('keeps every old weight in place and gives the new units random incoming weights', async () => {
    const narrow = await trainedLookingModel();
    const old = await narrow.readValues();
    const wide = widenGruValues(old, size, 9, 1);
    const H = 5;
    const W = 9;
    // Recurrent kernel: old block copied gate by gate; rows of new units into old units' gates are zero.
    for (let gate = 0; gate < 3; gate++) {
      for (let row = 0; row < W; row++) {
        for (let j = 0; j < W; j++) {
          const value = wide.recurrentKernel[row * 3 * W + gate * W + j];
          if (j < H && row < H) expect(value).toBe(old.recurrentKernel[row * 3 * H + gate * H + j]);
          if (j < H && row >= H) expect(value).toBe(0);
        }
      }
    }
    const freshRecurrent = [];
    for (let row = 0; row < W; row++) for (let j = H; j < W; j++) freshRecurrent.push(wide.recurrentKernel[row * 3 * W + 2 * W + j]);
    expect(new Set(freshRecurrent).size).toBe(freshRecurrent.length);
    expect(Math.max(...freshRecurrent.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (W + 3 * W)));
    // Heads: rows of the new units are zero.
    expect(Array.from(wide.logitsKernel.subarray(H * size.vocab)).every((v) => v === 0)).toBe(true);
    expect(Array.from(wide.logitsKernel.subarray(0, H * size.vocab))).toEqual(Array.from(old.logitsKernel));
    // Biases: old values per gate, zero for the new units.
    expect(wide.inputBias[W + 2]).toBe(old.inputBias[H + 2]);
    expect(wide.recurrentBias[2 * W + 6]).toBe(0);
  });

  it('lets training reach the new units (their head rows get a gradient)', async () => {
    const narrow = await trainedLookingModel();
    const wide = CharGru.fromValues({ ...size, hidden: 9 }, widenGruValues(await narrow.readValues(), size, 9, 1), true, 'wide-train');
    const inputs = sequences(4, 12);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(wide.forwardSequence(inputs).logits)) as tf.Scalar, [wide.weights.logitsKernel]);
    const g = grads[wide.weights.logitsKernel.name].dataSync();
    const newRows = Array.from(g.subarray(5 * size.vocab));
    expect(Math.max(...newRows.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('refuses to shrink', () => {
    expect(() => widenGruValues({}, size, 4, 1)).toThrow(/Cannot widen/);
  });
});
