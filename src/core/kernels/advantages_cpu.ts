// CPU twin of shaders/advantages.wgsl, in f32 arithmetic (Math.fround at every step) so that it rounds like
// the GPU and can serve as a tight oracle.

export interface AdvantageCpuOptions {
  gamma: number;
  lambda: number;
  normalize: boolean;
}

export interface AdvantageCpuResult {
  advantages: Float32Array;
  returns: Float32Array;
}

const f = Math.fround;
/** Added to the variance before the square root when normalising, so a constant batch maps to 0, not NaN. */
export const NORMALIZE_EPSILON = 1e-8;

/**
 * Generalised advantage estimation (Schulman et al., 2016) per row of a [B, T] batch, scanned backwards:
 *   delta_t = r_t + gamma * V_{t+1} * notDone_t - V_t
 *   A_t     = delta_t + gamma * lambda * notDone_t * A_{t+1}
 *   G_t     = r_t + gamma * notDone_t * G_{t+1},   G_T = V_T (bootstrap)
 * mask[b, t] = 0 marks padding: A_t = G_t = 0 there, and the step before padding is terminal (notDone = 0).
 * The last step bootstraps from values[b, T] (the caller passes 0 for episodes that finished).
 * `returns` are the discounted returns G_t; the lambda-return critic target is advantages + values[:, :T].
 * normalize: advantages over valid entries (whole batch) to mean 0 and (population) std 1; padding stays 0.
 */
export function computeAdvantagesCpu(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  batch: number,
  steps: number,
  opts: AdvantageCpuOptions,
): AdvantageCpuResult {
  const advantages = new Float32Array(batch * steps);
  const returns = new Float32Array(batch * steps);
  const gamma = f(opts.gamma);
  const gammaLambda = f(gamma * f(opts.lambda));
  for (let b = 0; b < batch; b++) {
    let nextValue = f(values[b * (steps + 1) + steps]);
    let nextAdvantage = 0;
    let nextReturn = nextValue;
    let notDone = 1;
    for (let t = steps - 1; t >= 0; t--) {
      const at = b * steps + t;
      if (mask[at] === 0) {
        notDone = 0;
        nextAdvantage = 0;
        nextReturn = 0;
        nextValue = 0;
        continue;
      }
      const reward = f(rewards[at]);
      const value = f(values[b * (steps + 1) + t]);
      const delta = f(f(reward + f(f(gamma * notDone) * nextValue)) - value);
      const advantage = f(delta + f(f(gammaLambda * notDone) * nextAdvantage));
      const ret = f(reward + f(f(gamma * notDone) * nextReturn));
      advantages[at] = advantage;
      returns[at] = ret;
      nextValue = value;
      nextAdvantage = advantage;
      nextReturn = ret;
      notDone = 1;
    }
  }
  if (opts.normalize) normalizeValid(advantages, mask);
  return { advantages, returns };
}

function normalizeValid(x: Float32Array, mask: ArrayLike<number>): void {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (mask[i] !== 0) {
      count++;
      sum += x[i];
    }
  }
  if (count === 0) return;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < x.length; i++) if (mask[i] !== 0) squares += (x[i] - mean) ** 2;
  const invStd = 1 / Math.sqrt(squares / count + NORMALIZE_EPSILON);
  for (let i = 0; i < x.length; i++) x[i] = mask[i] !== 0 ? (x[i] - mean) * invStd : 0;
}
