import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { STROKE_PARAMS } from '../../src/core/kernels/rasterStrokesCpu';
import {
  DEFAULT_PALETTE, continuousDims, decodeContinuous, decodeContinuousTensor, decodeDiscrete, decodeDiscreteTensor,
  defaultContinuousSpace, defaultDiscreteSpace, discreteHeads, parsePalette,
} from '../../src/core/tasks/paint/strokes';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('discrete stroke space', () => {
  const space = defaultDiscreteSpace();

  it('lists its categorical heads in action-column order', () => {
    expect(discreteHeads(space).map((h) => [h.name, h.size])).toEqual([
      ['start', 64], ['control', 64], ['end', 64], ['width', 4], ['colour', 8], ['draw', 2],
    ]);
    expect(discreteHeads({ ...space, allowSkip: false }).map((h) => h.name)).not.toContain('draw');
  });

  it('decodes grid cells to cell centres, buckets to widths and indices to palette colours', () => {
    // start cell 0 (top-left), control cell 9 (row 1, column 1), end cell 63 (bottom-right), width 2, red, skip.
    const p = decodeDiscrete(space, [0, 9, 63, 2, 2, 0], 1);
    const expected = [1 / 16, 1 / 16, 3 / 16, 3 / 16, 15 / 16, 15 / 16, 0.12, 229 / 255, 57 / 255, 53 / 255, 0];
    expected.forEach((v, k) => expect(p[k]).toBeCloseTo(v, 6));
    // Cell 10 is row 1, column 2: x = 2.5/8, y = 1.5/8.
    expect(Array.from(decodeDiscrete(space, [10, 0, 0, 0, 0, 1], 1).subarray(0, 2))).toEqual([2.5 / 8, 1.5 / 8].map(Math.fround));
    expect(decodeDiscrete({ ...space, allowSkip: false }, [0, 0, 0, 0, 0], 1)[10]).toBe(1);
  });

  it('rejects actions out of range or of the wrong count', () => {
    expect(() => decodeDiscrete(space, [64, 0, 0, 0, 0, 1], 1)).toThrow(/head "start"/);
    expect(() => decodeDiscrete(space, [0, 0, 0, 0, 8, 1], 1)).toThrow(/head "colour"/);
    expect(() => decodeDiscrete(space, [0, 0, 0], 1)).toThrow(/1×6/);
  });

  it('decodes the same on tensors as on arrays, without leaking tensors', () => {
    const B = 16;
    const heads = discreteHeads(space);
    const actions = Int32Array.from({ length: B * heads.length }, (_, k) => (k * 7919) % heads[k % heads.length].size);
    const before = tf.memory().numTensors;
    const input = tf.tensor2d(actions, [B, heads.length], 'int32');
    const out = decodeDiscreteTensor(space, input);
    expect(out.shape).toEqual([B, STROKE_PARAMS]);
    expect(out.dataSync()).toEqual(decodeDiscrete(space, actions, B));
    input.dispose();
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('continuous stroke space', () => {
  const space = defaultContinuousSpace();

  it('squashes zero to the middle of each range and large outputs towards the ends', () => {
    expect(continuousDims(space)).toBe(11);
    const mid = decodeContinuous(space, new Array(11).fill(0), 1);
    expect(Array.from(mid.subarray(0, 6))).toEqual(new Array(6).fill(0.5));
    expect(mid[6]).toBeCloseTo((space.minWidth + space.maxWidth) / 2, 6);
    expect(mid[10]).toBe(0); // u = 0 is not > 0: no stroke
    const high = decodeContinuous(space, new Array(11).fill(20), 1);
    expect(high[0]).toBeCloseTo(1, 6);
    expect(high[6]).toBeCloseTo(space.maxWidth, 6);
    expect(high[10]).toBe(1);
    const low = decodeContinuous(space, new Array(11).fill(-20), 1);
    expect(low[6]).toBeCloseTo(space.minWidth, 6);
    expect(decodeContinuous({ ...space, allowSkip: false }, new Array(10).fill(-3), 1)[10]).toBe(1);
  });

  it('decodes the same on tensors as on arrays', () => {
    const B = 9;
    const u = Float32Array.from({ length: B * 11 }, (_, k) => Math.sin(k * 1.7) * 3);
    const input = tf.tensor2d(u, [B, 11]);
    const out = decodeContinuousTensor(space, input);
    const expected = decodeContinuous(space, u, B);
    const got = out.dataSync();
    for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k], 5);
    tf.dispose([input, out]);
    expect(() => decodeContinuousTensor(space, tf.zeros([2, 10]) as tf.Tensor2D)).toThrow(/\[B, 11\]/);
  });
});

describe('palettes', () => {
  it('parses hex colours and names the bad entry', () => {
    expect(parsePalette('#ff0000, #000080')).toEqual([[1, 0, 0], [0, 0, 128 / 255]]);
    expect(DEFAULT_PALETTE).toHaveLength(8);
    expect(() => parsePalette('#ff0000,red')).toThrow(/"red"/);
    expect(() => parsePalette('  ')).toThrow(/empty/);
  });
});
