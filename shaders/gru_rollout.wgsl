// Fused rollout of the char-GRU policy: T steps of (embed → GRU cell → logits + value → sample) in ONE dispatch.
// The CPU twin (src/core/kernels/gruRolloutCpu.ts) states the contract; this file follows the same steps.
//
// Why this shape. The recurrence is serial in T, so a step-by-step rollout pays ~40 tiny dispatches per token
// (~0.5-1 ms each on SwiftShader, tens of µs on real GPUs) for almost no arithmetic. Here one workgroup owns one
// row of the batch and loops over T inside the kernel; the hidden state never leaves workgroup memory.
// Per step, each invocation computes the three gates of hidden units u = tid, tid + W, ... (reads of the
// recurrent kernel are contiguous across invocations, which real GPUs coalesce and SwiftShader vectorises),
// then logits/value, then invocation 0 draws the token. Three barriers per step.
// The input projection x·W_x + b_x depends only on the previous token, so it arrives precomputed as a table
// [V, 3H] (one matmul for the whole rollout, instead of E·3H multiply-adds per row and step).
//
// Composed at run time by src/core/kernels/gruRollout.ts, which prepends
//   const WORKGROUP_SIZE : i32   const UNITS : i32 (1 or 4)   const MAX_HIDDEN : i32   const MAX_VOCAB : i32
//   const MASKED_LOGIT : f32 (what the syntax guard writes over a forbidden token's logit)
// and the Philox code of shaders/sample_categorical.wgsl (samplerUniform: the same draws as our sampler),
// and by tfjs, which adds the Uniforms struct, the input buffers `table` [V*3H], `recurrentKernel` [H*3H],
// `recurrentBias` [3H], `logitsKernel` [H*V], `logitsBias` [V], `valueHead` [H + 1] (the value
// kernel, then its bias: one buffer, as a shader stage may bind only 8 storage buffers), `tokenKinds` [V]
// (i32: the SMILES syntax guard's token kinds; all 0, with the uniform `guarded` 0, without a guard), the output
// `result` (f32 [4*B*T]: tokens, mask, logProbs, values, each [B, T]) and the builtins `localIndex`, `workgroupId`.
// Our uniforms: temperature, seed, counter, batch, steps, hidden, vocab, guarded (1: apply the syntax guard).

const EOS : i32 = 0;
const BIG : f32 = 3.402823e38;
// Token kinds of the syntax guard (src/core/tasks/smilesSyntaxGuard.ts): 0 other, 1 "(", 2 ")", 3 + k ring label k.
const KIND_BRANCH_OPEN : i32 = 1;
const KIND_BRANCH_CLOSE : i32 = 2;
const KIND_RING_FIRST : i32 = 3;

// Ping-pong hidden state: step t reads one half and writes the other, so no copy (and no barrier) between steps.
var<workgroup> hiddenState : array<f32, 2 * MAX_HIDDEN>;
var<workgroup> stepLogits : array<f32, MAX_VOCAB>;
var<workgroup> stepValue : f32;
var<workgroup> nextToken : i32;
// Set by invocation 0 when the row has ended; read with workgroupUniformLoad so the loop exit is uniform.
var<workgroup> rowEnded : u32;

// The same formulas as tfjs's WebGPU sigmoid and tanh, so the two rollout paths agree to rounding.
fn sigmoidOf(a : f32) -> f32 {
  return 1.0 / (1.0 + exp(-1.0 * a));
}

fn tanhOf(a : f32) -> f32 {
  let e2x = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e2x) / (1.0 + e2x);
}

fn writeStep(row : i32, t : i32, token : f32, mask : f32, logProb : f32, value : f32) {
  let plane = uniforms.batch * uniforms.steps;
  let at = row * uniforms.steps + t;
  setOutputAtIndex(at, token);
  setOutputAtIndex(plane + at, mask);
  setOutputAtIndex(2 * plane + at, logProb);
  setOutputAtIndex(3 * plane + at, value);
}

// Invocation 0 only: draws the token of this step from stepLogits, exactly as sample_categorical.wgsl does for
// temperature-only sampling (inverse CDF in index order with the uniform of (seed, counter + t, row)).
// A non-finite logit makes the row invalid: token -1 and NaN log-probability, and the row ends there.
fn drawToken(row : i32, t : i32) -> vec2<f32> {
  let vocab = uniforms.vocab;
  let temperature = uniforms.temperature;
  var rowMax = -BIG;
  var invalid = false;
  for (var i = 0; i < vocab; i++) {
    let x = stepLogits[i];
    if ((bitcast<u32>(x) & 0x7fffffffu) >= 0x7f800000u) {
      invalid = true;
    }
    rowMax = max(rowMax, x);
  }
  if (invalid) {
    return vec2<f32>(-1.0, uniforms.NAN);
  }
  if (temperature == 0.0) {
    // Argmax, lowest index on ties; the distribution is a point mass (logProb 0).
    var best = 0;
    for (var i = 0; i < vocab; i++) {
      if (stepLogits[i] == rowMax) {
        best = i;
        break;
      }
    }
    return vec2<f32>(f32(best), 0.0);
  }
  var total = 0.0;
  for (var i = 0; i < vocab; i++) {
    total += exp((stepLogits[i] - rowMax) / temperature);
  }
  let drawPoint = samplerUniform(uniforms.seed, uniforms.counter + u32(t), u32(row)) * total;
  var chosen = -1;
  var lastPositive = 0;
  var running = 0.0;
  for (var i = 0; i < vocab; i++) {
    let w = exp((stepLogits[i] - rowMax) / temperature);
    if (w > 0.0) {
      lastPositive = i;
      running += w;
      if (chosen < 0 && running > drawPoint) {
        chosen = i;
      }
    }
  }
  // u * total rounded up to total: the last token with weight, as the sampler does.
  chosen = select(chosen, lastPositive, chosen < 0);
  let logProb = (stepLogits[chosen] - rowMax) / temperature - log(total);
  return vec2<f32>(f32(chosen), logProb);
}

// Invocation 0 only: the syntax guard (the rules of src/core/tasks/smilesSyntaxGuard.ts). ")" needs an open branch,
// the end token nothing left open, and every token must leave room to close what is open within the steps left:
// need + cost <= remaining, with cost 1 for closers, 3 for "(" and a new ring label, 2 for the rest. Forbidden tokens
// get MASKED_LOGIT, whose weight exp() rounds to exactly 0. Called only when uniforms.guarded is 1.
fn maskForbidden(depth : i32, openRings : u32, remaining : i32) {
  let need = depth + i32(countOneBits(openRings));
  for (var i = 0; i < uniforms.vocab; i++) {
    let kind = tokenKinds[i];
    var forbidden = false;
    if (i == EOS) {
      forbidden = depth > 0 || openRings != 0u;
    } else if (kind == KIND_BRANCH_CLOSE) {
      forbidden = depth <= 0 || need + 1 > remaining;
    } else if (kind >= KIND_RING_FIRST) {
      let closing = ((openRings >> u32(kind - KIND_RING_FIRST)) & 1u) == 1u;
      forbidden = need + select(3, 1, closing) > remaining;
    } else {
      forbidden = need + select(2, 3, kind == KIND_BRANCH_OPEN) > remaining;
    }
    if (forbidden) {
      stepLogits[i] = MASKED_LOGIT;
    }
  }
}

// tfjs passes the flat global index (flat dispatch layout); rows are workgroups here, so it goes unused.
fn main(index : i32) {
  let tid = i32(localIndex);
  let row = i32(workgroupId.x);
  let H = uniforms.hidden;
  let V = uniforms.vocab;
  let T = uniforms.steps;
  let H3 = 3 * H;

  for (var u = tid; u < H; u += WORKGROUP_SIZE) {
    hiddenState[u] = 0.0;
  }
  if (tid == 0) {
    nextToken = EOS; // every sequence starts from the end-of-sequence token
    rowEnded = 0u;
  }
  workgroupBarrier();

  var current = 0; // offset of h_{t-1} in hiddenState
  var t = 0;
  // The syntax guard's state, kept by invocation 0: branch depth and the bit mask of open ring labels.
  var depth = 0;
  var openRings = 0u;
  loop {
    if (t >= T) {
      break;
    }
    let next = MAX_HIDDEN - current;
    let inputRow = max(nextToken, 0) * H3;

    // 1. GRU cell (reset gate applied after the recurrent matmul, as CharGru.step):
    //    r = σ(x_r + h·U_r + b_r), z = σ(x_z + h·U_z + b_z), n = tanh(x_n + r ⊙ (h·U_n + b_n)), h' = (1 − z) ⊙ n + z ⊙ h
    // UNITS consecutive hidden units per pass: with 4, each h_k read feeds 12 multiply-adds instead of 3, which is
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
          let u = u0 + c;
          let r = sigmoidOf(table[inputRow + u] + hr[c]);
          let z = sigmoidOf(table[inputRow + H + u] + hz[c]);
          let n = tanhOf(table[inputRow + 2 * H + u] + r * hn[c]);
          hiddenState[next + u] = (1.0 - z) * n + z * hiddenState[current + u];
        }
      } else {
        let u = u0;
        var hr = recurrentBias[u];
        var hz = recurrentBias[H + u];
        var hn = recurrentBias[2 * H + u];
        for (var k = 0; k < H; k++) {
          let hk = hiddenState[current + k];
          let at = k * H3 + u;
          hr += hk * recurrentKernel[at];
          hz += hk * recurrentKernel[at + H];
          hn += hk * recurrentKernel[at + 2 * H];
        }
        let r = sigmoidOf(table[inputRow + u] + hr);
        let z = sigmoidOf(table[inputRow + H + u] + hz);
        let n = tanhOf(table[inputRow + 2 * H + u] + r * hn);
        hiddenState[next + u] = (1.0 - z) * n + z * hiddenState[current + u];
      }
    }
    workgroupBarrier();

    // 2. Logits h'·W_o + b_o (j < V) and the value h'·w_v + b_v (j = V), one output per invocation.
    for (var j = tid; j <= V; j += WORKGROUP_SIZE) {
      if (j < V) {
        var acc = logitsBias[j];
        for (var k = 0; k < H; k++) {
          acc += hiddenState[next + k] * logitsKernel[k * V + j];
        }
        stepLogits[j] = acc;
      } else {
        var acc = valueHead[H];
        for (var k = 0; k < H; k++) {
          acc += hiddenState[next + k] * valueHead[k];
        }
        stepValue = acc;
      }
    }
    workgroupBarrier();

    // 3. Sample, record, decide whether the row goes on.
    if (tid == 0) {
      if (uniforms.guarded != 0) {
        maskForbidden(depth, openRings, T - t);
      }
      let drawn = drawToken(row, t);
      let token = i32(drawn.x);
      let kind = tokenKinds[max(token, 0)];
      if (kind == KIND_BRANCH_OPEN) {
        depth++;
      } else if (kind == KIND_BRANCH_CLOSE) {
        depth--;
      } else if (kind >= KIND_RING_FIRST) {
        openRings ^= 1u << u32(kind - KIND_RING_FIRST);
      }
      writeStep(row, t, drawn.x, 1.0, drawn.y, stepValue);
      nextToken = token;
      if (token <= EOS) {
        rowEnded = 1u;
      }
    }
    current = next;
    t++;
    // Also the barrier that publishes nextToken and protects stepLogits/hiddenState for the next step.
    if (workgroupUniformLoad(&rowEnded) != 0u) {
      break;
    }
  }

  // 4. After the end: token EOS, mask 0, logProb 0, value 0 (never NaN, so masked sums stay finite).
  for (var s = t + tid; s < T; s += WORKGROUP_SIZE) {
    writeStep(row, s, 0.0, 0.0, 0.0, 0.0);
  }
}
