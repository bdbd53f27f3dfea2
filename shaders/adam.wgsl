// One Adam step (Kingma & Ba 2015, Algorithm 1) for one parameter tensor, with the gradient's clipping scale folded
// in. The CPU twin is adamStepCpu in src/core/kernels/adamCpu.ts; the wrapper is src/core/kernels/adam.ts.
//
// Inputs (tfjs binds them): `param` θ [N], `grad` g [N], `moments` [2N] = m then v, `scale` [1] (the global-norm
// clipping factor, so the clipped gradient never exists as a tensor). Uniforms: learning rate α, β1, β2, ε, the bias
// corrections c1 = 1 − β1^t and c2 = 1 − β2^t (computed in double precision on the CPU), N, and `mode`.
// One invocation per element i, in two dispatches of this one pipeline:
//   mode 0 MOMENTS    result[i] = m_t,  result[N + i] = v_t                                 -> [2N]
//   mode 1 PARAMETER  result[i] = θ − α · (m_t / c1) / (sqrt(v_t / c2) + ε)                  -> [N]
// Both recompute m_t and v_t from the old moments, so neither dispatch waits on the other's output.
//   m_t = β1 · m + (1 − β1) · g,   v_t = β2 · v + (1 − β2) · g²,   g = scale · grad

const MOMENTS : i32 = 0;
const PARAMETER : i32 = 1;

fn main(index : i32) {
  let n = uniforms.count;
  if (index >= n) {
    return;
  }
  let g = grad[index] * scale[0];
  let m = uniforms.beta1 * moments[index] + (1.0 - uniforms.beta1) * g;
  let v = uniforms.beta2 * moments[n + index] + (1.0 - uniforms.beta2) * g * g;
  if (uniforms.mode == MOMENTS) {
    setOutputAtIndex(index, m);
    setOutputAtIndex(n + index, v);
  } else {
    let mHat = m / uniforms.correction1;
    let vHat = v / uniforms.correction2;
    setOutputAtIndex(index, param[index] - uniforms.learningRate * mHat / (sqrt(vHat) + uniforms.epsilon));
  }
}
