// The painter's policy and action distributions on the CPU backend: shapes, that the log-probability the sampler reports
// is the one the loss recomputes on the tape, and that every weight gets a gradient.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseConfig } from '../../src/core/config';
import { STROKE_PARAMS } from '../../src/core/kernels/rasterStrokesCpu';
import { PainterPolicy, painterWeightShapes, patchLayers } from '../../src/core/models/painterPolicy';
import { actionColumns, actionLogProbs, actionWidth, sampleActions } from '../../src/core/training/paintActions';
import { painterSize, paintStrokeSpace } from '../../src/core/training/paintTrainer';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

function config(paint: object) {
  const r = parseConfig({ task: 'paint', paint });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('painter policy', () => {
  it('reduces 32 and 64 pixel canvases to 4×4 with patch layers', () => {
    expect(patchLayers(32)).toEqual([{ patch: 4, channels: 32 }, { patch: 2, channels: 64 }]);
    expect(patchLayers(64)).toEqual([{ patch: 4, channels: 32 }, { patch: 2, channels: 64 }, { patch: 2, channels: 64 }]);
    expect(() => patchLayers(48)).toThrow(/power of two/);
  });

  it('has one logit per grid cell, width and colour (discrete) or one mean per stroke parameter (continuous)', () => {
    const discrete = painterSize(config({}));
    expect(discrete).toEqual({ canvas: 32, actions: 3 * 64 + 4 + 8, gaussian: false, hidden: 128 });
    expect(painterWeightShapes(discrete).logStd).toBeUndefined();
    const skip = painterSize(config({ skip: true }));
    expect(skip.actions).toBe(3 * 64 + 4 + 8 + 2);
    const continuous = painterSize(config({ action: 'continuous', canvas: 64 }));
    expect(continuous).toEqual({ canvas: 64, actions: 10, gaussian: true, hidden: 128 });
    expect(painterWeightShapes(continuous).logStd).toEqual([10]);
    expect(painterWeightShapes(continuous).denseKernel).toEqual([4 * 4 * 64, 128]);
  });

  it('computes the first layer exactly as patches of the concatenated [canvas | target | t/K] input would', () => {
    for (const canvas of [32, 64]) {
      const size = painterSize(config({ canvas }));
      const policy = PainterPolicy.init(size, 11);
      const N = 3;
      const [got, want] = tf.tidy(() => {
        const canvases = tf.randomUniform([N, canvas, canvas, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
        const target = tf.randomUniform([canvas, canvas, 3], 0, 1, 'float32', 5) as tf.Tensor3D;
        const progress = tf.tensor1d([0, 0.35, 0.95]);
        // The reference: the 7-channel input built explicitly, every layer as patches × kernel.
        let x = tf.concat([canvases, tf.broadcastTo(target, [N, canvas, canvas, 3]), tf.broadcastTo(tf.reshape(progress, [N, 1, 1, 1]), [N, canvas, canvas, 1])], 3);
        patchLayers(canvas).forEach(({ patch }, i) => {
          const [, side, , c] = x.shape;
          const out = side / patch;
          const patches = tf.reshape(tf.transpose(tf.reshape(x, [N, out, patch, out, patch, c]), [0, 1, 3, 2, 4, 5]), [N * out * out, patch * patch * c]);
          x = tf.reshape(tf.relu(tf.add(tf.matMul(patches, policy.weights[`patch${i}Kernel`]), policy.weights[`patch${i}Bias`])), [N, out, out, -1]);
        });
        const h = tf.relu(tf.add(tf.matMul(tf.reshape(x, [N, -1]), policy.weights.denseKernel), policy.weights.denseBias));
        const reference = tf.add(tf.matMul(h, policy.weights.policyKernel), policy.weights.policyBias);
        return [policy.forward(canvases, target, progress).head.arraySync() as number[][], reference.arraySync() as number[][]];
      });
      got.flat().forEach((v, k) => expect(v).toBeCloseTo(want.flat()[k], 5));
      policy.dispose();
    }
  });

  for (const paint of [{}, { action: 'continuous' }, { skip: true, canvas: 64 }]) {
    it(`samples strokes whose log-probability the taped pass reproduces, and trains every weight (${JSON.stringify(paint)})`, () => {
      const cfg = config(paint);
      const space = paintStrokeSpace(cfg);
      const size = painterSize(cfg);
      const S = size.canvas;
      const N = 5;
      const before = tf.memory().numTensors;
      const policy = PainterPolicy.init(size, 7);
      tf.tidy(() => {
        const canvases = tf.randomUniform([N, S, S, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const target = tf.randomUniform([S, S, 3], 0, 1, 'float32', 2) as tf.Tensor3D;
        const progress = tf.linspace(0, 0.8, N) as tf.Tensor1D;
        const logStd = size.gaussian ? policy.logStd : null;
        const { head, value } = policy.forward(canvases, target, progress);
        expect(head.shape).toEqual([N, actionWidth(space)]);
        expect(value.shape).toEqual([N]);
        const drawn = sampleActions(space, head, logStd, { seed: 3, counter: 9 });
        expect(drawn.actions.shape).toEqual([N, actionColumns(space)]);
        expect(drawn.strokes.shape).toEqual([N, STROKE_PARAMS]);
        const again = actionLogProbs(space, head, logStd, drawn.actions);
        const sampled = drawn.logProbs.arraySync();
        again.logProbs.arraySync().forEach((lp, i) => expect(lp).toBeCloseTo(sampled[i], 4));
        const entropy = drawn.entropy.arraySync();
        again.entropy.arraySync().forEach((h, i) => expect(h).toBeCloseTo(entropy[i], 4));
        // Same key, same strokes.
        expect(sampleActions(space, head, logStd, { seed: 3, counter: 9 }).strokes.arraySync()).toEqual(drawn.strokes.arraySync());
        const { grads } = tf.variableGrads(() => {
          const out = policy.forward(canvases, target, progress);
          const lp = actionLogProbs(space, out.head, size.gaussian ? policy.logStd : null, drawn.actions);
          return tf.add(tf.sum(lp.logProbs), tf.sum(out.value)) as tf.Scalar;
        }, policy.variables());
        for (const v of policy.variables()) {
          const g = grads[v.name];
          expect(g, v.name).toBeDefined();
          expect(g.shape).toEqual(v.shape);
          expect(Number.isFinite(tf.sum(tf.abs(g)).arraySync() as number)).toBe(true);
        }
      });
      policy.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
