// Teacher-forced GRU recurrence over a whole sequence in ONE dispatch, keeping what the backward pass needs.
// The CPU twin (src/core/kernels/gruSequenceCpu.ts, gruSequenceForwardCpu) states the contract.
//
// Why. Under tfjs autodiff the per-step loop of CharGru.forwardSequence costs ~20 programs per step forward and
// ~30 backward (~1 ms each on SwiftShader). Here one workgroup owns one row of the batch and loops over T; the
// state stays in workgroup memory. The input projections x·W_x + b_x arrive precomputed for all steps (one
// batched matmul in tfjs, differentiated there), so only the recurrence is in this kernel.
//
// Per step and hidden unit u (reset gate after the recurrent matmul, as CharGru.step):
//   a_r = x_r + h·U_r + b_r,  a_z = x_z + h·U_z + b_z,  m = h·U_n + b_n
//   r = σ(a_r), z = σ(a_z), n = tanh(x_n + r ⊙ m), h' = (1 − z) ⊙ n + z ⊙ h
// Output planes, each [B, T, H]: 0 = h', 1 = r, 2 = z, 3 = n, 4 = m. The backward kernel reads planes 1-4 instead
// of recomputing the recurrent matmul.
//
// Composed by src/core/kernels/gruSequence.ts, which prepends
//   const WORKGROUP_SIZE : i32   const UNITS : i32 (1 or 4)   const MAX_HIDDEN : i32
// and by tfjs: the Uniforms struct (batch, steps, hidden), inputs `projections` [B*T*3H], `recurrentKernel`
// [H*3H], `recurrentBias` [3H], output `result` [5*B*T*H], builtins `localIndex`, `workgroupId`.

// Ping-pong state: step t reads one half and writes the other, so one barrier per step is enough.
var<workgroup> hiddenState : array<f32, 2 * MAX_HIDDEN>;

// The same formulas as tfjs's WebGPU sigmoid and tanh, so the fused and stock paths agree to rounding.
fn sigmoidOf(a : f32) -> f32 {
  return 1.0 / (1.0 + exp(-1.0 * a));
}

fn tanhOf(a : f32) -> f32 {
  let e2x = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e2x) / (1.0 + e2x);
}

fn cell(xAt : i32, stateAt : i32, u : i32, hr : f32, hz : f32, hn : f32, current : i32, next : i32) {
  let H = uniforms.hidden;
  let plane = uniforms.batch * uniforms.steps * H;
  let r = sigmoidOf(projections[xAt + u] + hr);
  let z = sigmoidOf(projections[xAt + H + u] + hz);
  let n = tanhOf(projections[xAt + 2 * H + u] + r * hn);
  let h = (1.0 - z) * n + z * hiddenState[current + u];
  hiddenState[next + u] = h;
  let at = stateAt + u;
  setOutputAtIndex(at, h);
  setOutputAtIndex(plane + at, r);
  setOutputAtIndex(2 * plane + at, z);
  setOutputAtIndex(3 * plane + at, n);
  setOutputAtIndex(4 * plane + at, hn);
}

// tfjs passes the flat global index; rows are workgroups here, so it goes unused.
fn main(index : i32) {
  let tid = i32(localIndex);
  let row = i32(workgroupId.x);
  let H = uniforms.hidden;
  let T = uniforms.steps;
  let H3 = 3 * H;

  for (var u = tid; u < H; u += WORKGROUP_SIZE) {
    hiddenState[u] = 0.0;
  }
  workgroupBarrier();

  var current = 0; // offset of h_{t-1} in hiddenState
  for (var t = 0; t < T; t++) {
    let next = MAX_HIDDEN - current;
    let xAt = (row * T + t) * H3;
    let stateAt = (row * T + t) * H;
    // UNITS consecutive units per pass: with 4, each read of h_k feeds 12 multiply-adds instead of 3, which is
    // what a CPU running this shader is bound by (the wrapper picks 4 only when H is a multiple of 4).
    for (var u0 = tid * UNITS; u0 < H; u0 += WORKGROUP_SIZE * UNITS) {
      if (UNITS == 4) {
        var hr = vec4<f32>(recurrentBias[u0], recurrentBias[u0 + 1], recurrentBias[u0 + 2], recurrentBias[u0 + 3]);
        var hz = vec4<f32>(recurrentBias[H + u0], recurrentBias[H + u0 + 1], recurrentBias[H + u0 + 2], recurrentBias[H + u0 + 3]);
        var hn = vec4<f32>(recurrentBias[2 * H + u0], recurrentBias[2 * H + u0 + 1], recurrentBias[2 * H + u0 + 2], recurrentBias[2 * H + u0 + 3]);
        for (var k = 0; k < H; k++) {
          let hk = hiddenState[current + k];
          let r0 = k * H3 + u0;
          let z0 = r0 + H;
          let n0 = z0 + H;
          hr += hk * vec4<f32>(recurrentKernel[r0], recurrentKernel[r0 + 1], recurrentKernel[r0 + 2], recurrentKernel[r0 + 3]);
          hz += hk * vec4<f32>(recurrentKernel[z0], recurrentKernel[z0 + 1], recurrentKernel[z0 + 2], recurrentKernel[z0 + 3]);
          hn += hk * vec4<f32>(recurrentKernel[n0], recurrentKernel[n0 + 1], recurrentKernel[n0 + 2], recurrentKernel[n0 + 3]);
        }
        for (var c = 0; c < 4; c++) {
          cell(xAt, stateAt, u0 + c, hr[c], hz[c], hn[c], current, next);
        }
      } else {
        var hr = recurrentBias[u0];
        var hz = recurrentBias[H + u0];
        var hn = recurrentBias[2 * H + u0];
        for (var k = 0; k < H; k++) {
          let hk = hiddenState[current + k];
          let at = k * H3 + u0;
          hr += hk * recurrentKernel[at];
          hz += hk * recurrentKernel[at + H];
          hn += hk * recurrentKernel[at + 2 * H];
        }
        cell(xAt, stateAt, u0, hr, hz, hn, current, next);
      }
    }
    // Publishes h_t for step t+1's reads and keeps step t+1's writes (into the other half) after step t's reads.
    workgroupBarrier();
    current = next;
  }
}
