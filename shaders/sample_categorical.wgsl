// Categorical sampling, one workgroup per row of logits [B, V].
// For each row: the token drawn, its log-probability and the entropy, all under the distribution actually used
// (mask, temperature, top-k, top-p, renormalised). The CPU twin (src/core/kernels/sample_categorical_cpu.ts)
// documents the contract step by step; this file follows the same steps.
//
// Composed at run time by src/core/kernels/sample_categorical_webgpu.ts, which prepends
//   const WORKGROUP_SIZE : u32  (a power of two)    const MAX_VOCAB : u32
// and by tfjs, which adds the Uniforms struct, the buffers `logits` (f32 [B*V]), `allowed` (the mask, f32 or i32),
// `result` (f32 [3*B]: tokens, then logProbs, then entropy), the builtins `localIndex` and `workgroupId`,
// and calls main() once per invocation. Our uniforms: temperature, topP, topK, seed, counter, maskRowStride, useMask,
// rankSelect (1: top-k/top-p by ranks, for small V; 0: by bisection on the threshold).

var<workgroup> rowLogits : array<f32, MAX_VOCAB>;
// exp((logit - max) / T) for kept tokens; -1 marks a token that is excluded (masked, -inf, cut by top-k/top-p).
var<workgroup> weights : array<f32, MAX_VOCAB>;
var<workgroup> partials : array<vec4<f32>, WORKGROUP_SIZE>;
var<workgroup> reduced : vec4<f32>;
var<workgroup> chosenIndex : atomic<u32>;
var<workgroup> lastKeptIndex : atomic<i32>;

const NONE : u32 = 0xffffffffu;
const BIG : f32 = 3.402823e38;

// ---- Philox4x32-10 (Salmon et al., SC'11): counter-based, so every (seed, counter, row) has its own stream ----

// Full 32x32 -> 64-bit product as (hi, lo), from 16-bit halves (WGSL has no 64-bit integers).
fn mulHiLo(a : u32, b : u32) -> vec2<u32> {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let loLo = aLo * bLo;
  let hiLo = aHi * bLo;
  let loHi = aLo * bHi;
  let hiHi = aHi * bHi;
  let cross = (loLo >> 16u) + (hiLo & 0xffffu) + loHi;
  let hi = hiHi + (hiLo >> 16u) + (cross >> 16u);
  let lo = (cross << 16u) | (loLo & 0xffffu);
  return vec2<u32>(hi, lo);
}

fn philox4x32(counterIn : vec4<u32>, keyIn : vec2<u32>) -> vec4<u32> {
  var c = counterIn;
  var k = keyIn;
  for (var round = 0; round < 10; round++) {
    let p0 = mulHiLo(0xd2511f53u, c.x);
    let p1 = mulHiLo(0xcd9e8d57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

const SAMPLER_STREAM : u32 = 0x53414d50u; // "SAMP": keeps sampling apart from other uses of the same seed

// Uniform in [0, 1) with 24 bits, exactly representable in f32 (the TypeScript twin gets the same number).
fn samplerUniform(seed : u32, counter : u32, row : u32) -> f32 {
  let bits = philox4x32(vec4<u32>(counter, row, 0u, 0u), vec2<u32>(seed, SAMPLER_STREAM)).x;
  return f32(bits >> 8u) * (1.0 / 16777216.0);
}

// ---- workgroup reductions (every invocation gets the result) ----
// Invocation 0 folds the partials serially: two barriers per reduction instead of one per tree level, which is
// what costs on software GPUs, and little extra on real ones for our small workgroups. No third barrier is
// needed: `reduced` is only rewritten after the next reduction's first barrier, which every reader has passed.

// x, y and z are reduced with max, w with +.
fn reduceMaxMaxMaxSum(value : vec4<f32>, tid : u32) -> vec4<f32> {
  partials[tid] = value;
  workgroupBarrier();
  if (tid == 0u) {
    var acc = partials[0];
    for (var t = 1u; t < WORKGROUP_SIZE; t++) {
      let p = partials[t];
      acc = vec4<f32>(max(acc.xyz, p.xyz), acc.w + p.w);
    }
    reduced = acc;
  }
  workgroupBarrier();
  return reduced;
}

fn workgroupSum(value : f32, tid : u32) -> f32 {
  return reduceMaxMaxMaxSum(vec4<f32>(0.0, 0.0, 0.0, value), tid).w;
}

// A u32 whose order is the order of the float: lets us bisect on thresholds bit by bit, exactly.
fn orderKey(x : f32) -> u32 {
  let bits = bitcast<u32>(x);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

fn isAllowed(row : i32, i : i32) -> bool {
  if (uniforms.useMask == 0) {
    return true;
  }
  return f32(allowed[row * uniforms.maskRowStride + i]) != 0.0;
}

// Largest threshold key tau in [lo, hi] such that the kept tokens with key >= tau weigh at least `goal`
// (weight 1 per token for top-k, the token's weight for top-p). A fixed 32 halvings of the key range keep
// the control flow uniform, as the barriers inside the reductions require.
fn bisectThreshold(loIn : u32, hiIn : u32, goal : f32, countTokens : bool, tid : u32, vocab : i32) -> u32 {
  var lo = loIn;
  var hi = hiIn;
  for (var step = 0; step < 32; step++) {
    let mid = lo + (hi - lo + 1u) / 2u;
    var local = 0.0;
    for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
      if (weights[i] >= 0.0 && orderKey(rowLogits[i]) >= mid) {
        local += select(weights[i], 1.0, countTokens);
      }
    }
    let measure = workgroupSum(local, tid);
    if (lo < hi) {
      if (measure >= goal) {
        lo = mid;
      } else {
        hi = mid - 1u;
      }
    }
  }
  return lo;
}

// Marks kept tokens whose logit is below the threshold key as excluded.
fn cutBelow(threshold : u32, tid : u32, vocab : i32) {
  for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
    if (weights[i] >= 0.0 && orderKey(rowLogits[i]) < threshold) {
      weights[i] = -1.0;
    }
  }
}

// Rank-based selection for small vocabularies (no bisection, no barriers inside): a kept token survives top-k
// when fewer than k kept tokens have a larger logit, and top-p when the kept weight strictly above it is below
// `goal`. Both equal the threshold definitions (ties at the threshold survive together). Decisions go to a
// bitmask first (bit n = the invocation's n-th token) and are applied after a barrier, so no one reads a
// weight while another invocation rewrites it. Needs ceil(V / WORKGROUP_SIZE) <= 32 (the wrapper ensures it).
fn rankCutMask(limit : f32, byWeight : bool, tid : u32, vocab : i32) -> u32 {
  var cut = 0u;
  var n = 0u;
  for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
    if (weights[i] >= 0.0) {
      let x = rowLogits[i];
      var above = 0.0;
      for (var j = 0; j < vocab; j++) {
        if (weights[j] >= 0.0 && rowLogits[j] > x) {
          above += select(1.0, weights[j], byWeight);
        }
      }
      if (above >= limit) {
        cut |= 1u << n;
      }
    }
    n++;
  }
  return cut;
}

fn applyCutMask(cut : u32, tid : u32, vocab : i32) {
  workgroupBarrier(); // every invocation has finished reading weights
  var n = 0u;
  for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
    if ((cut & (1u << n)) != 0u) {
      weights[i] = -1.0;
    }
    n++;
  }
  workgroupBarrier();
}

fn main(index : i32) {
  let tid = localIndex;
  let row = index / i32(WORKGROUP_SIZE);
  let rows = uniforms.logitsShape[0];
  let vocab = uniforms.logitsShape[1];
  let temperature = uniforms.temperature;
  if (tid == 0u) {
    atomicStore(&chosenIndex, NONE);
    atomicStore(&lastKeptIndex, -1);
  }

  // 1. Load the row; NaN or +inf poisons it, -inf and masked tokens are excluded.
  var localMax = -BIG;
  var localMin = BIG;
  var localCount = 0.0;
  var localBad = 0.0;
  for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
    let x = logits[row * vocab + i];
    let bits = bitcast<u32>(x);
    let nonFinite = (bits & 0x7fffffffu) >= 0x7f800000u;
    if (nonFinite && bits != 0xff800000u) {
      localBad = 1.0;
    }
    let kept = !nonFinite && isAllowed(row, i);
    rowLogits[i] = select(0.0, x, kept);
    weights[i] = select(-1.0, 0.0, kept);
    if (kept) {
      localMax = max(localMax, x);
      localMin = min(localMin, x);
      localCount += 1.0;
    }
  }
  let stats = reduceMaxMaxMaxSum(vec4<f32>(localMax, -localMin, localBad, localCount), tid);
  let rowMax = stats.x;
  let rowMin = -stats.y;
  let invalid = stats.z > 0.0 || stats.w == 0.0;

  var token : i32;
  var logProb = 0.0;
  var entropy = 0.0;
  if (temperature == 0.0) {
    // 2. Temperature 0: the argmax (lowest index on ties); the distribution is a point mass.
    for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
      if (weights[i] >= 0.0 && rowLogits[i] == rowMax) {
        atomicMin(&chosenIndex, u32(i));
      }
    }
    workgroupBarrier();
    token = i32(atomicLoad(&chosenIndex));
  } else {
    // 3. Tempered, max-subtracted weights.
    for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
      if (weights[i] >= 0.0) {
        weights[i] = exp((rowLogits[i] - rowMax) / temperature);
      }
    }
    workgroupBarrier();
    // 4. Top-k: keep logits >= the k-th largest (no sort: ranks for small V, bisection on the threshold otherwise).
    if (uniforms.topK > 0) {
      if (uniforms.rankSelect != 0) {
        applyCutMask(rankCutMask(f32(uniforms.topK), false, tid, vocab), tid, vocab);
      } else {
        let threshold = bisectThreshold(orderKey(rowMin), orderKey(rowMax), f32(uniforms.topK), true, tid, vocab);
        cutBelow(threshold, tid, vocab);
      }
    }
    // 5. Top-p: keep the highest logits down to the largest threshold whose mass is still >= topP.
    if (uniforms.topP < 1.0) {
      var localMass = 0.0;
      for (var i = i32(tid); i < vocab; i += i32(WORKGROUP_SIZE)) {
        localMass += max(weights[i], 0.0);
      }
      let goal = uniforms.topP * workgroupSum(localMass, tid);
      if (uniforms.rankSelect != 0) {
        applyCutMask(rankCutMask(goal, true, tid, vocab), tid, vocab);
      } else {
        let threshold = bisectThreshold(orderKey(rowMin), orderKey(rowMax), goal, false, tid, vocab);
        cutBelow(threshold, tid, vocab);
      }
    }
    workgroupBarrier();

    // 6. Inverse-CDF draw in index order: each invocation owns a contiguous chunk of the row; invocation 0
    //    turns the chunk sums into exclusive prefixes (and totals the entropy term on the way).
    let chunk = (vocab + i32(WORKGROUP_SIZE) - 1) / i32(WORKGROUP_SIZE);
    let begin = i32(tid) * chunk;
    let end = min(begin + chunk, vocab);
    var chunkSum = 0.0;
    var chunkWeightedZ = 0.0;
    var chunkLastKept = -1;
    for (var i = begin; i < end; i++) {
      let w = weights[i];
      if (w > 0.0) {
        chunkSum += w;
        chunkWeightedZ += w * ((rowLogits[i] - rowMax) / temperature);
        chunkLastKept = i;
      }
    }
    atomicMax(&lastKeptIndex, chunkLastKept);
    partials[tid] = vec4<f32>(chunkSum, chunkWeightedZ, 0.0, 0.0);
    workgroupBarrier();
    if (tid == 0u) {
      var running = vec2<f32>(0.0, 0.0);
      for (var t = 0u; t < WORKGROUP_SIZE; t++) {
        let s = partials[t].xy;
        partials[t] = vec4<f32>(running, 0.0, 0.0); // the weight before this chunk
        running += s;
      }
      reduced = vec4<f32>(running, 0.0, 0.0);
    }
    workgroupBarrier();
    let total = reduced.x;
    let weightedZ = reduced.y;
    let before = partials[tid].x;
    let drawPoint = samplerUniform(uniforms.seed, uniforms.counter, u32(row)) * total;
    // The first chunk that ends past the draw point holds the token (atomicMin picks it if rounding lets two claim).
    if (chunkSum > 0.0 && before + chunkSum > drawPoint) {
      var found = chunkLastKept;
      var running = before;
      for (var i = begin; i < end; i++) {
        let w = weights[i];
        if (w > 0.0) {
          running += w;
          if (running > drawPoint) {
            found = i;
            break;
          }
        }
      }
      atomicMin(&chosenIndex, u32(found));
    }
    workgroupBarrier();
    let chosen = atomicLoad(&chosenIndex);
    // u * total rounded up to total: fall back to the last kept token, as the CPU twin does.
    token = select(i32(chosen), atomicLoad(&lastKeptIndex), chosen == NONE);
    let logTotal = log(total);
    logProb = (rowLogits[max(token, 0)] - rowMax) / temperature - logTotal;
    entropy = logTotal - weightedZ / total;
  }

  if (tid == 0u && row < rows) {
    if (invalid) {
      setOutputAtIndex(row, -1.0);
      setOutputAtIndex(rows + row, uniforms.NAN);
      setOutputAtIndex(2 * rows + row, uniforms.NAN);
    } else {
      setOutputAtIndex(row, f32(token));
      setOutputAtIndex(rows + row, logProb);
      setOutputAtIndex(2 * rows + row, entropy);
    }
  }
}
