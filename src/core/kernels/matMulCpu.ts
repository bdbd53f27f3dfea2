// CPU twin of shaders/matmul.wgsl: C = op(A)·op(B) (+ bias) on flat row-major arrays, in float64.

export interface MatMulShape {
  M: number;
  K: number;
  N: number;
  transposeA: boolean;
  transposeB: boolean;
}

export function matMulCpu(a: Float32Array, b: Float32Array, s: MatMulShape, bias?: Float32Array): Float32Array {
  const out = new Float32Array(s.M * s.N);
  for (let i = 0; i < s.M; i++) {
    for (let j = 0; j < s.N; j++) {
      let sum = 0;
      for (let k = 0; k < s.K; k++) sum += a[s.transposeA ? k * s.M + i : i * s.K + k] * b[s.transposeB ? j * s.K + k : k * s.N + j];
      out[i * s.N + j] = sum + (bias ? bias[j] : 0);
    }
  }
  return out;
}
