// The WGSL sampler against its CPU twin and against the distributions it claims to draw from.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { sampleCategorical, sampleCategoricalCpu, MAX_VOCAB, type SampleOptions } from '../../src/core/kernels/index';
import { chiSquareTest } from '../../src/core/kernels/chi_square';
import { lcg, useWebGpuAndWatchErrors } from './gpuTestKit';

useWebGpuAndWatchErrors();

function randomLogits(count: number, seed: number, scale = 3): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length: count }, () => (next() * 2 - 1) * scale);
}

function softmax(logits: ArrayLike<number>, temperature = 1, allowed?: (i: number) => boolean): number[] {
  const xs = Array.from(logits);
  const ok = xs.map((_, i) => (allowed ? allowed(i) : true));
  const max = Math.max(...xs.filter((_, i) => ok[i]));
  const w = xs.map((x, i) => (ok[i] ? Math.exp((x - max) / temperature) : 0));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/** Runs the GPU sampler and reads everything back. */
async function sampleGpu(logits: Float32Array, rows: number, vocab: number, opts: Omit<SampleOptions, 'mask'>, mask?: tf.Tensor) {
  const x = tf.tensor2d(logits, [rows, vocab]);
  const out = sampleCategorical(x, { ...opts, mask });
  const [tokens, logProbs, entropy] = await Promise.all([out.tokens.data(), out.logProbs.data(), out.entropy.data()]);
  tf.dispose([x, out.tokens, out.logProbs, out.entropy]);
  return { tokens: tokens as Int32Array, logProbs: logProbs as Float32Array, entropy: entropy as Float32Array };
}

/** Counts over `calls` batches of `rows` copies of one distribution (counter = call index). */
async function histogram(logits: Float32Array, rows: number, calls: number, opts: Omit<SampleOptions, 'counter' | 'seed' | 'mask'>, mask?: tf.Tensor) {
  const vocab = logits.length;
  const batch = new Float32Array(rows * vocab);
  for (let r = 0; r < rows; r++) batch.set(logits, r * vocab);
  const x = tf.tensor2d(batch, [rows, vocab]);
  const counts = new Array<number>(vocab).fill(0);
  const pending: tf.Tensor[] = [];
  for (let call = 0; call < calls; call++) {
    const out = sampleCategorical(x, { ...opts, seed: 2024, counter: call, mask });
    tf.dispose([out.logProbs, out.entropy]);
    pending.push(out.tokens);
  }
  const all = tf.concat(pending);
  const tokens = (await all.data()) as Int32Array;
  tf.dispose([x, all, ...pending]);
  for (const t of tokens) counts[t]++;
  return counts;
}

describe('sampleCategorical on WebGPU', () => {
  const cases: [string, Omit<SampleOptions, 'seed' | 'counter' | 'mask'>, number][] = [
    ['temperature 1', { temperature: 1 }, 45],
    ['temperature 0.7 + top-k 10', { temperature: 0.7, topK: 10 }, 45],
    ['top-p 0.9', { temperature: 1, topP: 0.9 }, 30],
    ['top-k 50 + top-p 0.8, V = 300', { temperature: 1.3, topK: 50, topP: 0.8 }, 300],
    ['V = MAX_VOCAB', { temperature: 1 }, MAX_VOCAB],
  ];
  for (const [name, opts, vocab] of cases) {
    it(`agrees with the CPU twin token for token (${name})`, async () => {
      // Float rounding differs (GPU f32 chunked sums vs CPU doubles), so a draw landing within ~1e-7 of a CDF
      // boundary may flip: allow 0.1%, over enough rows for that allowance to mean something.
      const rows = vocab > 256 ? 2048 : 4096;
      const logits = randomLogits(rows * vocab, vocab);
      const full = { ...opts, seed: 77, counter: 4096 * 3 + 5 };
      const gpu = await sampleGpu(logits, rows, vocab, full);
      const cpu = sampleCategoricalCpu(logits, rows, vocab, full);
      let agree = 0;
      let maxLogProbError = 0;
      let maxEntropyError = 0;
      for (let r = 0; r < rows; r++) {
        if (gpu.tokens[r] === cpu.tokens[r]) {
          agree++;
          maxLogProbError = Math.max(maxLogProbError, Math.abs(gpu.logProbs[r] - cpu.logProbs[r]));
        }
        maxEntropyError = Math.max(maxEntropyError, Math.abs(gpu.entropy[r] - cpu.entropy[r]));
      }
      console.log(`${name}: agreement ${agree}/${rows}, max |logProb error| ${maxLogProbError.toExponential(2)}, max |entropy error| ${maxEntropyError.toExponential(2)}`);
      expect(agree / rows).toBeGreaterThanOrEqual(0.999);
      expect(maxLogProbError).toBeLessThan(1e-5);
      expect(maxEntropyError).toBeLessThan(1e-5);
    });
  }

  it('logProbs equal log-softmax (with temperature) at the chosen token', async () => {
    const rows = 256;
    const vocab = 40;
    const logits = randomLogits(rows * vocab, 9);
    const gpu = await sampleGpu(logits, rows, vocab, { temperature: 0.5, seed: 1, counter: 1 });
    let maxError = 0;
    for (let r = 0; r < rows; r++) {
      const p = softmax(logits.subarray(r * vocab, (r + 1) * vocab), 0.5);
      maxError = Math.max(maxError, Math.abs(gpu.logProbs[r] - Math.log(p[gpu.tokens[r]])));
    }
    console.log(`log-softmax check: max error ${maxError.toExponential(2)}`);
    expect(maxError).toBeLessThan(1e-5);
  });

  const peaked = Float32Array.from([5, 0, 0, 2, -2, 0, 0, 0, 1, 0]);
  const flat = new Float32Array(40);
  const random = randomLogits(45, 123);
  for (const [name, logits] of [['flat', flat], ['peaked', peaked], ['random', random]] as const) {
    for (const temperature of [1, 0.5]) {
      it(`fits the ${name} distribution at temperature ${temperature} (chi-square over 102,400 draws)`, async () => {
        const counts = await histogram(logits, 4096, 25, { temperature });
        const fit = chiSquareTest(counts, softmax(logits, temperature));
        console.log(`chi-square ${name} T=${temperature}: statistic ${fit.statistic.toFixed(1)}, dof ${fit.dof}, p = ${fit.pValue.toFixed(4)}`);
        expect(fit.impossible).toBe(0);
        expect(fit.pValue).toBeGreaterThan(0.001);
      });
    }
  }

  it('top-k and top-p never emit an excluded token and match the renormalised distribution', async () => {
    const logits = randomLogits(30, 31);
    const p = softmax(logits);
    const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
    const keepTopK = new Set(order.slice(0, 6));
    const kCounts = await histogram(logits, 4096, 25, { temperature: 1, topK: 6 });
    const kFit = chiSquareTest(kCounts, softmax(logits, 1, (i) => keepTopK.has(i)));
    const nucleus = new Set<number>();
    let mass = 0;
    for (const i of order) {
      if (mass >= 0.75) break;
      nucleus.add(i);
      mass += p[i];
    }
    const pCounts = await histogram(logits, 4096, 25, { temperature: 1, topP: 0.75 });
    const pFit = chiSquareTest(pCounts, softmax(logits, 1, (i) => nucleus.has(i)));
    console.log(`top-k 6: p = ${kFit.pValue.toFixed(4)}; top-p 0.75 (${nucleus.size} tokens): p = ${pFit.pValue.toFixed(4)}`);
    expect(kFit.impossible).toBe(0);
    expect(pFit.impossible).toBe(0);
    expect(kFit.pValue).toBeGreaterThan(0.001);
    expect(pFit.pValue).toBeGreaterThan(0.001);
  });

  it('temperature 0 gives the argmax (lowest index on ties), logProb 0 and entropy 0', async () => {
    const rows = 300;
    const vocab = 64;
    const logits = randomLogits(rows * vocab, 5);
    logits[7 * vocab + 3] = 10; // a tie: the lowest index wins
    logits[7 * vocab + 9] = 10;
    const gpu = await sampleGpu(logits, rows, vocab, { temperature: 0, seed: 3, counter: 0 });
    for (let r = 0; r < rows; r++) {
      const row = Array.from(logits.subarray(r * vocab, (r + 1) * vocab));
      expect(gpu.tokens[r]).toBe(row.indexOf(Math.max(...row)));
    }
    expect(gpu.tokens[7]).toBe(3);
    expect(Array.from(gpu.logProbs).every((x) => x === 0)).toBe(true);
    expect(Array.from(gpu.entropy).every((x) => x === 0)).toBe(true);
  });

  it('every row, including row 0, follows its own distribution', async () => {
    // Row r puts most of its mass on token r % 8: eight different distributions interleaved across 4096 rows.
    const rows = 4096;
    const vocab = 8;
    const logits = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) logits[r * vocab + (r % vocab)] = 2;
    const x = tf.tensor2d(logits, [rows, vocab]);
    const counts = Array.from({ length: vocab }, () => new Array<number>(vocab).fill(0));
    const rowZero = new Array<number>(vocab).fill(0);
    for (let call = 0; call < 25; call++) {
      const out = sampleCategorical(x, { temperature: 1, seed: 11, counter: call });
      const tokens = (await out.tokens.data()) as Int32Array;
      tf.dispose([out.tokens, out.logProbs, out.entropy]);
      tokens.forEach((t, r) => counts[r % vocab][t]++);
    }
    x.dispose();
    // Row 0 on its own, across many calls (tfjs's Multinomial always gives row 0 its first outcome).
    const single = tf.tensor2d(logits.subarray(0, vocab), [1, vocab]);
    const pending: tf.Tensor[] = [];
    for (let call = 0; call < 400; call++) {
      const out = sampleCategorical(single, { temperature: 1, seed: 11, counter: call });
      tf.dispose([out.logProbs, out.entropy]);
      pending.push(out.tokens);
    }
    const all = tf.concat(pending);
    for (const t of (await all.data()) as Int32Array) rowZero[t]++;
    tf.dispose([single, all, ...pending]);
    for (let d = 0; d < vocab; d++) {
      const expected = softmax(logits.subarray(d * vocab, (d + 1) * vocab));
      const fit = chiSquareTest(counts[d], expected);
      expect(fit.pValue, `rows ≡ ${d} (mod 8)`).toBeGreaterThan(0.001);
    }
    const fitRowZero = chiSquareTest(rowZero, softmax(logits.subarray(0, vocab)));
    console.log(`row 0 alone over 400 calls: counts ${rowZero.join(',')}, p = ${fitRowZero.pValue.toFixed(4)}`);
    expect(fitRowZero.pValue).toBeGreaterThan(0.001);
    expect(rowZero[0]).toBeLessThan(400);
  });

  it('same seed gives identical tokens, a different seed or counter gives different ones', async () => {
    const rows = 1024;
    const vocab = 45;
    const logits = randomLogits(rows * vocab, 8);
    const a = await sampleGpu(logits, rows, vocab, { temperature: 1, seed: 5, counter: 10 });
    const b = await sampleGpu(logits, rows, vocab, { temperature: 1, seed: 5, counter: 10 });
    const c = await sampleGpu(logits, rows, vocab, { temperature: 1, seed: 6, counter: 10 });
    const d = await sampleGpu(logits, rows, vocab, { temperature: 1, seed: 5, counter: 11 });
    expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
    const differ = (x: Int32Array, y: Int32Array) => x.reduce((n, t, i) => n + (t !== y[i] ? 1 : 0), 0);
    expect(differ(a.tokens, c.tokens)).toBeGreaterThan(rows / 2);
    expect(differ(a.tokens, d.tokens)).toBeGreaterThan(rows / 2);
  });

  it('never draws masked tokens (shared bool mask, per-row float mask), logProbs renormalised', async () => {
    const rows = 2048;
    const vocab = 12;
    const logits = randomLogits(rows * vocab, 4, 1);
    const sharedAllowed = [0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0];
    const shared = tf.tensor1d(sharedAllowed.map((a) => a === 1), 'bool');
    const s = await sampleGpu(logits, rows, vocab, { temperature: 1, seed: 2, counter: 0 }, shared);
    shared.dispose();
    for (let r = 0; r < rows; r++) {
      expect(sharedAllowed[s.tokens[r]]).toBe(1);
      const p = softmax(logits.subarray(r * vocab, (r + 1) * vocab), 1, (i) => sharedAllowed[i] === 1);
      expect(Math.abs(s.logProbs[r] - Math.log(p[s.tokens[r]]))).toBeLessThan(1e-5);
    }
    const perRowData = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) {
      perRowData[r * vocab + (r % vocab)] = 1;
      perRowData[r * vocab + ((r * 5) % vocab)] = 1;
    }
    const perRow = tf.tensor2d(perRowData, [rows, vocab]);
    const m = await sampleGpu(logits, rows, vocab, { temperature: 1, seed: 2, counter: 0 }, perRow);
    perRow.dispose();
    for (let r = 0; r < rows; r++) expect(perRowData[r * vocab + m.tokens[r]]).toBe(1);
  });

  it('leaves the tensor count unchanged, inside and outside tf.tidy', async () => {
    const logits = tf.tensor2d(randomLogits(64 * 40, 1), [64, 40]);
    const mask = tf.ones([40]);
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => {
      const out = sampleCategorical(logits, { temperature: 1, topK: 5, topP: 0.9, seed: 1, counter: 1, mask });
      return out.tokens;
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    await kept.data();
    kept.dispose();
    const out = sampleCategorical(logits, { temperature: 0.5, seed: 1, counter: 2 });
    tf.dispose([out.tokens, out.logProbs, out.entropy]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, mask]);
  });

  it('bad input: clear errors from the wrapper, and poisoned rows are flagged, not silently sampled', async () => {
    const opts = { temperature: 1, seed: 0, counter: 0 };
    const wide = tf.zeros([2, MAX_VOCAB + 1]) as tf.Tensor2D;
    expect(() => sampleCategorical(wide, opts)).toThrow(/vocabulary size 1025 exceeds the supported maximum of 1024/);
    wide.dispose();
    const x = tf.zeros([2, 4]) as tf.Tensor2D;
    const badMask = tf.ones([3, 4]);
    expect(() => sampleCategorical(x, { ...opts, mask: badMask })).toThrow(/mask must have shape \[2, 4\] or \[4\]/);
    expect(() => sampleCategorical(tf.zeros([8]) as unknown as tf.Tensor2D, opts)).toThrow(/logits must be 2-D/);
    expect(() => sampleCategorical(x, { ...opts, temperature: -1 })).toThrow(/temperature/);
    tf.dispose([x, badMask]);
    // NaN in row 1 (no readback on WebGPU): that row says token -1 and NaN; row 0 is sampled normally.
    const gpu = await sampleGpu(Float32Array.from([0, 1, 2, 3, 0, NaN, 2, 3]), 2, 4, opts);
    expect(gpu.tokens[0]).toBeGreaterThanOrEqual(0);
    expect(gpu.tokens[1]).toBe(-1);
    expect(Number.isNaN(gpu.logProbs[1])).toBe(true);
    expect(Number.isNaN(gpu.entropy[1])).toBe(true);
    // -Infinity is a legal way to exclude a token.
    const inf = await sampleGpu(Float32Array.from([-Infinity, 0, -Infinity, -Infinity]), 1, 4, opts);
    expect(inf.tokens[0]).toBe(1);
    expect(inf.logProbs[0]).toBe(0);
  });
});
