// CPU twins of shaders/token_log_prob.wgsl and shaders/token_entropy.wgsl: per row of logits (R rows of V), the
// log-probability of the chosen token and the entropy of softmax(logits / T), and their gradients, in float64.

function rowLogSoftmax(logits: Float32Array, base: number, vocab: number, invTemperature: number): Float64Array {
  const z = Float64Array.from({ length: vocab }, (_, i) => logits[base + i] * invTemperature);
  const max = Math.max(...z);
  const logZ = max + Math.log(z.reduce((s, x) => s + Math.exp(x - max), 0));
  return z.map((x) => x - logZ);
}

/** Forward: log p(a_r) per row. Backward (given upstream): dL/dlogits [R·V]. */
export function tokenLogProbCpu(logits: Float32Array, actions: Int32Array, vocab: number, temperature: number, upstream?: Float32Array): Float32Array {
  const rows = actions.length;
  const out = new Float32Array(upstream ? rows * vocab : rows);
  for (let r = 0; r < rows; r++) {
    const logP = rowLogSoftmax(logits, r * vocab, vocab, 1 / temperature);
    const a = Math.min(Math.max(actions[r], 0), vocab - 1);
    if (!upstream) {
      out[r] = logP[a];
      continue;
    }
    for (let i = 0; i < vocab; i++) out[r * vocab + i] = (upstream[r] * ((i === a ? 1 : 0) - Math.exp(logP[i]))) / temperature;
  }
  return out;
}

/** Forward: H per row. Backward (given upstream): dL/dlogits [R·V], with ∂H/∂z_i = −p_i (log p_i + H). */
export function tokenEntropyCpu(logits: Float32Array, rows: number, vocab: number, temperature: number, upstream?: Float32Array): Float32Array {
  const out = new Float32Array(upstream ? rows * vocab : rows);
  for (let r = 0; r < rows; r++) {
    const logP = rowLogSoftmax(logits, r * vocab, vocab, 1 / temperature);
    const entropy = -logP.reduce((s, lp) => s + Math.exp(lp) * lp, 0);
    if (!upstream) {
      out[r] = entropy;
      continue;
    }
    for (let i = 0; i < vocab; i++) out[r * vocab + i] = (-upstream[r] * Math.exp(logP[i]) * (logP[i] + entropy)) / temperature;
  }
  return out;
}
