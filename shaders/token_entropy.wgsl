// The entropy H = −Σ p log p of each row's softmax(logits / T), and its gradient, one invocation per row (R = B·T
// rows of V logits). The CPU twin is tokenEntropyCpu in src/core/kernels/tokenStatsCpu.ts; the wrapper (with
// tf.customGrad) is src/core/kernels/tokenStats.ts.
// rowLogNormaliser comes from row_log_normaliser.wgsl, prepended by the wrapper.
// Inputs (flat): `logits` [R·V], `upstream` [R] (dL/dH; unused in the forward mode).
// Uniforms: rows R, vocab V, invTemperature 1/T, mode.
//   mode 0 FORWARD   result[r] = H_r                                                               -> [R]
//   mode 1 BACKWARD  result[r·V + i] = upstream[r] · (−p_i (log p_i + H_r)) / T                      -> [R·V]
// (∂H/∂z_i = −p_i (log p_i + H): differentiate −Σ_j p_j log p_j with ∂p_j/∂z_i = p_j (1[i = j] − p_i).)

const FORWARD : i32 = 0;

fn main(index : i32) {
  let r = index;
  if (r >= uniforms.rows) {
    return;
  }
  let V = uniforms.vocab;
  let base = r * V;
  let logZ = rowLogNormaliser(base, V, uniforms.invTemperature);
  var entropy = 0.0;
  for (var i = 0; i < V; i++) {
    let logP = logits[base + i] * uniforms.invTemperature - logZ;
    entropy -= exp(logP) * logP;
  }
  if (uniforms.mode == FORWARD) {
    setOutputAtIndex(r, entropy);
    return;
  }
  let g = upstream[r] * uniforms.invTemperature;
  for (var i = 0; i < V; i++) {
    let logP = logits[base + i] * uniforms.invTemperature - logZ;
    setOutputAtIndex(base + i, -g * exp(logP) * (logP + entropy));
  }
}
