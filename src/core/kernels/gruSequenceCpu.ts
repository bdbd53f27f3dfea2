// CPU twin of shaders/gru_sequence_forward.wgsl and shaders/gru_sequence_backward.wgsl: the same contract in plain
// typed arrays. It is the oracle the WGSL kernels are tested against (test/browser/kernels-gru-sequence.test.ts).
// Layouts are row-major: projections and their gradient [B, T, 3H], states [B, T, H], U [H, 3H], b [3H].

export interface GruSequenceDims {
  batch: number;
  steps: number;
  hidden: number;
}

/** What the forward pass keeps for the backward one (the WGSL kernel's five planes). */
export interface GruSequenceForwardCpu {
  hidden: Float32Array; // h_t
  reset: Float32Array; // r_t
  update: Float32Array; // z_t
  candidate: Float32Array; // n_t
  recurrentCandidate: Float32Array; // m_t = h_{t-1}·U_n + b_n
}

export interface GruSequenceGradientsCpu {
  projections: Float32Array; // dL/dx [B, T, 3H]
  recurrentKernel: Float32Array; // dL/dU [H, 3H]
  recurrentBias: Float32Array; // dL/db [3H]
}

function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/**
 * h_0 = 0; for t = 0 .. T-1 (gates in the order reset | update | candidate, as CharGru):
 *   r = σ(x_r + h·U_r + b_r), z = σ(x_z + h·U_z + b_z), m = h·U_n + b_n, n = tanh(x_n + r ⊙ m), h = (1 − z) ⊙ n + z ⊙ h
 */
export function gruSequenceForwardCpu(
  projections: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  recurrentBias: ArrayLike<number>,
  { batch: B, steps: T, hidden: H }: GruSequenceDims,
): GruSequenceForwardCpu {
  const H3 = 3 * H;
  const size = B * T * H;
  const out: GruSequenceForwardCpu = {
    hidden: new Float32Array(size),
    reset: new Float32Array(size),
    update: new Float32Array(size),
    candidate: new Float32Array(size),
    recurrentCandidate: new Float32Array(size),
  };
  const h = new Float64Array(H);
  const rec = new Float64Array(H3);
  for (let b = 0; b < B; b++) {
    h.fill(0);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < H3; j++) {
        let acc = recurrentBias[j];
        for (let k = 0; k < H; k++) acc += h[k] * recurrentKernel[k * H3 + j];
        rec[j] = acc;
      }
      const x = (b * T + t) * H3;
      const at = (b * T + t) * H;
      for (let u = 0; u < H; u++) {
        const r = sigmoid(projections[x + u] + rec[u]);
        const z = sigmoid(projections[x + H + u] + rec[H + u]);
        const m = rec[2 * H + u];
        const n = Math.tanh(projections[x + 2 * H + u] + r * m);
        h[u] = (1 - z) * n + z * h[u];
        out.hidden[at + u] = h[u];
        out.reset[at + u] = r;
        out.update[at + u] = z;
        out.candidate[at + u] = n;
        out.recurrentCandidate[at + u] = m;
      }
    }
  }
  return out;
}

/**
 * Backpropagation through time, given dL/dh_t for every step (from whatever consumes the states) and the forward's
 * saved values. Walking t = T-1 .. 0 with g = dL/dh_t (incoming + carried from t+1):
 *   da_n = g(1 − z)(1 − n²), da_z = g(h_{t-1} − n)z(1 − z), da_r = da_n·m·r(1 − r)
 *   dx_t = [da_r, da_z, da_n]; q_t = [da_r, da_z, da_n·r]; dU += h_{t-1}ᵀq_t; db += q_t; carry = g·z + q_t·Uᵀ
 */
export function gruSequenceBackwardCpu(
  gradHidden: ArrayLike<number>,
  forward: GruSequenceForwardCpu,
  recurrentKernel: ArrayLike<number>,
  { batch: B, steps: T, hidden: H }: GruSequenceDims,
): GruSequenceGradientsCpu {
  const H3 = 3 * H;
  const gradX = new Float32Array(B * T * H3);
  const gradU = new Float64Array(H * H3);
  const gradB = new Float64Array(H3);
  const carry = new Float64Array(H);
  const q = new Float64Array(H3);
  for (let b = 0; b < B; b++) {
    carry.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const at = (b * T + t) * H;
      const x = (b * T + t) * H3;
      for (let u = 0; u < H; u++) {
        const g = gradHidden[at + u] + carry[u];
        const r = forward.reset[at + u];
        const z = forward.update[at + u];
        const n = forward.candidate[at + u];
        const m = forward.recurrentCandidate[at + u];
        const hPrev = t > 0 ? forward.hidden[at - H + u] : 0;
        const daN = g * (1 - z) * (1 - n * n);
        const daZ = g * (hPrev - n) * z * (1 - z);
        const daR = daN * m * r * (1 - r);
        gradX[x + u] = daR;
        gradX[x + H + u] = daZ;
        gradX[x + 2 * H + u] = daN;
        q[u] = daR;
        q[H + u] = daZ;
        q[2 * H + u] = daN * r;
        carry[u] = g * z;
      }
      for (let j = 0; j < H3; j++) gradB[j] += q[j];
      if (t > 0) {
        for (let k = 0; k < H; k++) {
          const hk = forward.hidden[at - H + k];
          for (let j = 0; j < H3; j++) gradU[k * H3 + j] += hk * q[j];
        }
      }
      for (let k = 0; k < H; k++) {
        let acc = carry[k];
        for (let j = 0; j < H3; j++) acc += q[j] * recurrentKernel[k * H3 + j];
        carry[k] = acc;
      }
    }
  }
  return { projections: gradX, recurrentKernel: Float32Array.from(gradU), recurrentBias: Float32Array.from(gradB) };
}

/**
 * Twin of shaders/gru_sequence_weight_gradient.wgsl: for a dense layer y = A·W + b applied at N positions with
 * upstream gradient G = dL/dy, returns [K+1, M]: rows 0..K-1 are dW = AᵀG, row K is db = Σ_n G_n.
 */
export function weightGradientCpu(a: ArrayLike<number>, g: ArrayLike<number>, rows: number, inner: number, outer: number): Float32Array {
  const out = new Float64Array((inner + 1) * outer);
  for (let n = 0; n < rows; n++) {
    for (let k = 0; k <= inner; k++) {
      const av = k < inner ? a[n * inner + k] : 1;
      if (av === 0) continue;
      for (let j = 0; j < outer; j++) out[k * outer + j] += av * g[n * outer + j];
    }
  }
  return Float32Array.from(out);
}
