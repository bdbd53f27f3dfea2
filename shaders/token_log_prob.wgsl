// log π(a | s) of each row of logits under softmax(logits / T), and its gradient, one invocation per row (a row is
// one step of one sequence: R = B·T rows of V logits). The CPU twin is tokenLogProbCpu in
// src/core/kernels/tokenStatsCpu.ts; the wrapper (with tf.customGrad) is src/core/kernels/tokenStats.ts.
// rowLogNormaliser comes from row_log_normaliser.wgsl, prepended by the wrapper.
// Inputs (flat): `logits` [R·V], `actions` [R] (i32), `upstream` [R] (dL/dlogπ; unused in the forward mode).
// Uniforms: rows R, vocab V, invTemperature 1/T, mode.
//   mode 0 FORWARD   result[r] = z_a − logsumexp(z),  z = logits_r / T                              -> [R]
//   mode 1 BACKWARD  result[r·V + i] = upstream[r] · (1[i = a] − p_i) / T,  p = softmax(z)           -> [R·V]

const FORWARD : i32 = 0;

fn main(index : i32) {
  let r = index;
  if (r >= uniforms.rows) {
    return;
  }
  let V = uniforms.vocab;
  let base = r * V;
  let a = clamp(actions[r], 0, V - 1);
  let logZ = rowLogNormaliser(base, V, uniforms.invTemperature);
  if (uniforms.mode == FORWARD) {
    setOutputAtIndex(r, logits[base + a] * uniforms.invTemperature - logZ);
    return;
  }
  let g = upstream[r] * uniforms.invTemperature;
  for (var i = 0; i < V; i++) {
    let p = exp(logits[base + i] * uniforms.invTemperature - logZ);
    let hit = select(0.0, 1.0, i == a);
    setOutputAtIndex(base + i, g * (hit - p));
  }
}
