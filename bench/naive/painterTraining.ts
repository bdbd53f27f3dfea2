// The painter's episode and A2C update as a tfjs user would write them, for the painter suite's naive side:
//   rollout: per stroke, the stock-op policy (naive/painterPolicy.ts) → tf.multinomial per head (log-probabilities
//            and entropy by logSoftmax · oneHot on the GPU) → readback of the sampled actions → the stroke drawn in JS
//            on a CPU copy of the canvases → upload → distances to the target with stock ops.
//   update:  that rollout → readback of distances and values → the same JS reward terms as the app → GAE in a JS loop
//            → upload → the loss re-computed with stock ops under optimizer.minimize → Adam.
// The JS drawing is the project's CPU raster twin and the action decoding the task's own, so both sides draw the same
// kind of strokes with the same cost model a hand-written JS rasteriser would have.
import * as tf from '@tensorflow/tfjs';
import { gpuIdle } from '../harness';
import type { ExperimentConfig } from '../../src/core/config';
import { STROKE_PARAMS, rasterStrokesCpu } from '../../src/core/kernels/rasterStrokesCpu';
import { paintStepRewards } from '../../src/core/rewards/paint';
import { decodeDiscrete, discreteHeads, type DiscreteStrokeSpace } from '../../src/core/tasks/paint/strokes';
import type { NaivePainterPolicy } from './painterPolicy';

export interface NaiveEpisodes {
  /** The canvas before each stroke, step-major (row t·B + b). [K·B, S, S, 3] */
  states: tf.Tensor4D;
  progress: tf.Tensor1D;
  /** Sampled head indices, step-major. int32 [K·B, heads] */
  actions: tf.Tensor2D;
  /** Episode-major [B, K]. */
  logProbs: tf.Tensor2D;
  values: tf.Tensor2D;
  entropy: tf.Tensor2D;
  /** Distances before the first stroke and after each one. [B, K + 1] */
  l2: tf.Tensor2D;
  l1: tf.Tensor2D;
  /** The strokes drawn, in JS already. [B, K, STROKE_PARAMS] */
  strokes: Float32Array;
}

export function disposeNaiveEpisodes(e: NaiveEpisodes): void {
  tf.dispose([e.states, e.progress, e.actions, e.logProbs, e.values, e.entropy, e.l2, e.l1]);
}

function distances(canvases: tf.Tensor4D, target: tf.Tensor3D): { l2: tf.Tensor1D; l1: tf.Tensor1D } {
  return tf.tidy(() => ({
    l2: tf.mean(tf.squaredDifference(canvases, target), [1, 2, 3]) as tf.Tensor1D,
    l1: tf.mean(tf.abs(tf.sub(canvases, target)), [1, 2, 3]) as tf.Tensor1D,
  }));
}

/** log π(a|s) and entropy summed over the heads, from the policy head and int32 actions [N, heads]. */
function headLogProbs(space: DiscreteStrokeSpace, head: tf.Tensor2D, actions: tf.Tensor2D): { logProbs: tf.Tensor1D; entropy: tf.Tensor1D } {
  const heads = discreteHeads(space);
  const blocks = tf.split(head, heads.map((h) => h.size), 1);
  const columns = tf.split(actions, heads.length, 1);
  const logProbs = blocks.map((z, k) => tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(tf.reshape(columns[k], [-1]) as tf.Tensor1D, heads[k].size)), 1));
  const entropy = blocks.map((z) => tf.neg(tf.sum(tf.mul(tf.softmax(z), tf.logSoftmax(z)), 1)));
  return { logProbs: tf.addN(logProbs) as tf.Tensor1D, entropy: tf.addN(entropy) as tf.Tensor1D };
}

export async function naivePaintRollout(policy: NaivePainterPolicy, space: DiscreteStrokeSpace, target: tf.Tensor3D, B: number, K: number): Promise<NaiveEpisodes> {
  const S = target.shape[0];
  const heads = discreteHeads(space);
  let pixels: Float32Array = new Float32Array(B * S * S * 3).fill(1);
  let canvas = tf.tensor4d(pixels, [B, S, S, 3]);
  const strokes = new Float32Array(B * K * STROKE_PARAMS);
  const start = distances(canvas, target);
  const steps: { state: tf.Tensor4D; actions: tf.Tensor2D; logProbs: tf.Tensor1D; value: tf.Tensor1D; entropy: tf.Tensor1D; l2: tf.Tensor1D; l1: tf.Tensor1D }[] = [];
  for (let t = 0; t < K; t++) {
    const step = tf.tidy(() => {
      const { head, value } = policy.forward(canvas, target, tf.fill([B], t / K) as tf.Tensor1D);
      const actions = tf.concat(tf.split(head, heads.map((h) => h.size), 1).map((z) => tf.multinomial(z as tf.Tensor2D, 1)), 1) as tf.Tensor2D;
      return { actions, value, ...headLogProbs(space, head, actions) };
    });
    // The readback a JS rasteriser needs: which stroke each canvas gets.
    const drawn = decodeDiscrete(space, (await step.actions.data()) as Int32Array, B);
    for (let b = 0; b < B; b++) strokes.set(drawn.subarray(b * STROKE_PARAMS, (b + 1) * STROKE_PARAMS), (b * K + t) * STROKE_PARAMS);
    pixels = rasterStrokesCpu(pixels, drawn, B, S, S);
    const next = tf.tensor4d(pixels, [B, S, S, 3]);
    steps.push({ state: canvas, ...step, ...distances(next, target) });
    canvas = next;
  }
  const out = tf.tidy(() => ({
    states: tf.concat(steps.map((s) => s.state)) as tf.Tensor4D,
    progress: tf.concat(steps.map((_, t) => tf.fill([B], t / K))) as tf.Tensor1D,
    actions: tf.concat(steps.map((s) => s.actions)) as tf.Tensor2D,
    logProbs: tf.stack(steps.map((s) => s.logProbs), 1) as tf.Tensor2D,
    values: tf.stack(steps.map((s) => s.value), 1) as tf.Tensor2D,
    entropy: tf.stack(steps.map((s) => s.entropy), 1) as tf.Tensor2D,
    l2: tf.stack([start.l2, ...steps.map((s) => s.l2)], 1) as tf.Tensor2D,
    l1: tf.stack([start.l1, ...steps.map((s) => s.l1)], 1) as tf.Tensor2D,
  }));
  tf.dispose([canvas, start.l2, start.l1, ...steps.flatMap((s) => [s.state, s.actions, s.logProbs, s.value, s.entropy, s.l2, s.l1])]);
  return { ...out, strokes };
}

/** GAE(γ, λ) and λ-returns in a JS loop over episode-major [B, K] rewards and values, V = 0 after the last stroke. */
function advantagesInJs(rewards: Float32Array, values: Float32Array, B: number, K: number, gamma: number, lambda: number) {
  const advantages = new Float32Array(B * K);
  const returns = new Float32Array(B * K);
  for (let b = 0; b < B; b++) {
    let running = 0;
    for (let t = K - 1; t >= 0; t--) {
      const i = b * K + t;
      const nextValue = t + 1 < K ? values[i + 1] : 0;
      running = rewards[i] + gamma * nextValue - values[i] + gamma * lambda * running;
      advantages[i] = running;
      returns[i] = running + values[i];
    }
  }
  return { advantages, returns };
}

/**
 * One A2C update the naive way. Resolves once the GPU has finished Adam's step. `phase`, when given (profiling only),
 * is awaited after each sub-phase: it syncs with the GPU and records the time.
 */
export async function naivePaintUpdate(
  policy: NaivePainterPolicy,
  optimizer: tf.Optimizer,
  space: DiscreteStrokeSpace,
  target: tf.Tensor3D,
  config: ExperimentConfig,
  phase?: (name: string) => Promise<void>,
): Promise<void> {
  const B = config.batchSize;
  const K = config.paint.strokes;
  const alg = config.algorithm;
  const episodes = await naivePaintRollout(policy, space, target, B, K);
  await phase?.('rollout');
  try {
    const [l2, l1, values] = (await Promise.all([episodes.l2.data(), episodes.l1.data(), episodes.values.data()])) as Float32Array[];
    const rewards = paintStepRewards(config.rewards, { size: B, steps: K, l2, l1, strokes: episodes.strokes }).total;
    const { advantages, returns } = advantagesInJs(rewards, values, B, K, alg.gamma, alg.lambda);
    await phase?.('readback + reward + advantages');
    tf.tidy(() => {
      const advantageTensor = tf.tensor2d(advantages, [B, K]);
      const returnTensor = tf.tensor2d(returns, [B, K]);
      const episodeMajor = (x: tf.Tensor1D) => tf.transpose(tf.reshape(x, [K, B]));
      optimizer.minimize(() => {
        const { head, value } = policy.forward(episodes.states, target, episodes.progress);
        const now = headLogProbs(space, head, episodes.actions);
        const policyLoss = tf.neg(tf.div(tf.sum(tf.mul(episodeMajor(now.logProbs), advantageTensor)), B));
        const valueLoss = tf.mean(tf.square(tf.sub(episodeMajor(value), returnTensor)));
        const entropy = tf.mean(now.entropy);
        return tf.addN([policyLoss, tf.mul(alg.valueCoef, valueLoss), tf.mul(-alg.entropyCoef, entropy)]) as tf.Scalar;
      }, false, policy.variables());
    });
  } finally {
    disposeNaiveEpisodes(episodes);
  }
  await gpuIdle();
  await phase?.('loss + gradients + Adam');
}
