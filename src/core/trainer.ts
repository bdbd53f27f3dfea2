// The training loop for sequence tasks: rollout → reward → advantages → gradient step → metrics.
// One GPU→CPU readback per phase that needs it: the sampled tokens (the reward functions read text) and the few
// numbers the plots show. Everything else stays on the GPU.
import * as tf from '@tensorflow/tfjs';
import { makeBaseline, type Baseline } from './algorithms/baselines';
import { reinforceLoss } from './algorithms/reinforce';
import { BOUNDS, type ExperimentConfig } from './config';
import { computeAdvantages } from './kernels';
import type { SerializedTensor } from './checkpoints/types';
import { CharGru, WEIGHT_NAMES, weightShapes } from './models/charGru';
import { composeRewards, contextNeeds } from './rewards/composite';
import { sampleSequences } from './rollout';
import { shiftRight, tokenEntropy, tokenLogProbs } from './sequences';
import type { SequenceTask } from './tasks/sequenceTasks';

export interface UpdateMetrics {
  update: number;
  /** Mean, min and max of the total task reward (the weighted sum of terms, before the KL penalty). */
  rewardMean: number;
  rewardMin: number;
  rewardMax: number;
  /** Mean weighted contribution of each reward term. */
  terms: Record<string, number>;
  /** Mean per-sample KL to the prior, Σ_t log π(a_t) − log π_prior(a_t). */
  kl: number;
  /** Mean per-token entropy of the policy. */
  entropy: number;
  loss: number;
  gradNorm: number;
  baseline: number;
  meanLength: number;
  uniqueShare: number;
  updateMs: number;
  /** Settings changed just before this update (shown as markers on the plots). */
  changes: string[];
}

export interface SampleView {
  text: string;
  reward: number;
  kl: number;
  terms: Record<string, number>;
}

export interface UpdateResult {
  metrics: UpdateMetrics;
  samples: SampleView[];
}

/** A training update that was rejected; the weights from before it are kept. */
export class TrainingFault extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'TrainingFault';
  }
}

/** Everything needed to continue a run exactly where it stopped (the sampler is keyed by seed and update count). */
export interface TrainerState {
  updates: number;
  weights: SerializedTensor[];
  optimizer: SerializedTensor[];
  /** Baseline state words. */
  rng: number[];
}

/** Sampler counters per update: step t of update u uses u · STRIDE + t (maxLength ≤ STRIDE). */
const COUNTER_STRIDE = 4096;

export class SequenceTrainer {
  private config: ExperimentConfig;
  private readonly optimizer: tf.AdamOptimizer;
  private baseline: Baseline;
  private pendingChanges: string[] = [];
  updates = 0;

  constructor(
    config: ExperimentConfig,
    readonly task: SequenceTask,
    readonly policy: CharGru,
    readonly prior: CharGru,
  ) {
    this.config = structuredClone(config);
    this.optimizer = tf.train.adam(config.learningRate);
    this.baseline = makeBaseline(config.algorithm);
  }

  get currentConfig(): ExperimentConfig {
    return structuredClone(this.config);
  }

  /** Applies settings that can change mid-run; the change is marked on the next update's metrics. */
  applyLiveConfig(next: ExperimentConfig): void {
    const before = this.config;
    const changes = describeChanges(before, next);
    // tfjs's Adam reads its learning rate on every step; setting it keeps the moment estimates (a new optimizer would not).
    if (next.learningRate !== before.learningRate) (this.optimizer as unknown as { learningRate: number }).learningRate = next.learningRate;
    if (next.algorithm.baseline !== before.algorithm.baseline || next.algorithm.baselineDecay !== before.algorithm.baselineDecay) {
      this.baseline = makeBaseline(next.algorithm);
    }
    this.config = structuredClone(next);
    this.pendingChanges.push(...changes);
  }

  setRewardWeights(weights: Record<string, number>): void {
    const next = structuredClone(this.config);
    for (const r of next.rewards) {
      const w = weights[r.id];
      if (w === undefined) continue;
      if (!Number.isFinite(w) || w < BOUNDS.weight.min || w > BOUNDS.weight.max) {
        throw new Error(`Weight of ${r.id} must be between ${BOUNDS.weight.min} and ${BOUNDS.weight.max}`);
      }
      r.weight = w;
    }
    this.applyLiveConfig(next);
  }

  async update(): Promise<UpdateResult> {
    const started = performance.now();
    const cfg = this.config;
    const { batchSize: B, maxLength: T, temperature } = cfg;
    const beta = cfg.algorithm.klCoef;

    // 1. Rollout, and the prior's log-probabilities of the same tokens (no gradients).
    const rollout = sampleSequences(this.policy, { batchSize: B, maxLength: T, temperature, seed: cfg.seed, counter: this.updates * COUNTER_STRIDE });
    const { priorLogProbs, perSample } = tf.tidy(() => {
      const priorLogProbs = tokenLogProbs(this.prior.forwardSequence(shiftRight(rollout.tokens)).logits, rollout.tokens);
      const masked = (x: tf.Tensor2D) => tf.sum(tf.mul(x, rollout.mask), 1);
      const perSample = tf.stack([masked(tf.sub(rollout.logProbs, priorLogProbs)), masked(priorLogProbs), tf.sum(rollout.mask, 1)], 1);
      return { priorLogProbs, perSample };
    });

    try {
      // 2. The one readback of the rollout: tokens for the reward functions, three numbers per sample for the plots.
      const [tokenData, stats] = await Promise.all([rollout.tokens.data(), perSample.data()]);
      const kl = new Float32Array(B);
      const priorLogLik = new Float32Array(B);
      const lengths = new Int32Array(B);
      const texts: string[] = [];
      for (let b = 0; b < B; b++) {
        kl[b] = stats[b * 3];
        lengths[b] = stats[b * 3 + 2];
        priorLogLik[b] = stats[b * 3 + 1] / Math.max(lengths[b], 1);
        texts.push(this.task.tokenizer.decode(Array.from(tokenData.subarray(b * T, (b + 1) * T))));
      }
      if (!kl.every(Number.isFinite)) {
        throw new TrainingFault(`Update ${this.updates + 1}: the policy produced NaN or infinite log-probabilities.`, 'Lower the learning rate and reset, or resume from a checkpoint.');
      }

      // 3. Rewards, term by term.
      const needs = contextNeeds(cfg.rewards);
      const rewards = await composeRewards(cfg.rewards, { texts }, B, needs.has('priorLogLik') ? { priorLogLik } : {});
      const badTerm = Object.entries(rewards.raw).find(([, s]) => !s.every(Number.isFinite));
      if (badTerm) {
        throw new TrainingFault(`Update ${this.updates + 1}: reward term "${badTerm[0]}" returned NaN or an infinite value.`, 'Check that term\'s parameters.');
      }

      // 4. Per-token rewards → reward-to-go (our advantages kernel with γ = λ = 1 and no critic) → minus the baseline.
      const totalReturn = rewards.total.map((r, b) => r - beta * kl[b]);
      const b0 = this.baseline.value(totalReturn);
      const taskRewardAtEnd = new Float32Array(B * T);
      for (let b = 0; b < B; b++) taskRewardAtEnd[b * T + Math.max(lengths[b] - 1, 0)] = rewards.total[b];
      const advantages = tf.tidy(() => {
        const klPenalty = tf.mul(-beta, tf.mul(tf.sub(rollout.logProbs, priorLogProbs), rollout.mask));
        const tokenRewards = tf.add(tf.tensor2d(taskRewardAtEnd, [B, T]), klPenalty) as tf.Tensor2D;
        const { returns } = computeAdvantages(tokenRewards, tf.zeros([B, T + 1]), rollout.mask, { gamma: 1, lambda: 1, normalize: false });
        return tf.mul(tf.sub(returns, b0), rollout.mask) as tf.Tensor2D;
      });

      // 5. Gradient of the REINFORCE loss; check it is finite before it touches the weights.
      const { loss, grads, entropy, norm } = this.gradients(rollout.tokens, rollout.mask, advantages, temperature);
      advantages.dispose();
      const [lossValue, entropyValue, normValue] = await Promise.all([loss.data(), entropy.data(), norm.data()]).then((xs) => xs.map((x) => x[0]));
      if (![lossValue, entropyValue, normValue].every(Number.isFinite)) {
        const culprits = await nonFiniteNames(grads);
        tf.dispose([loss, entropy, norm, ...Object.values(grads)]);
        const what = !Number.isFinite(lossValue) ? 'loss' : !Number.isFinite(entropyValue) ? 'entropy' : `gradient (${culprits.join(', ')})`;
        throw new TrainingFault(
          `Update ${this.updates + 1} was rejected: its ${what} is NaN or infinite. The weights from before it are kept.`,
          'Lower the learning rate (or the reward weights) and press Train again.',
        );
      }
      this.applyGradients(grads, norm);
      tf.dispose([loss, entropy, norm]);
      this.baseline.observe(totalReturn);
      this.updates++;

      const changes = this.pendingChanges;
      this.pendingChanges = [];
      const metrics: UpdateMetrics = {
        update: this.updates,
        rewardMean: mean(rewards.total),
        rewardMin: Math.min(...rewards.total),
        rewardMax: Math.max(...rewards.total),
        terms: Object.fromEntries(Object.entries(rewards.terms).map(([id, s]) => [id, mean(s)])),
        kl: mean(kl),
        entropy: entropyValue,
        loss: lossValue,
        gradNorm: normValue,
        baseline: b0,
        meanLength: mean(Float32Array.from(texts, (t) => t.length)),
        uniqueShare: new Set(texts).size / B,
        updateMs: performance.now() - started,
        changes,
      };
      const samples = texts.map((text, b) => ({
        text,
        reward: rewards.total[b],
        kl: kl[b],
        terms: Object.fromEntries(Object.entries(rewards.terms).map(([id, s]) => [id, s[b]])),
      }));
      return { metrics, samples };
    } finally {
      tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, priorLogProbs, perSample]);
    }
  }

  private gradients(tokens: tf.Tensor2D, mask: tf.Tensor2D, advantages: tf.Tensor2D, temperature: number) {
    let entropy: tf.Scalar | null = null;
    const { value: loss, grads } = tf.variableGrads(() => {
      const { logits } = this.policy.forwardSequence(shiftRight(tokens));
      const terms = reinforceLoss({
        logProbs: tokenLogProbs(logits, tokens, temperature),
        advantages,
        mask,
        entropy: tokenEntropy(logits, temperature),
        entropyCoef: this.config.algorithm.entropyCoef,
      });
      entropy = tf.keep(terms.meanEntropy);
      return terms.loss;
    }, this.policy.variables().filter((v) => v.trainable));
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
    return { loss, grads, entropy: entropy as unknown as tf.Scalar, norm };
  }

  /** Clips to the configured global norm (Pascanu et al. 2013), then takes an Adam step. */
  private applyGradients(grads: tf.NamedTensorMap, norm: tf.Scalar): void {
    const clip = this.config.algorithm.gradClip;
    tf.tidy(() => {
      const scale = clip > 0 ? tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6))) : tf.scalar(1);
      this.optimizer.applyGradients(Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })));
    });
    tf.dispose(Object.values(grads));
  }

  async exportState(): Promise<TrainerState> {
    const values = await this.policy.readValues();
    const shapes = weightShapes(this.policy.size);
    const weights = WEIGHT_NAMES.map((name) => ({ name, shape: shapes[name], dtype: 'float32' as const, data: values[name] }));
    // Adam's slots are matched to variables by position, so their order (not their names) is what must survive.
    const slots = await this.optimizer.getWeights();
    const optimizer = await Promise.all(
      slots.map(async ({ name, tensor }, i) => {
        const dtype = tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const);
        const data = (await tensor.data()) as Float32Array | Int32Array;
        if (name === 'iter') tensor.dispose(); // a fresh scalar made by getWeights
        return { name: `${i}:${name}`, shape: tensor.shape, dtype, data };
      }),
    );
    return { updates: this.updates, weights, optimizer, rng: this.baseline.getState() };
  }

  /** Restores a state saved by exportState for a model of the same size. */
  async importState(state: TrainerState): Promise<void> {
    const values: Record<string, Float32Array> = {};
    for (const t of state.weights) values[t.name] = Float32Array.from(t.data);
    this.policy.assign(values);
    if (state.optimizer.length) {
      const sorted = [...state.optimizer].sort((a, b) => parseInt(a.name) - parseInt(b.name));
      await this.optimizer.setWeights(sorted.map((t) => ({ name: t.name.slice(t.name.indexOf(':') + 1), tensor: tf.tensor(t.data, t.shape, t.dtype) })));
    }
    this.baseline.setState(state.rng);
    this.updates = state.updates;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.policy.dispose();
    this.prior.dispose();
  }
}

/** Names of the tensors holding a NaN or infinite value (read back only when an update is being rejected). */
async function nonFiniteNames(tensors: tf.NamedTensorMap): Promise<string[]> {
  const names: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (!(await t.data()).every(Number.isFinite)) names.push(name.split('/')[1] ?? name);
  }
  return names;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : 0;
}

function describeChanges(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const out: string[] = [];
  const wa = new Map(a.rewards.map((r) => [r.id, r]));
  for (const r of b.rewards) {
    const old = wa.get(r.id);
    if (!old) out.push(`+${r.id}`);
    else if (old.weight !== r.weight) out.push(`${r.id} weight ${old.weight}→${r.weight}`);
    else if (JSON.stringify(old.params) !== JSON.stringify(r.params)) out.push(`${r.id} params`);
  }
  for (const r of a.rewards) if (!b.rewards.some((x) => x.id === r.id)) out.push(`−${r.id}`);
  const scalar: (keyof ExperimentConfig)[] = ['learningRate', 'batchSize', 'maxLength', 'temperature'];
  for (const k of scalar) if (a[k] !== b[k]) out.push(`${k} ${a[k]}→${b[k]}`);
  for (const [k, v] of Object.entries(b.algorithm)) {
    const old = (a.algorithm as Record<string, unknown>)[k];
    if (old !== v) out.push(`${k} ${old}→${v}`);
  }
  return out;
}
