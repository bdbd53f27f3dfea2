// Backpropagation through time of shaders/gru_sequence_forward.wgsl, all T steps in ONE dispatch.
// The CPU twin (src/core/kernels/gruSequenceCpu.ts, gruSequenceBackwardCpu) states the contract.
//
// One workgroup per row walks t = T-1 .. 0 carrying dL/dh_t in workgroup memory. With g = dL/dh'_t (from the
// heads) + the carry from step t+1, and r, z, n, m = h·U_n + b_n saved by the forward kernel:
//   dn = g ⊙ (1 − z)             da_n = dn ⊙ (1 − n²)
//   dz = g ⊙ (h_{t-1} − n)       da_z = dz ⊙ z ⊙ (1 − z)
//   dr = da_n ⊙ m                da_r = dr ⊙ r ⊙ (1 − r)
//   dL/dx_t         = [da_r, da_z, da_n]            (x = the input projections)
//   dL/d(h·U + b)_t = [da_r, da_z, da_n ⊙ r]        (call it q_t)
//   carry = dL/dh_{t-1} = g ⊙ z + q_t · Uᵀ
// The weight gradients are sums over rows and steps: dU = Σ h_{t-1}ᵀ q_t, db = Σ q_t. They are one batched matmul
// and one sum in tfjs afterwards, so this kernel writes q_t and h_{t-1} rather than accumulating across workgroups.
//
// Output, flat: dX [B, T, 3H], then q [B, T, 3H], then h_{t-1} [B, T, H] (zeros at t = 0).
//
// Composed by src/core/kernels/gruSequence.ts, which prepends
//   const WORKGROUP_SIZE : i32   const UNITS : i32 (1 or 4)   const MAX_HIDDEN : i32
// and by tfjs: the Uniforms struct (batch, steps, hidden), inputs `gradHidden` [B*T*H], `saved` [5*B*T*H] (the
// forward kernel's planes h, r, z, n, m), `recurrentKernel` U [H*3H] (read by the 4-unit pass) and
// `recurrentTransposed` Uᵀ [3H*H] (read by the 1-unit pass, so neighbouring invocations read neighbouring
// addresses), output `result`, builtins `localIndex`, `workgroupId`.

// dL/dh_{t} flowing back through the recurrence; unit u is only ever touched by the invocation that owns u.
var<workgroup> carry : array<f32, MAX_HIDDEN>;
// q_t, read by every invocation for the carry: published by a barrier.
var<workgroup> gradRecurrent : array<f32, 3 * MAX_HIDDEN>;

fn unitGradient(row : i32, t : i32, u : i32) {
  let H = uniforms.hidden;
  let T = uniforms.steps;
  let plane = uniforms.batch * T * H;
  let at = (row * T + t) * H + u;
  let g = gradHidden[at] + carry[u];
  let r = saved[plane + at];
  let z = saved[2 * plane + at];
  let n = saved[3 * plane + at];
  let m = saved[4 * plane + at];
  var hPrev = 0.0;
  if (t > 0) {
    hPrev = saved[at - H];
  }
  let daN = g * (1.0 - z) * (1.0 - n * n);
  let daZ = g * (hPrev - n) * z * (1.0 - z);
  let daR = daN * m * r * (1.0 - r);
  let qN = daN * r;

  let xAt = (row * T + t) * 3 * H + u;
  let qAt = uniforms.batch * T * 3 * H + xAt;
  setOutputAtIndex(xAt, daR);
  setOutputAtIndex(xAt + H, daZ);
  setOutputAtIndex(xAt + 2 * H, daN);
  setOutputAtIndex(qAt, daR);
  setOutputAtIndex(qAt + H, daZ);
  setOutputAtIndex(qAt + 2 * H, qN);
  setOutputAtIndex(2 * uniforms.batch * T * 3 * H + at, hPrev);

  gradRecurrent[u] = daR;
  gradRecurrent[H + u] = daZ;
  gradRecurrent[2 * H + u] = qN;
  carry[u] = g * z; // the direct path; the recurrent path is added after the barrier
}

// tfjs passes the flat global index; rows are workgroups here, so it goes unused.
fn main(index : i32) {
  let tid = i32(localIndex);
  let row = i32(workgroupId.x);
  let H = uniforms.hidden;
  let T = uniforms.steps;
  let H3 = 3 * H;

  // Both loops below give unit u to the same invocation, so carry needs no barrier of its own.
  for (var u0 = tid * UNITS; u0 < H; u0 += WORKGROUP_SIZE * UNITS) {
    for (var c = 0; c < UNITS; c++) {
      carry[u0 + c] = 0.0;
    }
  }

  for (var t = T - 1; t >= 0; t--) {
    for (var u0 = tid * UNITS; u0 < H; u0 += WORKGROUP_SIZE * UNITS) {
      for (var c = 0; c < UNITS; c++) {
        unitGradient(row, t, u0 + c);
      }
    }
    workgroupBarrier(); // q_t complete

    for (var k0 = tid * UNITS; k0 < H; k0 += WORKGROUP_SIZE * UNITS) {
      if (UNITS == 4) {
        // Rows k0..k0+3 of U against q four columns at a time (3H is a multiple of 4 here): 16 multiply-adds per
        // 4 reads of q, a quarter of the loop iterations of walking Uᵀ one column at a time (what a CPU running
        // this shader is bound by, as in the forward kernel).
        var acc = vec4<f32>(carry[k0], carry[k0 + 1], carry[k0 + 2], carry[k0 + 3]);
        let row0 = k0 * H3;
        for (var j = 0; j < H3; j += 4) {
          let q = vec4<f32>(gradRecurrent[j], gradRecurrent[j + 1], gradRecurrent[j + 2], gradRecurrent[j + 3]);
          let a0 = row0 + j;
          let a1 = a0 + H3;
          let a2 = a1 + H3;
          let a3 = a2 + H3;
          acc += vec4<f32>(
            dot(q, vec4<f32>(recurrentKernel[a0], recurrentKernel[a0 + 1], recurrentKernel[a0 + 2], recurrentKernel[a0 + 3])),
            dot(q, vec4<f32>(recurrentKernel[a1], recurrentKernel[a1 + 1], recurrentKernel[a1 + 2], recurrentKernel[a1 + 3])),
            dot(q, vec4<f32>(recurrentKernel[a2], recurrentKernel[a2 + 1], recurrentKernel[a2 + 2], recurrentKernel[a2 + 3])),
            dot(q, vec4<f32>(recurrentKernel[a3], recurrentKernel[a3 + 1], recurrentKernel[a3 + 2], recurrentKernel[a3 + 3])),
          );
        }
        carry[k0] = acc[0];
        carry[k0 + 1] = acc[1];
        carry[k0 + 2] = acc[2];
        carry[k0 + 3] = acc[3];
      } else {
        // One unit per invocation (real GPUs): neighbouring invocations read neighbouring columns of Uᵀ.
        var acc = carry[k0];
        for (var j = 0; j < H3; j++) {
          acc += gradRecurrent[j] * recurrentTransposed[j * H + k0];
        }
        carry[k0] = acc;
      }
    }
    workgroupBarrier(); // every read of q_t done before step t-1 overwrites it
  }
}
