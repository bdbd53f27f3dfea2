// The fused GRU rollout kernel against its CPU twin, against the step-by-step rollout with stock ops, and
// against the distribution it claims to draw from.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { chiSquareTest } from '../../src/core/kernels/chi_square';
import { gruRollout, GRU_ROLLOUT_MAX_HIDDEN, GRU_ROLLOUT_MAX_VOCAB, setGruRolloutLayouts, type GruRolloutOptions } from '../../src/core/kernels/gruRollout';
import { gruRolloutCpu, type GruRolloutCpuResult } from '../../src/core/kernels/gruRolloutCpu';
import { CharGru, WEIGHT_NAMES, weightShapes, type GruSize } from '../../src/core/models/charGru';
import { sampleSequences } from '../../src/core/rollout';
import { shiftRight, tokenLogProbs } from '../../src/core/sequences';
import { GUARD_START, guardAdvance, guardAllows, smilesTokenKinds, type GuardState } from '../../src/core/tasks/smilesSyntaxGuard';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

/**
 * Weights with non-trivial dynamics: uniform in ±scale/sqrt(fan-in), biases included, and an end-of-sequence
 * bias `eosBias` so rows end at many different lengths.
 */
type WeightValues = Record<(typeof WEIGHT_NAMES)[number], Float32Array>;

function randomValues(size: GruSize, seed: number, eosBias: number, scale = 2.5): WeightValues {
  const next = lcg(seed);
  const shapes = weightShapes(size);
  const values = {} as WeightValues;
  for (const name of WEIGHT_NAMES) {
    const shape = shapes[name];
    const count = shape.reduce((a, b) => a * b, 1);
    const limit = scale / Math.sqrt(shape.length === 2 ? shape[0] : size.hidden);
    values[name] = Float32Array.from({ length: count }, () => (next() * 2 - 1) * limit);
  }
  values.logitsBias[0] += eosBias;
  return values;
}

async function readRollout(out: { tokens: tf.Tensor; mask: tf.Tensor; logProbs: tf.Tensor; values: tf.Tensor }): Promise<GruRolloutCpuResult> {
  const [tokens, mask, logProbs, values] = await Promise.all([out.tokens.data(), out.mask.data(), out.logProbs.data(), out.values.data()]);
  tf.dispose([out.tokens, out.mask, out.logProbs, out.values]);
  return { tokens: tokens as Int32Array, mask: mask as Float32Array, logProbs: logProbs as Float32Array, values: values as Float32Array };
}

interface Agreement {
  rowsAgreeing: number;
  maxLogProbError: number;
  maxValueError: number;
}

/** Rows agree when masks and tokens are equal on every generated step; errors are measured on agreeing rows. */
function compareRollouts(a: GruRolloutCpuResult, b: GruRolloutCpuResult, B: number, T: number): Agreement {
  let rowsAgreeing = 0;
  let maxLogProbError = 0;
  let maxValueError = 0;
  for (let row = 0; row < B; row++) {
    let same = true;
    for (let t = 0; t < T && same; t++) {
      const at = row * T + t;
      same = a.mask[at] === b.mask[at] && (a.mask[at] === 0 || a.tokens[at] === b.tokens[at]);
    }
    if (!same) continue;
    rowsAgreeing++;
    for (let t = 0; t < T; t++) {
      const at = row * T + t;
      if (a.mask[at] === 0) continue;
      maxLogProbError = Math.max(maxLogProbError, Math.abs(a.logProbs[at] - b.logProbs[at]));
      maxValueError = Math.max(maxValueError, Math.abs(a.values[at] - b.values[at]));
    }
  }
  return { rowsAgreeing, maxLogProbError, maxValueError };
}

function lengths(r: GruRolloutCpuResult, B: number, T: number): number[] {
  return Array.from({ length: B }, (_, row) => r.mask.subarray(row * T, (row + 1) * T).reduce((s, x) => s + x, 0));
}

describe('gruRollout on WebGPU', () => {
  const cases: [string, GruSize, number, number, number, number][] = [
    // name, size, batch, steps, temperature, EOS bias
    ['V 28, H 64, T 1', { vocab: 28, embedding: 16, hidden: 64 }, 1024, 24, 1, 0.5],
    ['V 28, H 64, T 0.7', { vocab: 28, embedding: 16, hidden: 64 }, 1024, 24, 0.7, 0],
    ['V 64, H 256 (limits asked for)', { vocab: 64, embedding: 32, hidden: 256 }, 128, 12, 1, 1],
    ['V 5, H 3 (H not a multiple of 4: one unit per pass; fewer units than invocations)', { vocab: 5, embedding: 2, hidden: 3 }, 256, 10, 1.3, -1],
  ];
  for (const [name, size, B, T, temperature, eosBias] of cases) {
    it(`matches the CPU twin: ${name}, B ${B}, T ${T}, temperature ${temperature}`, async () => {
      const values = randomValues(size, 17 + size.hidden, eosBias);
      const model = CharGru.fromValues(size, values, false, 'test');
      const opts: GruRolloutOptions = { batchSize: B, maxLength: T, temperature, seed: 99, counter: 4096 * 3 };
      const gpu = await readRollout(gruRollout(model.weights, opts));
      model.dispose();
      const cpu = gruRolloutCpu(values, opts);
      const agreement = compareRollouts(gpu, cpu, B, T);
      const rowLengths = lengths(cpu, B, T);
      console.log(`${name}: ${agreement.rowsAgreeing}/${B} rows agree, logProb err ${agreement.maxLogProbError.toExponential(2)}, value err ${agreement.maxValueError.toExponential(2)}, lengths ${Math.min(...rowLengths)}..${Math.max(...rowLengths)}`);
      expect(agreement.rowsAgreeing).toBeGreaterThanOrEqual(Math.ceil(0.999 * B));
      expect(agreement.maxLogProbError).toBeLessThanOrEqual(1e-4);
      expect(agreement.maxValueError).toBeLessThanOrEqual(1e-4);
      // The comparison is only worth something if rows end at different steps and the tokens vary.
      expect(new Set(rowLengths).size).toBeGreaterThan(2);
      expect(new Set(cpu.tokens).size).toBeGreaterThan(Math.min(size.vocab, 5) - 1);
    });
  }

  // This machine has only SwiftShader: run the other layouts here too (the real-GPU one: 64 invocations per row,
  // one hidden unit per pass), so the code a real GPU runs is checked against the twin as well.
  for (const layout of [{ workgroupSize: 64, units: 1 }, { workgroupSize: 16, units: 4 }]) {
    it(`matches the CPU twin with ${layout.workgroupSize} invocations per row, ${layout.units} unit(s) per pass`, async () => {
      const size = { vocab: 40, embedding: 16, hidden: 96 };
      const values = randomValues(size, 23, 0.5);
      const model = CharGru.fromValues(size, values, false, 'test');
      const opts: GruRolloutOptions = { batchSize: 256, maxLength: 16, temperature: 1, seed: 5, counter: 77 };
      const previous = setGruRolloutLayouts(layout, layout);
      try {
        const gpu = await readRollout(gruRollout(model.weights, opts));
        const cpu = gruRolloutCpu(values, opts);
        const agreement = compareRollouts(gpu, cpu, opts.batchSize, opts.maxLength);
        expect(agreement.rowsAgreeing).toBeGreaterThanOrEqual(Math.ceil(0.999 * opts.batchSize));
        expect(agreement.maxLogProbError).toBeLessThanOrEqual(1e-4);
        expect(agreement.maxValueError).toBeLessThanOrEqual(1e-4);
      } finally {
        setGruRolloutLayouts(previous.software, previous.hardware);
        model.dispose();
      }
    });
  }

  it('temperature 0 is the greedy decode of the twin, with logProb 0', async () => {
    const size = { vocab: 28, embedding: 16, hidden: 64 };
    const values = randomValues(size, 5, -2);
    const model = CharGru.fromValues(size, values, false, 'test');
    const opts: GruRolloutOptions = { batchSize: 3, maxLength: 20, temperature: 0, seed: 1, counter: 0 };
    const gpu = await readRollout(gruRollout(model.weights, opts));
    model.dispose();
    const cpu = gruRolloutCpu(values, opts);
    expect(Array.from(gpu.tokens)).toEqual(Array.from(cpu.tokens));
    expect(Array.from(gpu.mask)).toEqual(Array.from(cpu.mask));
    expect(gpu.logProbs.every((x) => x === 0)).toBe(true);
  });

  it('draws the same tokens as the step-by-step sampleSequences (stock ops + our sampler)', async () => {
    const size = { vocab: 28, embedding: 32, hidden: 128 };
    const values = randomValues(size, 41, 0.5);
    const model = CharGru.fromValues(size, values, false, 'test');
    const B = 1024;
    const T = 16;
    const opts = { batchSize: B, maxLength: T, temperature: 1, seed: 7, counter: 4096 * 11 };
    const fused = await readRollout(sampleSequences(model, opts));
    const stepwise = await readRollout(sampleSequences(model, { ...opts, fused: false }));
    model.dispose();
    const agreement = compareRollouts(fused, stepwise, B, T);
    console.log(`fused vs step-by-step: ${agreement.rowsAgreeing}/${B} rows agree, logProb err ${agreement.maxLogProbError.toExponential(2)}, value err ${agreement.maxValueError.toExponential(2)}`);
    expect(agreement.rowsAgreeing).toBeGreaterThanOrEqual(Math.ceil(0.999 * B));
    expect(agreement.maxLogProbError).toBeLessThanOrEqual(1e-4);
    expect(agreement.maxValueError).toBeLessThanOrEqual(1e-4);
  });

  describe('with the SMILES syntax guard', () => {
    // A small SMILES-like vocabulary whose logits favour ")" and the end token, so the guard's rules bind often.
    const vocabulary = ['<eos>', 'C', 'c', 'O', 'N', '=', '(', ')', '1', '2', '3', '%10'];
    const kinds = smilesTokenKinds(vocabulary);
    const size = { vocab: vocabulary.length, embedding: 8, hidden: 48 };
    const guardedValues = () => {
      const values = randomValues(size, 31, 1.5);
      values.logitsBias[vocabulary.indexOf(')')] += 2;
      values.logitsBias[vocabulary.indexOf('(')] += 1;
      values.logitsBias[vocabulary.indexOf('1')] += 1;
      return values;
    };
    const opts: GruRolloutOptions = { batchSize: 512, maxLength: 20, temperature: 1, seed: 13, counter: 4096 * 5, syntaxGuard: kinds };

    /** Steps (over all rows) where a token the rules forbid was drawn, and rows that drew the end token. */
    function audit(r: GruRolloutCpuResult, B: number, T: number) {
      let broken = 0;
      let ended = 0;
      for (let row = 0; row < B; row++) {
        let state: GuardState = GUARD_START;
        for (let t = 0; t < T && r.mask[row * T + t] === 1; t++) {
          const token = r.tokens[row * T + t];
          if (!guardAllows(kinds, state, token, T - t)) broken++;
          if (token === 0) ended++;
          state = guardAdvance(kinds, state, token);
        }
      }
      return { broken, ended };
    }

    it('matches the CPU twin, and never draws a token the rules forbid', async () => {
      const values = guardedValues();
      const model = CharGru.fromValues(size, values, false, 'test');
      const gpu = await readRollout(gruRollout(model.weights, opts));
      const unguarded = await readRollout(gruRollout(model.weights, { ...opts, syntaxGuard: null }));
      model.dispose();
      const cpu = gruRolloutCpu(values, opts);
      const agreement = compareRollouts(gpu, cpu, opts.batchSize, opts.maxLength);
      expect(agreement.rowsAgreeing).toBeGreaterThanOrEqual(Math.ceil(0.999 * opts.batchSize));
      expect(agreement.maxLogProbError).toBeLessThanOrEqual(1e-4);
      const guarded = audit(gpu, opts.batchSize, opts.maxLength);
      expect(guarded.broken).toBe(0);
      expect(guarded.ended).toBe(opts.batchSize); // the budget rule ends every row within its T steps
      // Without the guard the same weights break the rules often: the audit can fail.
      expect(audit(unguarded, opts.batchSize, opts.maxLength).broken).toBeGreaterThan(opts.batchSize / 4);
    });

    it('gives the log-probabilities of the guarded teacher-forced pass, and the step-by-step path draws the same', async () => {
      const model = CharGru.fromValues(size, guardedValues(), false, 'test');
      model.syntaxGuard = kinds;
      const { syntaxGuard: _, ...sampling } = opts;
      const fused = sampleSequences(model, sampling);
      const teacherForced = tf.tidy(() => tokenLogProbs(model.forwardSequence(shiftRight(fused.tokens)).logits, fused.tokens));
      const [scored, fusedResult] = [await teacherForced.data(), await readRollout(fused)];
      teacherForced.dispose();
      const stepwise = await readRollout(sampleSequences(model, { ...sampling, fused: false }));
      model.dispose();
      let worst = 0;
      for (let i = 0; i < scored.length; i++) if (fusedResult.mask[i] === 1) worst = Math.max(worst, Math.abs(scored[i] - fusedResult.logProbs[i]));
      expect(worst).toBeLessThanOrEqual(1e-4);
      const agreement = compareRollouts(fusedResult, stepwise, opts.batchSize, opts.maxLength);
      expect(agreement.rowsAgreeing).toBeGreaterThanOrEqual(Math.ceil(0.999 * opts.batchSize));
      expect(agreement.maxLogProbError).toBeLessThanOrEqual(1e-4);
    });
  });

  it('first-step tokens follow the softmax of the first logits (chi-square)', async () => {
    const size = { vocab: 28, embedding: 16, hidden: 64 };
    const values = randomValues(size, 3, 0, 6);
    const model = CharGru.fromValues(size, values, false, 'test');
    const temperature = 0.8;
    // The first step is the same for every row: zero state, input EOS. Its logits, from stock tfjs ops:
    const firstLogits = tf.tidy(() => model.logits(model.step(model.projectTokens(tf.tensor1d([0], 'int32')), model.zeroState(1))));
    const logits = Array.from(await firstLogits.data());
    firstLogits.dispose();
    const max = Math.max(...logits);
    const w = logits.map((x) => Math.exp((x - max) / temperature));
    const total = w.reduce((a, b) => a + b, 0);
    const probabilities = w.map((x) => x / total);
    const counts = new Array<number>(size.vocab).fill(0);
    for (let call = 0; call < 4; call++) {
      const out = await readRollout(gruRollout(model.weights, { batchSize: 4096, maxLength: 1, temperature, seed: 2024, counter: call * 4096 }));
      for (const token of out.tokens) counts[token]++;
    }
    model.dispose();
    const fit = chiSquareTest(counts, probabilities);
    console.log(`chi-square first step: statistic ${fit.statistic.toFixed(1)}, dof ${fit.dof}, p = ${fit.pValue.toFixed(4)}`);
    expect(fit.impossible).toBe(0);
    expect(fit.pValue).toBeGreaterThan(0.001);
  });

  it('masks are 1 up to and including the end token, and zeros follow it', async () => {
    const size = { vocab: 12, embedding: 8, hidden: 32 };
    const model = CharGru.fromValues(size, randomValues(size, 8, 1), false, 'test');
    const B = 256;
    const T = 20;
    const out = await readRollout(gruRollout(model.weights, { batchSize: B, maxLength: T, temperature: 1, seed: 3, counter: 0 }));
    model.dispose();
    let ended = 0;
    let full = 0;
    for (let row = 0; row < B; row++) {
      const tokens = Array.from(out.tokens.subarray(row * T, (row + 1) * T));
      const end = tokens.indexOf(0);
      const length = end < 0 ? T : end + 1;
      if (end >= 0 && end < T - 1) ended++;
      if (end < 0) full++;
      for (let t = 0; t < T; t++) {
        const at = row * T + t;
        expect(out.mask[at]).toBe(t < length ? 1 : 0);
        if (t >= length) {
          expect(out.tokens[at]).toBe(0);
          expect(out.logProbs[at]).toBe(0);
          expect(out.values[at]).toBe(0);
        } else {
          expect(out.logProbs[at]).toBeLessThanOrEqual(0);
          expect(Number.isFinite(out.logProbs[at])).toBe(true);
        }
      }
    }
    // Both kinds of row must occur, or this test proves nothing.
    expect(ended).toBeGreaterThan(10);
    expect(full).toBeGreaterThan(0);
  });

  it('leaves the tensor count flat across rollouts', async () => {
    const size = { vocab: 28, embedding: 16, hidden: 64 };
    const model = CharGru.fromValues(size, randomValues(size, 9, 0), false, 'test');
    const once = async (counter: number) => {
      const out = sampleSequences(model, { batchSize: 32, maxLength: 16, temperature: 1, seed: 1, counter });
      await readRollout(out);
    };
    await once(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 5; i++) await once(i * 4096);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad input with a clear message', () => {
    const make = (size: GruSize) => CharGru.fromValues(size, randomValues(size, 1, 0), false, 'test');
    const ok: GruRolloutOptions = { batchSize: 2, maxLength: 4, temperature: 1, seed: 1, counter: 0 };
    const big = make({ vocab: 4, embedding: 2, hidden: GRU_ROLLOUT_MAX_HIDDEN + 1 });
    expect(() => gruRollout(big.weights, ok)).toThrow(/hidden size 513 exceeds/);
    big.dispose();
    const wide = make({ vocab: GRU_ROLLOUT_MAX_VOCAB + 1, embedding: 2, hidden: 4 });
    expect(() => gruRollout(wide.weights, ok)).toThrow(/vocabulary size 257 exceeds/);
    wide.dispose();
    const small = make({ vocab: 4, embedding: 2, hidden: 4 });
    expect(() => gruRollout(small.weights, { ...ok, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => gruRollout(small.weights, { ...ok, maxLength: 1.5 })).toThrow(/maxLength/);
    expect(() => gruRollout(small.weights, { ...ok, temperature: -1 })).toThrow(/temperature/);
    expect(() => gruRollout(small.weights, { ...ok, temperature: Number.NaN })).toThrow(/temperature/);
    expect(() => gruRollout(small.weights, { ...ok, seed: -1 })).toThrow(/seed/);
    expect(() => gruRollout(small.weights, { ...ok, counter: 0xffffffff })).toThrow(/counter/);
    const wrong = { ...small.weights, logitsKernel: tf.zeros([4, 5]) };
    expect(() => gruRollout(wrong, ok)).toThrow(/logitsKernel must have shape \[4,4\]/);
    wrong.logitsKernel.dispose();
    small.dispose();
  });
});
