// Generalised advantage estimation (Schulman et al., 2016) and discounted returns, for rewards [B, T],
// values [B, T+1] (values[b, T] is the bootstrap) and mask [B, T] (1 = valid step, 0 = padding).
// The CPU twin is src/core/kernels/advantages_cpu.ts. No readback anywhere: normalisation statistics are
// reduced on the GPU, per workgroup and then merged by every invocation that needs them.
//
// One program, five phases (uniform `phase`), dispatched in order by src/core/kernels/advantages_webgpu.ts:
//   0 ADVANTAGES  one invocation per row, scanning backwards: raw advantages A            -> [B, T]
//   1 RETURNS     the same scan: discounted returns G                                      -> [B, T]
//   2 MOMENTS     (normalise only) per workgroup: count, mean and M2 of A over valid steps -> [workgroups, 3]
//   3 FINALISE    (normalise only) one invocation merges them: mean and 1 / std           -> [2]
// then a second program, at the end of this file, one invocation per entry: (A - mean) / std, padding 0 -> [B, T].
// It is a separate pipeline because a barrier anywhere in a shader makes SwiftShader run every invocation as a
// coroutine: harmless for B invocations, ten times slower for B*T of them.
// The wrapper prepends `const WORKGROUP_SIZE : u32`; tfjs adds the buffers `rewards`, `values`, `mask`, `raw`
// (A, in phase 2), `moments` (phase 3), `result`, and the Uniforms struct (our own: gamma, lambda, phase).
// Phases that do not use `raw` or `moments` get the mask bound there (any dtype), hence the f32() conversions.

const ADVANTAGES : i32 = 0;
const RETURNS : i32 = 1;
const MOMENTS : i32 = 2;
const FINALISE : i32 = 3;

var<workgroup> partials : array<vec3<f32>, WORKGROUP_SIZE>;

fn isValid(at : i32) -> bool {
  return f32(mask[at]) != 0.0;
}

fn scanRow(b : i32, steps : i32, wantReturns : bool) {
  let gamma = uniforms.gamma;
  let gammaLambda = gamma * uniforms.lambda;
  var nextValue = values[b * (steps + 1) + steps]; // bootstrap V_T
  var nextAdvantage = 0.0;
  var nextReturn = nextValue;
  var notDone = 1.0; // the last step bootstraps; a step followed by padding is terminal
  for (var t = steps - 1; t >= 0; t--) {
    let at = b * steps + t;
    if (!isValid(at)) {
      setOutputAtIndex(at, 0.0);
      notDone = 0.0;
      nextValue = 0.0;
      nextAdvantage = 0.0;
      nextReturn = 0.0;
      continue;
    }
    let reward = rewards[at];
    let value = values[b * (steps + 1) + t];
    let delta = reward + gamma * notDone * nextValue - value;           // δ_t = r_t + γ V_{t+1} − V_t
    let advantage = delta + gammaLambda * notDone * nextAdvantage;      // A_t = δ_t + γλ A_{t+1}
    let discounted = reward + gamma * notDone * nextReturn;             // G_t = r_t + γ G_{t+1}
    setOutputAtIndex(at, select(advantage, discounted, wantReturns));
    nextValue = value;
    nextAdvantage = advantage;
    nextReturn = discounted;
    notDone = 1.0;
  }
}

// Chan et al.'s pairwise update: (count, mean, M2) of the union of two disjoint sets; stable in f32.
fn mergeMoments(a : vec3<f32>, b : vec3<f32>) -> vec3<f32> {
  if (b.x == 0.0) {
    return a;
  }
  if (a.x == 0.0) {
    return b;
  }
  let n = a.x + b.x;
  let delta = b.y - a.y;
  return vec3<f32>(n, a.y + delta * (b.x / n), a.z + b.z + delta * delta * (a.x * b.x / n));
}

// Welford over one row's valid advantages, then invocation 0 merges the workgroup's rows.
fn rowMoments(b : i32, batch : i32, steps : i32) {
  var moments = vec3<f32>(0.0, 0.0, 0.0);
  if (b < batch) {
    for (var t = 0; t < steps; t++) {
      let at = b * steps + t;
      if (isValid(at)) {
        moments = mergeMoments(moments, vec3<f32>(1.0, f32(raw[at]), 0.0));
      }
    }
  }
  let tid = localIndex;
  partials[tid] = moments;
  workgroupBarrier();
  if (tid == 0u) {
    var total = partials[0];
    for (var t = 1u; t < WORKGROUP_SIZE; t++) {
      total = mergeMoments(total, partials[t]);
    }
    let out = i32(workgroupId.x) * 3;
    setOutputAtIndex(out, total.x);
    setOutputAtIndex(out + 1, total.y);
    setOutputAtIndex(out + 2, total.z);
  }
}

// One invocation merges the per-workgroup moments into (mean, 1 / std) for the whole batch.
fn finaliseMoments(index : i32) {
  if (index != 0) {
    return;
  }
  var total = vec3<f32>(0.0, 0.0, 0.0);
  for (var g = 0; g < uniforms.momentsShape[0]; g++) {
    total = mergeMoments(total, vec3<f32>(f32(moments[g * 3]), f32(moments[g * 3 + 1]), f32(moments[g * 3 + 2])));
  }
  let variance = total.z / max(total.x, 1.0); // population variance over valid entries
  setOutputAtIndex(0, total.y);
  setOutputAtIndex(1, 1.0 / sqrt(variance + 1e-8));
}

fn main(index : i32) {
  let batch = uniforms.rewardsShape[0];
  let steps = uniforms.rewardsShape[1];
  let phase = uniforms.phase;
  if (phase == MOMENTS) {
    rowMoments(index, batch, steps);
  } else if (phase == FINALISE) {
    finaliseMoments(index);
  } else if (index < batch) {
    scanRow(index, steps, phase == RETURNS);
  }
}

//// program: normalise
// Inputs `raw` (A), `mask`, `meanAndInvStd` (from FINALISE); one entry per invocation.

fn main(index : i32) {
  if (index < uniforms.size) {
    let valid = f32(mask[index]) != 0.0;
    setOutputAtIndex(index, select(0.0, (raw[index] - meanAndInvStd[0]) * meanAndInvStd[1], valid));
  }
}
