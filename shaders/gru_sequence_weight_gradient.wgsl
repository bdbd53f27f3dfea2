// Weight gradients of a dense layer applied at every position: dW = Aᵀ·G [K, M] and db = 1ᵀ·G [M], written as one
// [K+1, M] result (row K is db). The CPU twin (src/core/kernels/gruSequenceCpu.ts, weightGradientCpu) states it.
//
// Why. Through tfjs these are a transposed matmul and a sum over axis 0 with N = B·T (1,024 to 8,192) rows: on
// SwiftShader each took 0.3-1.5 s at the small bench size, most of an update once the recurrence was fused, because
// a long reduction runs in few invocations. Here every invocation owns a 4×4 tile of the result and walks the N rows
// itself (16 multiply-adds per 8 loads), so the tiles spread over all cores and the bias comes for free as a row
// of ones appended to A.
//
// Composed by src/core/kernels/gruSequenceWeightGradient.ts; tfjs adds the Uniforms struct (rows, inner, outer,
// tiles), inputs `a` [N*K], `g` [N*M], output `result` [(K+1)*M].

fn main(index : i32) {
  if (index >= uniforms.tiles) {
    return;
  }
  let N = uniforms.rows;
  let K = uniforms.inner;
  let M = uniforms.outer;
  let tilesAcross = (M + 3) / 4;
  let k0 = (index / tilesAcross) * 4;
  let j0 = (index % tilesAcross) * 4;
  let ks = vec4<i32>(k0, k0 + 1, k0 + 2, k0 + 3);
  // Rows of A past K-1: the bias row K reads 1, rows beyond read 0 (and are not written). Clamped indices keep
  // every load in bounds; the masks decide what the loaded values count for.
  let real = select(vec4<f32>(0.0), vec4<f32>(1.0), ks < vec4<i32>(K));
  let ones = select(vec4<f32>(0.0), vec4<f32>(1.0), ks == vec4<i32>(K));
  let kc = min(ks, vec4<i32>(K - 1));
  let jc = min(vec4<i32>(j0, j0 + 1, j0 + 2, j0 + 3), vec4<i32>(M - 1));
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var n = 0; n < N; n++) {
    let aRow = n * K;
    let gRow = n * M;
    let av = vec4<f32>(a[aRow + kc.x], a[aRow + kc.y], a[aRow + kc.z], a[aRow + kc.w]) * real + ones;
    let gv = vec4<f32>(g[gRow + jc.x], g[gRow + jc.y], g[gRow + jc.z], g[gRow + jc.w]);
    acc0 += av.x * gv;
    acc1 += av.y * gv;
    acc2 += av.z * gv;
    acc3 += av.w * gv;
  }
  var accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var c = 0; c < 4; c++) {
    let k = k0 + c;
    if (k <= K) {
      for (var d = 0; d < 4; d++) {
        let j = j0 + d;
        if (j < M) {
          setOutputAtIndex(k * M + j, accs[c][d]);
        }
      }
    }
  }
}
