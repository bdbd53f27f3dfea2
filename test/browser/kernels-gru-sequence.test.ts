// The fused GRU sequence kernels (forward + backpropagation through time) against their CPU twin, and both against
// tfjs autodiff of the stock per-step recurrence (CharGru.step / forwardSequence with fused: false).
//
// Tolerances. Everything is float32; the three implementations sum the recurrent matmul in different orders (tfjs's
// tiled matmul, the kernel's sequential loop, the twin's float64 loop), so each step differs by a few ulps and the
// difference is carried through T steps forward and again backward. Errors are measured relative to the largest
// magnitude of the reference (max |a − b| ≤ tol · max(1, max |b|)) with tol = 1e-4 for forward values and 2e-4
// for gradients: ~100× the drift seen in practice at these sizes, and far below the O(1) error of any wrong
// index, gate order or missing term.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { gruSequence, setGruSequenceLayouts, type GruSequenceLayout } from '../../src/core/kernels/gruSequence';
import { gruSequenceBackwardCpu, gruSequenceForwardCpu, weightGradientCpu, type GruSequenceDims } from '../../src/core/kernels/gruSequenceCpu';
import { weightGradient } from '../../src/core/kernels/gruSequenceWeightGradient';
import { CharGru, WEIGHT_NAMES, weightShapes, type GruSize } from '../../src/core/models/charGru';
import { shiftRight, tokenLogProbs } from '../../src/core/sequences';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

const FORWARD_TOL = 1e-4;
const GRADIENT_TOL = 2e-4;

function uniform(next: () => number, count: number, limit: number): Float32Array {
  return Float32Array.from({ length: count }, () => (next() * 2 - 1) * limit);
}

/** max |a − b| / max(1, max |b|). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** Upstream gradient dL/dh [B, T, H], zero after a random length per row (padding, as a masked loss produces). */
function maskedUpstream(next: () => number, { batch: B, steps: T, hidden: H }: GruSequenceDims): Float32Array {
  const g = uniform(next, B * T * H, 1);
  for (let b = 0; b < B; b++) {
    const length = b === 0 ? T : 1 + Math.floor(next() * T);
    g.fill(0, (b * T + length) * H, (b + 1) * T * H);
  }
  return g;
}

/**
 * The stock recurrence, step by step with CharGru.step (what forwardSequence did before the fused path). Slices
 * rather than tf.unstack: tfjs 4.22's gradient of unstack throws when T = 1 (its stack of a single gradient).
 */
function stockRecurrence(model: CharGru, projections: tf.Tensor3D): tf.Tensor3D {
  const [B, T, H3] = projections.shape;
  let h = model.zeroState(B);
  const states: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    h = model.step(tf.reshape(tf.slice(projections, [0, t, 0], [B, 1, H3]), [B, H3]) as tf.Tensor2D, h);
    states.push(h);
  }
  return tf.stack(states, 1) as tf.Tensor3D;
}

interface Case {
  name: string;
  dims: GruSequenceDims;
  scale: number;
}

const CASES: Case[] = [
  { name: 'T = 1', dims: { batch: 5, steps: 1, hidden: 8 }, scale: 1.5 },
  { name: 'H = 3 (fewer units than invocations, one unit per pass)', dims: { batch: 4, steps: 7, hidden: 3 }, scale: 2 },
  { name: 'H = 130 (not a multiple of 4 or of the workgroup)', dims: { batch: 3, steps: 9, hidden: 130 }, scale: 2 },
  { name: 'H = 68, odd batch', dims: { batch: 7, steps: 13, hidden: 68 }, scale: 2.5 },
  { name: 'H = 128, T = 24 (the small bench size, fewer rows)', dims: { batch: 6, steps: 24, hidden: 128 }, scale: 2 },
];

const LAYOUTS: [string, GruSequenceLayout][] = [
  ['SwiftShader layout (4 invocations, 4 units per pass)', { workgroupSize: 4, units: 4 }],
  ['real-GPU layout (64 invocations, 1 unit per pass)', { workgroupSize: 64, units: 1 }],
  ['16 invocations, 4 units per pass', { workgroupSize: 16, units: 4 }],
];

describe('gruSequence (fused forward + BPTT) on WebGPU', () => {
  for (const [layoutName, layout] of LAYOUTS) {
    for (const { name, dims, scale } of CASES) {
      it(`${layoutName}: ${name}, B ${dims.batch} T ${dims.steps} H ${dims.hidden}: kernel = twin = stock autodiff`, async () => {
        const previous = setGruSequenceLayouts(layout, layout);
        const { batch: B, steps: T, hidden: H } = dims;
        const next = lcg(1000 + H * 31 + T * 7 + B + layout.workgroupSize);
        const x = uniform(next, B * T * 3 * H, scale);
        const u = uniform(next, H * 3 * H, scale / Math.sqrt(H));
        const bias = uniform(next, 3 * H, 0.5);
        const upstream = maskedUpstream(next, dims);
        // A CharGru only to reuse its step() as the stock reference; its other weights are never read.
        const size: GruSize = { vocab: 2, embedding: 1, hidden: H };
        const shapes = weightShapes(size);
        const values = Object.fromEntries(WEIGHT_NAMES.map((n) => [n, new Float32Array(shapes[n].reduce((a, b) => a * b, 1))])) as Record<string, Float32Array>;
        values.recurrentKernel = u;
        values.recurrentBias = bias;
        const model = CharGru.fromValues(size, values, true, 'seqtest');
        const xVar = tf.variable(tf.tensor3d(x, [B, T, 3 * H]), true, `seqtest/x/${name}/${layoutName}`);
        const up = tf.tensor3d(upstream, [B, T, H]);
        try {
          const vars = [xVar, model.weights.recurrentKernel, model.weights.recurrentBias];
          const run = (recurrence: () => tf.Tensor3D) => {
            let states: tf.Tensor | null = null;
            const { grads } = tf.variableGrads(() => {
              const h = recurrence();
              states = tf.keep(h.clone());
              return tf.sum(tf.mul(h, up)) as tf.Scalar;
            }, vars);
            return { states: states as unknown as tf.Tensor, grads: vars.map((v) => grads[v.name]) };
          };
          const fused = run(() => gruSequence(xVar as tf.Tensor3D, model.weights.recurrentKernel as tf.Tensor2D, model.weights.recurrentBias as tf.Tensor1D));
          const stock = run(() => stockRecurrence(model, xVar as tf.Tensor3D));
          const read = async (ts: tf.Tensor[]) => (await Promise.all(ts.map((t) => t.data()))) as Float32Array[];
          const [fusedH, ...fusedGrads] = await read([fused.states, ...fused.grads]);
          const [stockH, ...stockGrads] = await read([stock.states, ...stock.grads]);
          tf.dispose([fused.states, stock.states, ...fused.grads, ...stock.grads]);

          const twinForward = gruSequenceForwardCpu(x, u, bias, dims);
          const twin = gruSequenceBackwardCpu(upstream, twinForward, u, dims);
          const twinGrads = [twin.projections, twin.recurrentKernel, twin.recurrentBias];

          const errors = {
            forwardKernelVsTwin: relativeError(fusedH, twinForward.hidden),
            forwardKernelVsStock: relativeError(fusedH, stockH),
            forwardTwinVsStock: relativeError(twinForward.hidden, stockH),
            gradKernelVsTwin: Math.max(...fusedGrads.map((g, i) => relativeError(g, twinGrads[i]))),
            gradKernelVsStock: Math.max(...fusedGrads.map((g, i) => relativeError(g, stockGrads[i]))),
            gradTwinVsStock: Math.max(...twinGrads.map((g, i) => relativeError(g, stockGrads[i]))),
          };
          console.log(`${layoutName} ${name}: ${Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
          expect(errors.forwardKernelVsTwin).toBeLessThanOrEqual(FORWARD_TOL);
          expect(errors.forwardKernelVsStock).toBeLessThanOrEqual(FORWARD_TOL);
          expect(errors.forwardTwinVsStock).toBeLessThanOrEqual(FORWARD_TOL);
          expect(errors.gradKernelVsTwin).toBeLessThanOrEqual(GRADIENT_TOL);
          expect(errors.gradKernelVsStock).toBeLessThanOrEqual(GRADIENT_TOL);
          expect(errors.gradTwinVsStock).toBeLessThanOrEqual(GRADIENT_TOL);
          // Padded steps get no gradient through the inputs of later steps: dL/dx is exactly 0 after a row's end
          // (nothing downstream of a padded step feeds the loss).
          for (let b = 0; b < B; b++) {
            for (let t = T - 1; t >= 0; t--) {
              const row = upstream.subarray((b * T + t) * H, (b * T + t + 1) * H);
              if (row.some((v) => v !== 0)) break;
              expect(fusedGrads[0].subarray((b * T + t) * 3 * H, (b * T + t + 1) * 3 * H).every((v) => v === 0)).toBe(true);
            }
          }
        } finally {
          setGruSequenceLayouts(previous.software, previous.hardware);
          tf.dispose([xVar, up]);
          model.dispose();
        }
      });
    }
  }

  it('CharGru.forwardSequence: fused and stock paths give the same logits, values and gradients of every weight', async () => {
    const size: GruSize = { vocab: 11, embedding: 6, hidden: 20 };
    const B = 9;
    const T = 15;
    const next = lcg(77);
    const shapes = weightShapes(size);
    const values = Object.fromEntries(
      WEIGHT_NAMES.map((n) => [n, uniform(next, shapes[n].reduce((a, b) => a * b, 1), shapes[n].length === 2 ? 2 / Math.sqrt(shapes[n][0]) : 0.3)]),
    ) as Record<string, Float32Array>;
    const model = CharGru.fromValues(size, values, true, 'seqmodel');
    const tokens = tf.tensor2d(Int32Array.from({ length: B * T }, () => Math.floor(next() * size.vocab)), [B, T], 'int32');
    // Padded rows: the mask ends at a random length, as rollouts that drew the end token early.
    const mask = tf.tensor2d(Float32Array.from({ length: B * T }, (_, i) => (i % T < 1 + ((i / T) | 0) % T ? 1 : 0)), [B, T]);
    const advantages = tf.tensor2d(uniform(next, B * T, 1), [B, T]);
    const targets = tf.tensor2d(uniform(next, B * T, 1), [B, T]);
    try {
      const run = (fused: boolean) => {
        let outputs: tf.Tensor[] = [];
        const { grads, value } = tf.variableGrads(() => {
          const { logits, values: v } = model.forwardSequence(shiftRight(tokens), { fused });
          outputs = [tf.keep(logits.clone()), tf.keep(v.clone())];
          const policy = tf.neg(tf.sum(tf.mul(tf.mul(tokenLogProbs(logits, tokens), advantages), mask)));
          const critic = tf.sum(tf.mul(tf.square(tf.sub(v, targets)), mask));
          return tf.add(policy, critic) as tf.Scalar;
        }, model.variables());
        return { outputs, value, grads: model.variables().map((v) => grads[v.name]) };
      };
      const fused = run(true);
      const stock = run(false);
      const read = async (ts: tf.Tensor[]) => (await Promise.all(ts.map((t) => t.data()))) as Float32Array[];
      const fusedData = await read([...fused.outputs, fused.value, ...fused.grads]);
      const stockData = await read([...stock.outputs, stock.value, ...stock.grads]);
      tf.dispose([...fused.outputs, fused.value, ...fused.grads, ...stock.outputs, stock.value, ...stock.grads]);
      const names = ['logits', 'values', 'loss', ...WEIGHT_NAMES];
      const errors = names.map((n, i) => [n, relativeError(fusedData[i], stockData[i])] as const);
      console.log(`forwardSequence fused vs stock: ${errors.map(([n, e]) => `${n} ${e.toExponential(1)}`).join(', ')}`);
      for (const [n, e] of errors) expect(e, n).toBeLessThanOrEqual(n === 'logits' || n === 'values' || n === 'loss' ? FORWARD_TOL : GRADIENT_TOL);
      // Every weight really gets a gradient on the fused path (a disconnected input would give zeros).
      for (let i = 0; i < WEIGHT_NAMES.length; i++) expect(fusedData[3 + i].some((v) => v !== 0), WEIGHT_NAMES[i]).toBe(true);
    } finally {
      tf.dispose([tokens, mask, advantages, targets]);
      model.dispose();
    }
  });

  it('leaves the tensor count flat across taped and untaped calls', async () => {
    const size: GruSize = { vocab: 7, embedding: 4, hidden: 16 };
    const model = CharGru.init(size, 3, true, 'seqleak');
    const tokens = tf.tensor2d(Int32Array.from({ length: 4 * 6 }, (_, i) => i % 7), [4, 6], 'int32');
    const once = async () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.forwardSequence(tokens).logits) as tf.Scalar, model.variables());
      const untaped = tf.tidy(() => tf.sum(model.forwardSequence(tokens).values));
      await Promise.all([value.data(), untaped.data()]);
      tf.dispose([value, untaped, ...Object.values(grads)]);
    };
    await once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await once();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(tokens);
    model.dispose();
  });

  // [N, K, M]: degenerate, odd (tiles cut at both edges), a K+1 bias row that fills a tile exactly (K = 3), and the
  // large bench's recurrent size (N = 8,192 positions, a long reduction per invocation).
  const weightCases: [number, number, number][] = [[1, 1, 1], [37, 5, 7], [300, 130, 390], [1024, 3, 40], [8192, 256, 20]];
  for (const [N, K, M] of weightCases) {
    it(`weightGradient (dW = AᵀG, db = ΣG) matches its twin and tfjs: N ${N}, K ${K}, M ${M}`, async () => {
      const next = lcg(N * 7 + K * 3 + M);
      const a = uniform(next, N * K, 1);
      const g = uniform(next, N * M, 1);
      const at = tf.tensor2d(a, [N, K]);
      const gt = tf.tensor2d(g, [N, M]);
      const ours = weightGradient(at, gt);
      const stockKernel = tf.matMul(at, gt, true, false);
      const stockBias = tf.sum(gt, 0);
      const [kernel, bias, sk, sb] = (await Promise.all([ours.kernel, ours.bias, stockKernel, stockBias].map((t) => t.data()))) as Float32Array[];
      tf.dispose([at, gt, ours.kernel, ours.bias, stockKernel, stockBias]);
      const twin = weightGradientCpu(a, g, N, K, M);
      expect(ours.kernel.shape).toEqual([K, M]);
      expect(ours.bias.shape).toEqual([M]);
      // Sums of N products of numbers in [-1, 1]: relative to the largest entry, float32 reordering stays ~1e-6.
      expect(relativeError(kernel, twin.subarray(0, K * M))).toBeLessThanOrEqual(FORWARD_TOL);
      expect(relativeError(bias, twin.subarray(K * M))).toBeLessThanOrEqual(FORWARD_TOL);
      expect(relativeError(kernel, sk)).toBeLessThanOrEqual(FORWARD_TOL);
      expect(relativeError(bias, sb)).toBeLessThanOrEqual(FORWARD_TOL);
    });
  }

  it('rejects shapes that disagree', () => {
    const x = tf.zeros([2, 3, 12]) as tf.Tensor3D;
    const u = tf.zeros([5, 15]) as tf.Tensor2D;
    const b = tf.zeros([15]) as tf.Tensor1D;
    expect(() => gruSequence(x, u, b)).toThrow(/disagree/);
    tf.dispose([x, u, b]);
  });
});
