// RL training of the char-GRU on WebGPU: RewardLab's path against the same algorithm written the way a tfjs user
// would write it.
//   rollout  ours:  sampleSequences → the fused WGSL rollout (one kernel for all T steps)
//            naive: stock ops per step (gather, matMul, gates, logits) with tf.multinomial sampling
//   update   ours:  fused rollout → one readback of the tokens → reward in JS → GAE kernel (normalised returns)
//                   → teacher-forced forwardSequence (input projections batched over the sequence; on WebGPU the
//                   recurrence and its backward pass are the fused kernels of src/core/kernels/gruSequence.ts)
//                   → reinforceLoss (per-token log-probs and entropies by our kernels) → Adam (our fused kernel)
//            naive: the naive rollout → readback → reward in JS → returns and baseline in a JS loop → upload
//                   → a taped re-run of the per-step loop for the loss → Adam
// Both wait for the GPU to finish (no extra readback). Tokens per second count all B·T positions on both sides.
// Each row also carries the number of GPU programs dispatched by one run of each side (wrapping
// backend.runWebGPUProgram), which is what bounds these figures on a software GPU, with the programs that issue
// most of them, and (ours only) the time of each sub-phase of one update with a GPU sync between phases.
import * as tf from '@tensorflow/tfjs';
import { compare, gpuIdle, measureInTurns, type BenchResult, type Figure, type Report } from '../harness';
import { countDispatches, topPrograms, type DispatchCount } from '../dispatches';
import { naiveGruCell } from '../naive/gruSequence';
import { computeAdvantages } from '../../src/core/kernels/index';
import { reinforceLoss } from '../../src/core/algorithms/reinforce';
import { CharGru, type GruSize } from '../../src/core/models/charGru';
import { sampleSequences } from '../../src/core/rollout';
import { FusedAdam } from '../../src/core/training/fusedAdam';
import { shiftRight, tokenEntropy, tokenLogProbs } from '../../src/core/sequences';

const NAMES_VOCAB = 40;
/**
 * The first shipped SMILES prior's size (public/priors/molecules-e32-h256.json, kept for links of config version 1):
 * 43 tokens, embedding 32, hidden 256. docs/PERFORMANCE.md's figures were measured at it; the default prior is now h384.
 */
const SMILES_VOCAB = 43;
const EMBEDDING = 32;
const EOS = 0;
const TEMPERATURE = 1;
const ENTROPY_COEF = 0.01;
const LEARNING_RATE = 1e-3;
/** The toy task: reward = share of the letter with id 1 in the sample (enough to exercise the whole update). */
const TARGET_TOKEN = 1;

interface Workload {
  name: string;
  vocab: number;
  hidden: number;
  batch: number;
  steps: number;
  /** Untimed rounds before timing; the dispatch-count run of each side comes first and compiles the pipelines. */
  warmup: number;
  rolloutRepeats: number;
  updateRepeats: number;
}

const WORKLOADS: Workload[] = [
  { name: 'gru-h128-b32-t32', vocab: NAMES_VOCAB, hidden: 128, batch: 32, steps: 32, warmup: 1, rolloutRepeats: 9, updateRepeats: 3 },
  // Large: the naive update takes 40-60 s on SwiftShader: two timed rounds keep the suite under 10 minutes.
  { name: 'gru-h256-b128-t64', vocab: NAMES_VOCAB, hidden: 256, batch: 128, steps: 64, warmup: 0, rolloutRepeats: 3, updateRepeats: 2 },
  // The molecules task as the app runs it: the SMILES prior's size, its default batch (64) and maximum length (100).
  { name: 'smiles-prior-h256-b64-t100', vocab: SMILES_VOCAB, hidden: 256, batch: 64, steps: 100, warmup: 0, rolloutRepeats: 3, updateRepeats: 2 },
];


/** Reward per sample, placed on its last generated step (the same JS for both sides). */
function rewardsAtEnd(tokens: Int32Array, B: number, T: number): { atEnd: Float32Array; mean: number } {
  const atEnd = new Float32Array(B * T);
  let sum = 0;
  for (let b = 0; b < B; b++) {
    let hits = 0;
    let length = T;
    for (let t = 0; t < T; t++) {
      const token = tokens[b * T + t];
      if (token === TARGET_TOKEN) hits++;
      if (token === EOS) {
        length = t + 1;
        break;
      }
    }
    const reward = hits / length;
    atEnd[b * T + length - 1] = reward;
    sum += reward;
  }
  return { atEnd, mean: sum / B };
}

// ---------------------------------------------------------------- naive: what a tfjs user writes

interface NaiveRollout {
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  logProbs: tf.Tensor2D;
  values: tf.Tensor2D;
}

/** One GRU step with stock ops, as CharGru.step, but with the embedding gathered per step. */
function naiveCell(model: CharGru, input: tf.Tensor1D, h: tf.Tensor2D): tf.Tensor2D {
  const w = model.weights;
  return naiveGruCell(w, tf.add(tf.matMul(tf.gather(w.embedding, input), w.inputKernel), w.inputBias), h);
}

function naiveRollout(model: CharGru, B: number, T: number): NaiveRollout {
  return tf.tidy(() => {
    const w = model.weights;
    let input = tf.fill([B], EOS, 'int32') as tf.Tensor1D;
    let h = tf.zeros([B, model.size.hidden]) as tf.Tensor2D;
    let alive = tf.ones([B]) as tf.Tensor1D;
    const tokens: tf.Tensor1D[] = [];
    const masks: tf.Tensor1D[] = [];
    const logProbs: tf.Tensor1D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let t = 0; t < T; t++) {
      h = naiveCell(model, input, h);
      const logits = tf.div(tf.add(tf.matMul(h, w.logitsKernel), w.logitsBias), TEMPERATURE) as tf.Tensor2D;
      values.push(tf.reshape(tf.add(tf.matMul(h, w.valueKernel), w.valueBias), [B]) as tf.Tensor1D);
      const token = tf.reshape(tf.multinomial(logits, 1), [B]) as tf.Tensor1D;
      logProbs.push(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(token, model.size.vocab)), 1) as tf.Tensor1D);
      tokens.push(token);
      masks.push(alive);
      alive = tf.mul(alive, tf.cast(tf.notEqual(token, EOS), 'float32')) as tf.Tensor1D;
      input = token;
    }
    return {
      tokens: tf.stack(tokens, 1) as tf.Tensor2D,
      mask: tf.stack(masks, 1) as tf.Tensor2D,
      logProbs: tf.stack(logProbs, 1) as tf.Tensor2D,
      values: tf.stack(values, 1) as tf.Tensor2D,
    };
  });
}

async function naiveUpdate(model: CharGru, optimizer: tf.Optimizer, B: number, T: number): Promise<void> {
  const rollout = naiveRollout(model, B, T);
  const [tokens, mask] = (await Promise.all([rollout.tokens.data(), rollout.mask.data()])) as [Int32Array, Float32Array];
  const { atEnd } = rewardsAtEnd(tokens, B, T);
  // Reward-to-go with a batch-mean baseline per step, normalised: a JS loop.
  const returns = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    let g = 0;
    for (let t = T - 1; t >= 0; t--) {
      g = mask[b * T + t] * (atEnd[b * T + t] + g);
      returns[b * T + t] = g;
    }
  }
  let n = 0;
  let sum = 0;
  for (let i = 0; i < returns.length; i++) if (mask[i]) (n++, (sum += returns[i]));
  const mean = sum / Math.max(n, 1);
  let squares = 0;
  for (let i = 0; i < returns.length; i++) if (mask[i]) squares += (returns[i] - mean) ** 2;
  const invStd = 1 / Math.sqrt(squares / Math.max(n, 1) + 1e-8);
  const advantages = returns.map((g, i) => (mask[i] ? (g - mean) * invStd : 0));
  tf.tidy(() => {
    const adv = tf.tensor2d(advantages, [B, T]);
    const inputs = tf.unstack(shiftRight(rollout.tokens), 1) as tf.Tensor1D[];
    const actions = tf.unstack(rollout.tokens, 1) as tf.Tensor1D[];
    const maskSteps = tf.unstack(rollout.mask, 1) as tf.Tensor1D[];
    const advSteps = tf.unstack(adv, 1) as tf.Tensor1D[];
    optimizer.minimize(() => {
      // The taped re-run: the same per-step loop, now recording gradients.
      let h = tf.zeros([B, model.size.hidden]) as tf.Tensor2D;
      let objective = tf.scalar(0);
      let entropy = tf.scalar(0);
      for (let t = 0; t < T; t++) {
        h = naiveCell(model, inputs[t], h);
        const logSoftmax = tf.logSoftmax(tf.add(tf.matMul(h, model.weights.logitsKernel), model.weights.logitsBias));
        const logProb = tf.sum(tf.mul(logSoftmax, tf.oneHot(actions[t], model.size.vocab)), 1);
        objective = tf.add(objective, tf.sum(tf.mul(tf.mul(logProb, advSteps[t]), maskSteps[t])));
        entropy = tf.add(entropy, tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(tf.exp(logSoftmax), logSoftmax), 1)), maskSteps[t])));
      }
      const meanEntropy = tf.div(entropy, tf.maximum(tf.sum(rollout.mask), 1));
      return tf.sub(tf.neg(tf.div(objective, B)), tf.mul(ENTROPY_COEF, meanEntropy)) as tf.Scalar;
    }, false, model.variables());
  });
  tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values]);
  await gpuIdle();
}

// ---------------------------------------------------------------- ours: the project's path

/**
 * `phase`, when given (profiling only), is awaited after each sub-phase: it syncs with the GPU and records the time,
 * which adds sync points the timed runs do not have.
 */
async function oursUpdate(model: CharGru, optimizer: FusedAdam, B: number, T: number, counter: number, phase?: (name: string) => Promise<void>): Promise<void> {
  const rollout = sampleSequences(model, { batchSize: B, maxLength: T, temperature: TEMPERATURE, seed: 1, counter });
  const tokens = (await rollout.tokens.data()) as Int32Array; // the one readback: the reward needs the text
  await phase?.('rollout + readback');
  const { atEnd } = rewardsAtEnd(tokens, B, T);
  const rewards = tf.tensor2d(atEnd, [B, T]);
  // gamma = lambda = 1 with zero values: GAE gives the reward-to-go; normalised, it is the baselined advantage.
  const { advantages, returns } = tf.tidy(() => computeAdvantages(rewards, tf.zeros([B, T + 1]), rollout.mask, { gamma: 1, lambda: 1, normalize: true }));
  await phase?.('reward + GAE');
  tf.tidy(() => {
    optimizer.minimize(() => {
      const { logits } = model.forwardSequence(shiftRight(rollout.tokens));
      const logProbs = tokenLogProbs(logits, rollout.tokens, TEMPERATURE);
      return reinforceLoss({ logProbs, advantages, mask: rollout.mask, entropy: tokenEntropy(logits, TEMPERATURE), entropyCoef: ENTROPY_COEF }).loss;
    }, false, model.variables());
  });
  tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values, rewards, advantages, returns]);
  await gpuIdle();
  await phase?.('forward + backward + Adam');
}

/** One profiled update of ours: milliseconds per sub-phase. */
async function profileOurs(model: CharGru, optimizer: FusedAdam, B: number, T: number, counter: number): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  let last = performance.now();
  await oursUpdate(model, optimizer, B, T, counter, async (name) => {
    await gpuIdle();
    const now = performance.now();
    times[name] = Math.round((now - last) * 10) / 10;
    last = now;
  });
  return times;
}

// ---------------------------------------------------------------- figures

function withThroughput(result: BenchResult, tokens: number, dispatches: { ours: DispatchCount; naive: DispatchCount }, profile?: Record<string, number>) {
  const rate = (f: Figure) => tokens / (f.median_ms / 1000);
  return {
    ...result,
    ours: { ...result.ours, tokens_per_s: rate(result.ours) },
    naive: { ...result.naive, tokens_per_s: rate(result.naive) },
    dispatches: { ours: dispatches.ours.count, naive: dispatches.naive.count },
    dispatches_by_program: { ours: topPrograms(dispatches.ours.byProgram), naive: topPrograms(dispatches.naive.byProgram) },
    ...(profile ? { ours_profile_ms: profile } : {}),
  };
}

async function workloadFigures(report: Report, w: Workload): Promise<void> {
  const size: GruSize = { vocab: w.vocab, embedding: EMBEDDING, hidden: w.hidden };
  const { batch: B, steps: T } = w;
  const tokens = B * T;
  const oursModel = CharGru.init(size, 1, true, 'bench-ours');
  const naiveModel = CharGru.init(size, 1, true, 'bench-naive');
  const oursOptimizer = new FusedAdam(LEARNING_RATE); // the trainers' Adam: one fused kernel per variable
  const naiveOptimizer = tf.train.adam(LEARNING_RATE);
  let counter = 0;
  const nextCounter = () => (counter += 4096);

  const rolloutOurs = async () => {
    const out = sampleSequences(oursModel, { batchSize: B, maxLength: T, temperature: TEMPERATURE, seed: 1, counter: nextCounter() });
    await gpuIdle();
    tf.dispose([out.tokens, out.mask, out.logProbs, out.values]);
  };
  const rolloutNaive = async () => {
    const out = naiveRollout(naiveModel, B, T);
    await gpuIdle();
    tf.dispose([out.tokens, out.mask, out.logProbs, out.values]);
  };
  const updateOurs = () => oursUpdate(oursModel, oursOptimizer, B, T, nextCounter());
  const updateNaive = () => naiveUpdate(naiveModel, naiveOptimizer, B, T);

  const rolloutDispatches = { ours: await countDispatches(rolloutOurs), naive: await countDispatches(rolloutNaive) };
  const rollout = await measureInTurns({ ours: rolloutOurs, naive: rolloutNaive }, { warmup: w.warmup, repeats: w.rolloutRepeats });
  report.add(
    withThroughput(
      compare(w.name, 'rollout', report.backend, rollout.ours, rollout.naive, 'stock ops per step, tf.multinomial sampling, logProbs and values kept on the GPU'),
      tokens,
      rolloutDispatches,
    ),
  );
  report.log(`${w.name} rollout: ours ${rollout.ours.median_ms.toFixed(1)} ms (${rolloutDispatches.ours.count} dispatches), naive ${rollout.naive.median_ms.toFixed(1)} ms (${rolloutDispatches.naive.count} dispatches)`);

  const updateDispatches = { ours: await countDispatches(updateOurs), naive: await countDispatches(updateNaive) };
  const update = await measureInTurns({ ours: updateOurs, naive: updateNaive }, { warmup: w.warmup, repeats: w.updateRepeats });
  const profile = await profileOurs(oursModel, oursOptimizer, B, T, nextCounter());
  report.add(
    withThroughput(
      compare(
        w.name,
        'update',
        report.backend,
        update.ours,
        update.naive,
        'naive rollout, readback, reward + returns in a JS loop, taped per-step re-run for the loss, Adam',
        'ours: fused rollout, readback of tokens, GAE kernel, teacher-forced forwardSequence (fused GRU forward + BPTT kernels on WebGPU), reinforceLoss, Adam',
      ),
      tokens,
      updateDispatches,
      profile,
    ),
  );
  report.log(`${w.name} update: ours ${update.ours.median_ms.toFixed(1)} ms (${updateDispatches.ours.count} dispatches), naive ${update.naive.median_ms.toFixed(1)} ms (${updateDispatches.naive.count} dispatches)`);
  report.log(`${w.name} ours update by program: ${JSON.stringify(updateDispatches.ours.byProgram)}; by phase (ms): ${JSON.stringify(profile)}`);

  oursModel.dispose();
  naiveModel.dispose();
  oursOptimizer.dispose();
  naiveOptimizer.dispose();
}

export async function run(report: Report): Promise<void> {
  const only = new URLSearchParams(location.search).get('workload');
  for (const w of WORKLOADS) if (!only || w.name === only) await workloadFigures(report, w);
}
