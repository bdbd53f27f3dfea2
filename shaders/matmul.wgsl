// C = op(A)·op(B) (+ bias), op = identity or transpose, one invocation per output element. The CPU twin is
// matMulCpu in src/core/kernels/matMulCpu.ts; the wrapper is src/core/kernels/matMul.ts.
// Why not tfjs's matMul: on a software GPU (SwiftShader) each of its tiled matmul variants takes 0.6–0.7 s to compile,
// and the first update used six of them. This plain loop compiles in milliseconds, and the transposes and the bias are
// uniforms, so every matmul of the fused sequence model shares one pipeline.
// Inputs (flat): `a` [M·K] (or [K·M] when transposeA), `b` [K·N] (or [N·K] when transposeB), `bias` [N] (ignored
// unless hasBias). Uniforms: M, K, N, transposeA, transposeB, hasBias (0 or 1).

fn main(index : i32) {
  let M = uniforms.M;
  let K = uniforms.K;
  let N = uniforms.N;
  if (index >= M * N) {
    return;
  }
  let i = index / N;
  let j = index % N;
  // Element (i, k) of op(A) is at aBase + k·aStep; element (k, j) of op(B) at bBase + k·bStep.
  var aBase = i * K;
  var aStep = 1;
  if (uniforms.transposeA != 0) {
    aBase = i;
    aStep = M;
  }
  var bBase = j;
  var bStep = N;
  if (uniforms.transposeB != 0) {
    bBase = j * K;
    bStep = 1;
  }
  var sum = 0.0;
  for (var k = 0; k < K; k++) {
    sum += a[aBase + k * aStep] * b[bBase + k * bStep];
  }
  if (uniforms.hasBias != 0) {
    sum += bias[j];
  }
  setOutputAtIndex(index, sum);
}
