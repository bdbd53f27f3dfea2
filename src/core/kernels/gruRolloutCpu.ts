// CPU twin of shaders/gru_rollout.wgsl: the same contract in plain typed arrays. It runs on non-WebGPU backends
// and is the oracle the WGSL kernel is tested against. Sampling goes through sampleCategoricalCpu, so the twin
// draws with the very Philox stream and inverse-CDF rule of our sampler.
import type { GruWeights } from '../models/charGru';
import { GUARD_START, guardAdvance, guardAllows, MASKED_LOGIT, type GuardState } from '../tasks/smilesSyntaxGuard';
import { sampleCategoricalCpu } from './sample_categorical_cpu';

export interface GruRolloutCpuOptions {
  batchSize: number;
  maxLength: number;
  temperature: number;
  seed: number;
  counter: number;
  /** Token kinds of the SMILES syntax guard; null or absent: no guard. */
  syntaxGuard?: Int32Array | null;
}

export interface GruRolloutCpuResult {
  tokens: Int32Array; // [B*T]
  mask: Float32Array;
  logProbs: Float32Array;
  values: Float32Array;
}

const EOS = 0;

function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/**
 * Contract (the WGSL kernel does the same, one workgroup per row):
 *   h_0 = 0, x_0 = EOS. For t = 0 .. T-1 while the row has not ended:
 *     p = (E[x_t]·W_x + b_x)                                   (a row of the [V, 3H] input-projection table)
 *     r = σ(p_r + h·U_r + b_r), z = σ(p_z + h·U_z + b_z), n = tanh(p_n + r ⊙ (h·U_n + b_n)), h = (1 − z) ⊙ n + z ⊙ h
 *     logits = h·W_o + b_o, value = h·w_v + b_v; with a syntax guard, the tokens it forbids after x_1 … x_t, with T − t
 *     steps left, get MASKED_LOGIT
 *     x_{t+1} ~ sampleCategorical(logits, temperature, seed, counter + t, row); logProb of that draw
 *     mask 1; the row ends after a step that drew EOS.
 *   After the end: token EOS, mask 0, logProb 0, value 0.
 */
export function gruRolloutCpu(w: { [K in keyof GruWeights]: ArrayLike<number> }, opts: GruRolloutCpuOptions): GruRolloutCpuResult {
  const { batchSize: B, maxLength: T } = opts;
  const V = w.logitsBias.length;
  const H = w.recurrentBias.length / 3;
  const E = w.embedding.length / V;
  const H3 = 3 * H;
  const table = new Float32Array(V * H3);
  for (let v = 0; v < V; v++) {
    for (let j = 0; j < H3; j++) {
      let acc = w.inputBias[j];
      for (let e = 0; e < E; e++) acc += w.embedding[v * E + e] * w.inputKernel[e * H3 + j];
      table[v * H3 + j] = acc;
    }
  }
  const out: GruRolloutCpuResult = {
    tokens: new Int32Array(B * T),
    mask: new Float32Array(B * T),
    logProbs: new Float32Array(B * T),
    values: new Float32Array(B * T),
  };
  let h = new Float32Array(B * H);
  let next = new Float32Array(B * H);
  const input = new Int32Array(B).fill(EOS);
  const alive = new Uint8Array(B).fill(1);
  const logits = new Float32Array(B * V);
  const value = new Float32Array(B);
  const guard = opts.syntaxGuard ?? null;
  const guardStates: GuardState[] = Array.from({ length: B }, () => GUARD_START);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue; // its stale logits are drawn from below, and ignored
      const hb = b * H;
      const p = input[b] * H3;
      for (let u = 0; u < H; u++) {
        let hr = w.recurrentBias[u];
        let hz = w.recurrentBias[H + u];
        let hn = w.recurrentBias[2 * H + u];
        for (let k = 0; k < H; k++) {
          const hk = h[hb + k];
          hr += hk * w.recurrentKernel[k * H3 + u];
          hz += hk * w.recurrentKernel[k * H3 + H + u];
          hn += hk * w.recurrentKernel[k * H3 + 2 * H + u];
        }
        const r = sigmoid(table[p + u] + hr);
        const z = sigmoid(table[p + H + u] + hz);
        const n = Math.tanh(table[p + 2 * H + u] + r * hn);
        next[hb + u] = (1 - z) * n + z * h[hb + u];
      }
      for (let j = 0; j < V; j++) {
        let acc = w.logitsBias[j];
        for (let k = 0; k < H; k++) acc += next[hb + k] * w.logitsKernel[k * V + j];
        logits[b * V + j] = acc;
      }
      if (guard) {
        for (let j = 0; j < V; j++) if (!guardAllows(guard, guardStates[b], j, T - t)) logits[b * V + j] = MASKED_LOGIT;
      }
      let v = w.valueBias[0];
      for (let k = 0; k < H; k++) v += next[hb + k] * w.valueKernel[k];
      value[b] = v;
    }
    [h, next] = [next, h];
    // All rows at once, so each row gets its own row index in the sampler's Philox counter.
    const drawn = sampleCategoricalCpu(logits, B, V, { temperature: opts.temperature, seed: opts.seed, counter: opts.counter + t });
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue;
      const at = b * T + t;
      out.tokens[at] = drawn.tokens[b];
      out.mask[at] = 1;
      out.logProbs[at] = drawn.logProbs[b];
      out.values[at] = value[b];
      input[b] = drawn.tokens[b];
      if (guard) guardStates[b] = guardAdvance(guard, guardStates[b], drawn.tokens[b]);
      if (drawn.tokens[b] === EOS) alive[b] = 0;
    }
    if (!alive.some((x) => x)) break;
  }
  return out;
}
