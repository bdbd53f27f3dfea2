// CPU twin of shaders/sample_categorical.wgsl: the same contract, in plain typed arrays. It runs on non-WebGPU
// backends and is the oracle the WGSL kernel is tested against.
import { samplerUniform } from './philox';

export interface SampleCpuOptions {
  temperature: number;
  topP?: number;
  topK?: number;
  seed: number;
  counter: number;
  /** [B*V] (one mask per row) or [V] (shared by all rows); nonzero = allowed. */
  mask?: ArrayLike<number> | null;
}

export interface SampleCpuResult {
  tokens: Int32Array;
  logProbs: Float32Array;
  entropy: Float32Array;
}

/**
 * Samples one token per row of `logits` ([rows, vocab], row-major).
 * Order of operations (the WGSL kernel does the same):
 *   1. excluded: masked tokens and logits equal to -Infinity; NaN or +Infinity logits throw.
 *   2. temperature 0: argmax (lowest index on ties), logProb 0 and entropy 0 (the distribution is a point mass).
 *   3. z_i = (logit_i - max) / temperature, w_i = exp(z_i).
 *   4. top-k: keep tokens whose logit is >= the k-th largest allowed logit (ties at the threshold are all kept).
 *   5. top-p: keep tokens whose logit is >= the largest threshold tau with sum_{logit_j >= tau} w_j >= topP * sum w
 *      (the smallest high-probability set with mass >= topP; ties at the threshold are all kept).
 *   6. u = Philox(seed, counter, row) in [0, 1); token = first kept i with cumulative w > u * sum w.
 *   logProbs and entropy are under that final (masked, tempered, truncated, renormalised) distribution.
 */
export function sampleCategoricalCpu(logits: ArrayLike<number>, rows: number, vocab: number, opts: SampleCpuOptions): SampleCpuResult {
  const tokens = new Int32Array(rows);
  const logProbs = new Float32Array(rows);
  const entropy = new Float32Array(rows);
  const topP = opts.topP ?? 1;
  const topK = opts.topK ?? 0;
  const mask = opts.mask ?? null;
  const maskRowStride = mask && mask.length === rows * vocab ? vocab : 0;
  const allowedLogits: number[] = [];
  const allowedIndex: number[] = [];
  for (let row = 0; row < rows; row++) {
    allowedLogits.length = 0;
    allowedIndex.length = 0;
    for (let i = 0; i < vocab; i++) {
      const x = logits[row * vocab + i];
      if (Number.isNaN(x) || x === Infinity) throw new Error(`sampleCategorical: logits[${row}, ${i}] is ${x}; logits must be finite or -Infinity`);
      const allowed = (mask === null || mask[row * maskRowStride + i] !== 0) && x !== -Infinity;
      if (allowed) {
        allowedLogits.push(x);
        allowedIndex.push(i);
      }
    }
    if (allowedIndex.length === 0) throw new Error(`sampleCategorical: row ${row} has no allowed token (all masked or -Infinity)`);
    const max = Math.max(...allowedLogits);
    if (opts.temperature === 0) {
      tokens[row] = allowedIndex[allowedLogits.indexOf(max)];
      logProbs[row] = 0;
      entropy[row] = 0;
      continue;
    }
    const weights = allowedLogits.map((x) => Math.exp((x - max) / opts.temperature));
    const descending = [...allowedLogits].sort((a, b) => b - a);
    let threshold = -Infinity;
    if (topK > 0 && topK < allowedLogits.length) threshold = descending[topK - 1];
    if (topP < 1) threshold = Math.max(threshold, nucleusThreshold(allowedLogits, weights, threshold, topP));
    let total = 0;
    for (let j = 0; j < weights.length; j++) {
      if (allowedLogits[j] < threshold) weights[j] = 0;
      total += weights[j];
    }
    const target = samplerUniform(opts.seed, opts.counter, row) * total;
    let chosen = -1;
    let lastPositive = -1;
    let cumulative = 0;
    for (let j = 0; j < weights.length; j++) {
      if (weights[j] <= 0) continue;
      lastPositive = j;
      cumulative += weights[j];
      if (chosen < 0 && cumulative > target) chosen = j;
    }
    if (chosen < 0) chosen = lastPositive; // u * total rounded up to total
    const logTotal = Math.log(total);
    let weightedZ = 0;
    for (let j = 0; j < weights.length; j++) {
      if (weights[j] > 0) weightedZ += weights[j] * ((allowedLogits[j] - max) / opts.temperature);
    }
    tokens[row] = allowedIndex[chosen];
    logProbs[row] = (allowedLogits[chosen] - max) / opts.temperature - logTotal;
    entropy[row] = logTotal - weightedZ / total;
  }
  return { tokens, logProbs, entropy };
}

/** Largest logit tau (among kept ones) such that the weight of logits >= tau is at least topP of the kept weight. */
function nucleusThreshold(logitsKept: number[], weights: number[], floor: number, topP: number): number {
  const order = logitsKept.map((_, j) => j).filter((j) => logitsKept[j] >= floor);
  order.sort((a, b) => logitsKept[b] - logitsKept[a]);
  let total = 0;
  for (const j of order) total += weights[j];
  let mass = 0;
  for (let n = 0; n < order.length; n++) {
    mass += weights[order[n]];
    const tiedWithNext = n + 1 < order.length && logitsKept[order[n + 1]] === logitsKept[order[n]];
    if (!tiedWithNext && mass >= topP * total) return logitsKept[order[n]];
  }
  return floor;
}
