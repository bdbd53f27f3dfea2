import { describe, expect, it } from 'vitest';
import { sampleCategoricalCpu } from '../../src/core/kernels/sample_categorical_cpu';
import { chiSquarePValue, chiSquareTest } from '../../src/core/kernels/chi_square';

function softmax(logits: number[], temperature = 1): number[] {
  const max = Math.max(...logits);
  const w = logits.map((x) => Math.exp((x - max) / temperature));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/** Draw `calls` batches of `rows` identical rows; returns counts per token. */
function histogram(logits: number[], rows: number, calls: number, opts: { temperature: number; topP?: number; topK?: number; mask?: number[] }) {
  const vocab = logits.length;
  const batch = new Float32Array(rows * vocab);
  for (let r = 0; r < rows; r++) batch.set(logits, r * vocab);
  const counts = new Array<number>(vocab).fill(0);
  for (let call = 0; call < calls; call++) {
    const { tokens } = sampleCategoricalCpu(batch, rows, vocab, { ...opts, seed: 99, counter: call });
    for (const t of tokens) counts[t]++;
  }
  return counts;
}

function randomLogits(vocab: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: vocab }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 6 - 3;
  });
}

describe('chi-square p-value', () => {
  it('matches tabulated critical values', () => {
    expect(chiSquarePValue(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquarePValue(18.307, 10)).toBeCloseTo(0.05, 3);
    expect(chiSquarePValue(29.588, 10)).toBeCloseTo(0.001, 4);
    expect(chiSquarePValue(124.342, 100)).toBeCloseTo(0.05, 3);
  });
  it('rejects a biased histogram', () => {
    expect(chiSquareTest([600, 400], [0.5, 0.5]).pValue).toBeLessThan(1e-6);
  });
});

describe('sampleCategoricalCpu', () => {
  const peaked = [4, 0, 0, 1, -2, 0, 0, 0];
  const flat = new Array(40).fill(0);
  const random = randomLogits(45, 5);
  for (const [name, logits] of [['flat', flat], ['peaked', peaked], ['random', random]] as const) {
    for (const temperature of [1, 0.5]) {
      it(`fits the ${name} distribution at temperature ${temperature} (chi-square, 100,000 draws)`, () => {
        const counts = histogram([...logits], 1000, 100, { temperature });
        const result = chiSquareTest(counts, softmax([...logits], temperature));
        expect(result.pValue).toBeGreaterThan(0.001);
      });
    }
  }

  it('top-k and top-p never emit an excluded token and match the renormalised distribution', () => {
    const logits = randomLogits(30, 11);
    const p = softmax(logits);
    const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
    const topK = new Array(30).fill(0);
    for (const i of order.slice(0, 5)) topK[i] = p[i];
    const kCounts = histogram(logits, 1000, 50, { temperature: 1, topK: 5 });
    const kFit = chiSquareTest(kCounts, topK.map((x) => x / topK.reduce((a, b) => a + b, 0)));
    expect(kFit.impossible).toBe(0);
    expect(kFit.pValue).toBeGreaterThan(0.001);

    const nucleus = new Array(30).fill(0);
    let mass = 0;
    for (const i of order) {
      if (mass >= 0.7) break;
      nucleus[i] = p[i];
      mass += p[i];
    }
    const pCounts = histogram(logits, 1000, 50, { temperature: 1, topP: 0.7 });
    const pFit = chiSquareTest(pCounts, nucleus.map((x) => x / mass));
    expect(pFit.impossible).toBe(0);
    expect(pFit.pValue).toBeGreaterThan(0.001);
  });

  it('temperature 0 returns the argmax with logProb 0 and entropy 0', () => {
    const out = sampleCategoricalCpu(new Float32Array([0, 3, 1, 3, 2, -1]), 2, 3, { temperature: 0, seed: 1, counter: 0 });
    expect(Array.from(out.tokens)).toEqual([1, 0]);
    expect(Array.from(out.logProbs)).toEqual([0, 0]);
    expect(Array.from(out.entropy)).toEqual([0, 0]);
  });

  it('logProbs equal log-softmax at the chosen token; entropy is the softmax entropy', () => {
    const logits = randomLogits(45 * 64, 3);
    const out = sampleCategoricalCpu(new Float32Array(logits), 64, 45, { temperature: 0.7, seed: 5, counter: 9 });
    for (let r = 0; r < 64; r++) {
      const p = softmax(Array.from(new Float32Array(logits.slice(r * 45, r * 45 + 45))), 0.7);
      expect(out.logProbs[r]).toBeCloseTo(Math.log(p[out.tokens[r]]), 5);
      expect(out.entropy[r]).toBeCloseTo(-p.reduce((h, q) => h + (q > 0 ? q * Math.log(q) : 0), 0), 5);
    }
  });

  it('never draws masked tokens, with a per-row or a shared mask', () => {
    const logits = new Float32Array(200 * 6).fill(0);
    const shared = [1, 0, 1, 0, 0, 1];
    const out = sampleCategoricalCpu(logits, 200, 6, { temperature: 1, seed: 3, counter: 1, mask: shared });
    for (const t of out.tokens) expect(shared[t]).toBe(1);
    for (const lp of out.logProbs) expect(lp).toBeCloseTo(Math.log(1 / 3), 6);
    const perRow = new Float32Array(200 * 6);
    for (let r = 0; r < 200; r++) perRow[r * 6 + (r % 6)] = 1;
    const forced = sampleCategoricalCpu(logits, 200, 6, { temperature: 1, seed: 3, counter: 1, mask: perRow });
    forced.tokens.forEach((t, r) => expect(t).toBe(r % 6));
  });

  it('is deterministic in the seed and counter, and row 0 is not special', () => {
    const logits = new Float32Array(4096 * 8).fill(0);
    const a = sampleCategoricalCpu(logits, 4096, 8, { temperature: 1, seed: 1, counter: 0 });
    const b = sampleCategoricalCpu(logits, 4096, 8, { temperature: 1, seed: 1, counter: 0 });
    const c = sampleCategoricalCpu(logits, 4096, 8, { temperature: 1, seed: 2, counter: 0 });
    expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
    expect(Array.from(a.tokens)).not.toEqual(Array.from(c.tokens));
    const rowZero = new Array(8).fill(0);
    for (let call = 0; call < 2000; call++) rowZero[sampleCategoricalCpu(logits.subarray(0, 8), 1, 8, { temperature: 1, seed: 4, counter: call }).tokens[0]]++;
    expect(chiSquareTest(rowZero, new Array(8).fill(1 / 8)).pValue).toBeGreaterThan(0.001);
  });

  it('throws clearly on NaN logits and rows with nothing allowed', () => {
    expect(() => sampleCategoricalCpu(new Float32Array([0, NaN]), 1, 2, { temperature: 1, seed: 0, counter: 0 })).toThrow(/logits\[0, 1\] is NaN/);
    expect(() => sampleCategoricalCpu(new Float32Array([0, 1]), 1, 2, { temperature: 1, seed: 0, counter: 0, mask: [0, 0] })).toThrow(/no allowed token/);
  });
});
