// Generalised advantage estimation (Schulman et al., 2016) and discounted returns, for rewards [B, T],
// values [B, T+1] (values[b, T] is the bootstrap) and mask [B, T] (1 = valid step, 0 = padding).
// Each invocation scans whole rows backwards. When advantages are normalised, one workgroup covers the batch,
// so the normalisation is a workgroup reduction, with no readback; otherwise rows spread over many workgroups. The CPU twin is src/core/kernels/advantages_cpu.ts.
//
// Composed at run time by src/core/kernels/advantages_webgpu.ts, which prepends `const WORKGROUP_SIZE : u32`
// (a power of two), and by tfjs, which adds the buffers `rewards`, `values`, `mask`, `result` ([B*T], advantages
// or returns) and the Uniforms struct. Our uniforms: gamma, lambda, normalize, outputReturns.

var<workgroup> partials : array<f32, WORKGROUP_SIZE>;
var<workgroup> reduced : f32;

// Invocation 0 folds the partials serially: two barriers per reduction rather than one per tree level (barriers
// are what costs on software GPUs). `reduced` is only rewritten after the next reduction's first barrier,
// which every reader has passed, so no third barrier is needed.
fn workgroupSum(value : f32, tid : u32) -> f32 {
  partials[tid] = value;
  workgroupBarrier();
  if (tid == 0u) {
    var total = 0.0;
    for (var t = 0u; t < WORKGROUP_SIZE; t++) {
      total += partials[t];
    }
    reduced = total;
  }
  workgroupBarrier();
  return reduced;
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
  // Rows are spread over every invocation of the dispatch (one workgroup when normalising, several otherwise).
  let firstRow = index;
  let rowStride = i32(WORKGROUP_SIZE * numWorkgroups.x);

  var localSum = 0.0;
  var localCount = 0.0;
  for (var b = firstRow; b < batch; b += rowStride) {
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
  // The wrapper dispatches a single workgroup in this case, so the workgroup sees the whole batch.
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
