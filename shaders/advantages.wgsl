// Generalised advantage estimation (Schulman et al., 2016) and discounted returns, for rewards [B, T],
// values [B, T+1] (values[b, T] is the bootstrap) and mask [B, T] (1 = valid step, 0 = padding).
// Each invocation scans whole rows backwards; one workgroup covers the batch, so the optional normalisation
// of advantages is a workgroup reduction, with no readback. The CPU twin is src/core/kernels/advantages_cpu.ts.
//
// Composed at run time by src/core/kernels/advantages_webgpu.ts, which prepends `const WORKGROUP_SIZE : u32`
// (a power of two), and by tfjs, which adds the buffers `rewards`, `values`, `mask`, `result` ([B*T], advantages
// or returns) and the Uniforms struct. Our uniforms: gamma, lambda, normalize, outputReturns.

var<workgroup> partials : array<f32, WORKGROUP_SIZE>;

fn workgroupSum(value : f32, tid : u32) -> f32 {
  partials[tid] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (tid < stride) {
      partials[tid] = partials[tid] + partials[tid + stride];
    }
    workgroupBarrier();
  }
  let total = partials[0];
  workgroupBarrier();
  return total;
}

fn isValid(at : i32) -> bool {
  return f32(mask[at]) != 0.0;
}

fn main(index : i32) {
  let tid = localIndex;
  let batch = uniforms.rewardsShape[0];
  let steps = uniforms.rewardsShape[1];
  let gamma = uniforms.gamma;
  let gammaLambda = gamma * uniforms.lambda;
  let wantReturns = uniforms.outputReturns != 0;

  var localSum = 0.0;
  var localCount = 0.0;
  for (var b = i32(tid); b < batch; b += i32(WORKGROUP_SIZE)) {
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
      localSum += advantage;
      localCount += 1.0;
      nextValue = value;
      nextAdvantage = advantage;
      nextReturn = discounted;
      notDone = 1.0;
    }
  }

  // Advantages to mean 0, std 1 over valid entries; two passes (mean, then squared deviations) for accuracy.
  if (uniforms.normalize != 0 && uniforms.outputReturns == 0) {
    let count = max(workgroupSum(localCount, tid), 1.0);
    let mean = workgroupSum(localSum, tid) / count;
    var localSquares = 0.0;
    for (var b = i32(tid); b < batch; b += i32(WORKGROUP_SIZE)) {
      for (var t = 0; t < steps; t++) {
        let at = b * steps + t;
        if (isValid(at)) {
          let d = result[at] - mean;
          localSquares += d * d;
        }
      }
    }
    let invStd = 1.0 / sqrt(workgroupSum(localSquares, tid) / count + 1e-8);
    for (var b = i32(tid); b < batch; b += i32(WORKGROUP_SIZE)) {
      for (var t = 0; t < steps; t++) {
        let at = b * steps + t;
        if (isValid(at)) {
          setOutputAtIndex(at, (result[at] - mean) * invStd);
        }
      }
    }
  }
}
