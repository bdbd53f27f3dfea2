// CPU twin of shaders/adam.wgsl: one Adam step (Kingma & Ba 2015, Algorithm 1) on plain arrays, in float32 like the
// GPU, with the gradient's clipping scale folded in. The tf-ops path for other backends is in adam.ts.

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step number t, for the bias corrections 1 − β^t. */
  step: number;
}

/** 1 − β1^t and 1 − β2^t, in double precision (then rounded to float32 by whoever uploads them). */
export function biasCorrections(h: AdamHyper): [number, number] {
  return [1 - h.beta1 ** h.step, 1 - h.beta2 ** h.step];
}

/** θ, g: [N]; moments: [2N] = m then v. Returns the new θ and the new moments. */
export function adamStepCpu(param: Float32Array, grad: Float32Array, moments: Float32Array, scale: number, h: AdamHyper): { param: Float32Array; moments: Float32Array } {
  const f = Math.fround;
  const n = param.length;
  const [c1, c2] = biasCorrections(h).map(f);
  const [lr, b1, b2, eps] = [h.learningRate, h.beta1, h.beta2, h.epsilon].map(f);
  const nextParam = new Float32Array(n);
  const nextMoments = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const g = f(grad[i] * f(scale));
    const m = f(f(b1 * moments[i]) + f(f(1 - b1) * g));
    const v = f(f(b2 * moments[n + i]) + f(f(f(1 - b2) * g) * g));
    nextMoments[i] = m;
    nextMoments[n + i] = v;
    nextParam[i] = f(param[i] - f(f(lr * f(m / c1)) / f(f(Math.sqrt(f(v / c2))) + eps)));
  }
  return { param: nextParam, moments: nextMoments };
}
