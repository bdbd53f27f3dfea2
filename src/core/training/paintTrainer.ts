// The stroke painter's training loop: rollout of K strokes on B canvases → per-stroke rewards → advantages → update.
// On WebGPU the episode runs without a readback (paintRollout.ts); after it, ONE readback brings the distances and
// strokes the reward terms read, plus the few canvases the page shows. The losses are the shared algorithm files', on
// [B, K] tensors of per-stroke log-probabilities, exactly as for token sequences.
import * as tf from '@tensorflow/tfjs';
import { actorCriticLoss } from '../algorithms/actorCritic';
import { makeBaseline, type Baseline } from '../algorithms/baselines';
import { annealed, KlController } from '../algorithms/klControl';
import { ppoLoss } from '../algorithms/ppo';
import { PpoEpochStats } from '../algorithms/ppoEpochs';
import { reinforceLoss } from '../algorithms/reinforce';
import type { ExperimentConfig } from '../config';
import { computeAdvantages } from '../kernels';
import { STROKE_PARAMS } from '../kernels/rasterStrokes';
import { PainterPolicy, painterWeightShapes, type PainterSize } from '../models/painterPolicy';
import { PaintPreferences } from '../learned/paintPreferences';
import { encodePainting, PAINTING_SIDE } from '../learned/paintings';
import { paintStepRewards, type PaintBatch } from '../rewards/paint';
import { contextNeeds } from '../rewards/composite';
import { Rng } from '../rng';
import { paintTargetImage } from '../tasks/paint/settings';
import { defaultContinuousSpace, defaultDiscreteSpace, type StrokeSpace } from '../tasks/paint/strokes';
import { guardedStep } from './guardedStep';
import { adamLearningRate, exportAdamSlots, importAdamSlots, setAdamLearningRate } from './adamState';
import { FusedAdam } from './fusedAdam';
import { describeChanges, withRewardWeights } from './liveConfig';
import { actionLogProbs, actionWidth } from './paintActions';
import { disposeRollout, paintRollout, type PaintRollout } from './paintRollout';
import { SAMPLES_WITH_ADVANTAGES, TrainingFault, type SampleView, type Trainer, type TrainerState, type UpdateMetrics, type UpdateResult } from './types';

/** How many of the batch's final canvases travel to the page. */
export const CANVASES_SHOWN = 8;

export function paintStrokeSpace(config: ExperimentConfig): StrokeSpace {
  const space = config.paint.action === 'discrete' ? defaultDiscreteSpace() : defaultContinuousSpace();
  return { ...space, allowSkip: config.paint.skip };
}

export function painterSize(config: ExperimentConfig): PainterSize {
  const space = paintStrokeSpace(config);
  return { canvas: config.paint.canvas, actions: actionWidth(space), gaussian: space.kind === 'continuous', hidden: config.model.hidden };
}

/** Weight shapes a painter checkpoint of this config must have. */
export function painterCheckpointShapes(config: ExperimentConfig): Record<string, number[]> {
  return painterWeightShapes(painterSize(config));
}

/** What the loss needs of one set of episodes (all of them, or a PPO minibatch): step-major states, [B, K] targets. */
interface LossBatch {
  states: tf.Tensor4D;
  progress: tf.Tensor1D;
  actions: tf.Tensor2D;
  oldLogProbs: tf.Tensor2D;
  oldValues: tf.Tensor2D;
  advantages: tf.Tensor2D;
  returns: tf.Tensor2D;
}

export class PaintTrainer implements Trainer {
  private config: ExperimentConfig;
  readonly space: StrokeSpace;
  readonly policy: PainterPolicy;
  /** The frozen initial policy: the painter's "prior" for the KL penalty (there is no pretrained one). */
  private readonly prior: PainterPolicy;
  private readonly target: tf.Tensor3D;
  private readonly optimizer: FusedAdam;
  private baseline: Baseline;
  private klControl: KlController;
  private pendingChanges: string[] = [];
  updates = 0;
  /** RLHF: the image reward model, its labelled pairs and the simulated annotator (learned/paintPreferences.ts). */
  readonly learned: PaintPreferences;
  learnedRestoreNote: string | null = null;

  constructor(config: ExperimentConfig) {
    if (config.task !== 'paint') throw new Error(`PaintTrainer needs task "paint", got "${config.task}"`);
    this.config = structuredClone(config);
    this.space = paintStrokeSpace(config);
    this.policy = PainterPolicy.init(painterSize(config), config.seed, true, 'painter');
    this.prior = this.policy.frozenCopy('painter-prior');
    const S = config.paint.canvas;
    this.target = tf.tensor3d(paintTargetImage(config.paint), [S, S, 3]);
    this.optimizer = new FusedAdam(config.learningRate);
    this.baseline = makeBaseline(config.algorithm);
    this.klControl = new KlController(config.algorithm.klCoef, config.algorithm.klTarget);
    this.learned = new PaintPreferences(this.config, this.policy, this.space, this.target);
  }

  get currentConfig(): ExperimentConfig {
    return structuredClone(this.config);
  }

  applyLiveConfig(next: ExperimentConfig): void {
    const before = this.config;
    if (JSON.stringify(next.paint) !== JSON.stringify(before.paint)) {
      // Canvas, action space and target shape the model and the data: the session rebuilds for those.
      throw new Error('Painter settings (canvas, strokes, action, target) need a new run');
    }
    if (next.algorithm.baseline !== before.algorithm.baseline || next.algorithm.baselineDecay !== before.algorithm.baselineDecay) {
      this.baseline = makeBaseline(next.algorithm);
    }
    if (next.algorithm.klCoef !== before.algorithm.klCoef || next.algorithm.klTarget !== before.algorithm.klTarget) {
      this.klControl = new KlController(next.algorithm.klCoef, next.algorithm.klTarget);
    }
    this.config = structuredClone(next);
    this.learned.applyConfig(this.config);
    this.pendingChanges.push(...describeChanges(before, next));
  }

  setRewardWeights(weights: Record<string, number>): void {
    this.applyLiveConfig(withRewardWeights(this.config, weights));
  }

  async update(): Promise<UpdateResult> {
    const started = performance.now();
    const cfg = this.config;
    const alg = cfg.algorithm;
    const B = cfg.batchSize;
    const K = cfg.paint.strokes;
    const beta = this.klControl.beta;
    this.learningRate = annealed(cfg.learningRate, this.updates, alg.lrSchedule === 'linear' ? alg.lrDecayUpdates : 0);

    // 1. The episodes, on the device.
    let rollout: PaintRollout;
    try {
      rollout = paintRollout(this.policy, this.space, this.target, { batchSize: B, steps: K, seed: cfg.seed, update: this.updates });
    } catch (err) {
      // The CPU twin of the sampler throws on NaN logits (the WebGPU one marks them, caught after the readback below).
      const message = err instanceof Error ? err.message : String(err);
      if (!/NaN|infinit/i.test(message)) throw err;
      throw new TrainingFault(`Update ${this.updates + 1}: the policy produced NaN or infinite logits (${message.slice(0, 120)}).`, 'Lower the learning rate and reset, or resume from a checkpoint.');
    }
    const owned: tf.Tensor[] = [];
    try {
      // KL to the frozen initial policy on the strokes drawn, log π_old(a_t|s_t) − log π_prior(a_t|s_t) [B, K]: one
      // more forward pass over the episode's states, done only when β > 0.
      const klSteps = beta > 0 ? tf.tidy(() => tf.sub(rollout.logProbs, this.stepLogProbs(this.prior, rollout.states, rollout.progress, rollout.actions, B, K).logProbs) as tf.Tensor2D) : null;
      if (klSteps) owned.push(klSteps);
      const shown = Math.min(B, CANVASES_SHOWN);
      const preview = tf.tidy(() => tf.slice(rollout.canvases, [0, 0, 0, 0], [shown, -1, -1, -1]));
      const logProbSums = tf.tidy(() => tf.sum(rollout.logProbs, 1));
      owned.push(preview, logProbSums);
      // RLHF: the final canvases at 32×32 and the image reward model's score of each, read back with the rest.
      const learnedView = this.learned.wants(contextNeeds(cfg.rewards)) ? this.learned.scoreCanvases(rollout.states, rollout.canvases) : null;
      if (learnedView) owned.push(learnedView.small, learnedView.preference);

      // 2. The one readback after the episode: distances and strokes for the reward terms, a few canvases for the page.
      const [l2, l1, strokes, sums, kl, canvases, small, preference] = await Promise.all([
        rollout.l2.data() as Promise<Float32Array>,
        rollout.l1.data() as Promise<Float32Array>,
        rollout.strokes.data() as Promise<Float32Array>,
        logProbSums.data() as Promise<Float32Array>,
        klSteps ? (klSteps.data() as Promise<Float32Array>) : Promise.resolve(new Float32Array(B * K)),
        preview.data() as Promise<Float32Array>,
        learnedView?.small.data() as Promise<Float32Array> | undefined,
        learnedView?.preference.data() as Promise<Float32Array> | undefined,
      ]);
      if (!sums.every(Number.isFinite) || !kl.every(Number.isFinite)) {
        throw new TrainingFault(`Update ${this.updates + 1}: the policy produced NaN or infinite log-probabilities.`, 'Lower the learning rate and reset, or resume from a checkpoint.');
      }

      // 3. Per-stroke rewards r_t from the reward terms, and the KL penalty −β (log π_old − log π_prior) on each stroke.
      const batch: PaintBatch = { size: B, steps: K, l2, l1, strokes, ...(preference ? { preference } : {}) };
      const rewards = paintStepRewards(cfg.rewards, batch);
      const badTerm = Object.entries(rewards.terms).find(([, s]) => !s.every(Number.isFinite));
      if (badTerm) throw new TrainingFault(`Update ${this.updates + 1}: reward term "${badTerm[0]}" returned NaN or an infinite value.`, "Check that term's parameters.");
      const stepRewards = rewards.total.map((r, k) => r - beta * kl[k]);
      const episodeReturn = sumRows(stepRewards, B, K);
      const taskReward = sumRows(rewards.total, B, K);
      const b0 = this.baseline.value(episodeReturn);

      // 4. Optimise with the configured algorithm.
      const rewardTensor = tf.tensor2d(stepRewards, [B, K]);
      owned.push(rewardTensor);
      const { diagnostics, advantages } = alg.name === 'ppo' ? await this.ppo(rollout, rewardTensor) : await this.singleStep(rollout, rewardTensor, b0);
      this.baseline.observe(episodeReturn);
      const klPerEpisode = sumRows(kl, B, K);
      this.klControl.observe(mean(klPerEpisode));
      this.updates++;
      if (small) {
        const P = PAINTING_SIDE * PAINTING_SIDE * 3;
        const paintings = Array.from({ length: B }, (_, b) => encodePainting(small.subarray(b * P, (b + 1) * P), PAINTING_SIDE));
        const finished = preference ? Float32Array.from({ length: B }, (_, b) => preference[b * (K + 1) + K]) : undefined;
        Object.assign(diagnostics, await this.learned.afterUpdate(paintings, batch, this.updates, finished));
      }

      // 5. Metrics and samples.
      const finalRatio = Float32Array.from({ length: B }, (_, b) => l2[b * (K + 1) + K] / Math.max(l2[b * (K + 1)], 1e-8));
      Object.assign(diagnostics, {
        finalL2: mean(Float32Array.from({ length: B }, (_, b) => l2[b * (K + 1) + K])),
        blankL2: mean(Float32Array.from({ length: B }, (_, b) => l2[b * (K + 1)])),
        finalL2Ratio: mean(finalRatio),
        strokesDrawn: countActive(strokes) / B,
      });
      const changes = this.pendingChanges;
      this.pendingChanges = [];
      const termMeans = Object.fromEntries(Object.entries(rewards.terms).map(([id, s]) => [id, mean(sumRows(s, B, K))]));
      const metrics: UpdateMetrics = {
        update: this.updates,
        rewardMean: mean(taskReward),
        rewardMin: Math.min(...taskReward),
        rewardMax: Math.max(...taskReward),
        terms: termMeans,
        kl: mean(klPerEpisode),
        entropy: diagnostics.entropy,
        loss: diagnostics.loss,
        gradNorm: diagnostics.gradNorm,
        baseline: b0,
        meanLength: K,
        uniqueShare: 1,
        updateMs: performance.now() - started,
        changes,
        beta,
        learningRate: this.learningRate,
        diagnostics,
      };
      const S = cfg.paint.canvas;
      const samples: SampleView[] = Array.from({ length: B }, (_, b) => ({
        text: `Episode ${b + 1}: final L2 ${(l2[b * (K + 1) + K]).toFixed(4)}, ${(100 * finalRatio[b]).toFixed(0)}% of the blank canvas's`,
        reward: taskReward[b],
        kl: klPerEpisode[b],
        terms: Object.fromEntries(Object.entries(rewards.terms).map(([id, s]) => [id, sumRows(s, B, K)[b]])),
        steps: advantages && b < advantages.length / K ? Array.from({ length: K }, (_, t) => ({ token: ` ${t + 1} `, advantage: advantages[b * K + t] })) : undefined,
        image: b < shown ? { width: S, height: S, rgba: toRgba(canvases.subarray(b * S * S * 3, (b + 1) * S * S * 3)) } : undefined,
        strokes: b === 0 ? Array.from(strokes.subarray(0, K * STROKE_PARAMS)) : undefined,
      }));
      return { metrics, samples };
    } finally {
      disposeRollout(rollout);
      tf.dispose(owned);
    }
  }

  /** log π(a|s), H and V(s) of the stored step-major rows, reshaped to episode-major [b, K]. */
  private stepLogProbs(model: PainterPolicy, states: tf.Tensor4D, progress: tf.Tensor1D, actions: tf.Tensor2D, b: number, K: number) {
    const { head, value } = model.forward(states, this.target, progress);
    const logStd = this.space.kind === 'continuous' ? model.logStd : null;
    const out = actionLogProbs(this.space, head, logStd, actions);
    const episodeMajor = (x: tf.Tensor1D) => tf.transpose(tf.reshape(x, [K, b])) as tf.Tensor2D;
    return { logProbs: episodeMajor(out.logProbs), entropy: episodeMajor(out.entropy), values: episodeMajor(value) };
  }

  /** REINFORCE (scalar or learned baseline) and A2C: one gradient step on the whole batch. */
  private async singleStep(rollout: PaintRollout, rewards: tf.Tensor2D, b0: number) {
    const alg = this.config.algorithm;
    const [B, K] = rewards.shape;
    const useCritic = alg.name === 'a2c' || alg.baseline === 'value';
    const mask = tf.ones([B, K]) as tf.Tensor2D;
    const targets = tf.tidy(() => {
      if (alg.name === 'a2c') {
        const values = tf.concat([rollout.values, tf.zeros([B, 1])], 1) as tf.Tensor2D;
        const { advantages } = computeAdvantages(rewards, values, mask, { gamma: alg.gamma, lambda: alg.lambda, normalize: false });
        return { advantages, returns: tf.add(advantages, rollout.values) as tf.Tensor2D };
      }
      // REINFORCE: reward-to-go G_t (γ = λ = 1, no critic, in the same kernel), minus the baseline.
      const { returns } = computeAdvantages(rewards, tf.zeros([B, K + 1]), mask, { gamma: 1, lambda: 1, normalize: false });
      const baseline = alg.baseline === 'value' ? rollout.values : tf.scalar(b0);
      return { advantages: tf.sub(returns, baseline) as tf.Tensor2D, returns };
    });
    const display = tf.slice(targets.advantages, [0, 0], [Math.min(B, SAMPLES_WITH_ADVANTAGES), K]);
    try {
      const { numbers, display: shown } = await guardedStep(
        () => {
          const now = this.stepLogProbs(this.policy, rollout.states, rollout.progress, rollout.actions, B, K);
          const common = { logProbs: now.logProbs, advantages: targets.advantages, mask, entropy: now.entropy, entropyCoef: alg.entropyCoef };
          const terms = useCritic
            ? actorCriticLoss({ ...common, values: now.values, returns: targets.returns, valueCoef: alg.valueCoef })
            : { ...reinforceLoss(common), valueLoss: tf.scalar(0) };
          return { loss: terms.loss, report: { entropy: terms.meanEntropy, valueLoss: terms.valueLoss, advantageMean: tf.mean(targets.advantages) as tf.Scalar } };
        },
        this.stepOptions(display),
      );
      return { diagnostics: numbers, advantages: shown };
    } finally {
      tf.dispose([mask, targets.advantages, targets.returns, display]);
    }
  }

  /** PPO: epochs of minibatch steps over whole episodes, stopping early when the policy moves too far. */
  private async ppo(rollout: PaintRollout, rewards: tf.Tensor2D) {
    const alg = this.config.algorithm;
    const [B, K] = rewards.shape;
    const mask = tf.ones([B, K]) as tf.Tensor2D;
    const values = tf.tidy(() => tf.concat([rollout.values, tf.zeros([B, 1])], 1) as tf.Tensor2D);
    const gae = { gamma: alg.gamma, lambda: alg.lambda };
    const raw = computeAdvantages(rewards, values, mask, { ...gae, normalize: false });
    const normalised = computeAdvantages(rewards, values, mask, { ...gae, normalize: true });
    const returns = tf.tidy(() => tf.add(raw.advantages, rollout.values) as tf.Tensor2D);
    tf.dispose([values, raw.advantages, raw.returns, normalised.returns]);
    const rng = new Rng(this.config.seed ^ Math.imul(this.updates + 1, 0x9e3779b1)).split('ppo-minibatches');
    const minibatch = Math.max(1, Math.ceil(B / alg.ppoMinibatches));
    const stats = new PpoEpochStats(alg.ppoTargetKl);
    let shown: Float32Array | null = null;
    try {
      outer: for (let epoch = 0; epoch < alg.ppoEpochs; epoch++) {
        const order = rng.shuffle(Array.from({ length: B }, (_, i) => i));
        for (let start = 0; start < B; start += minibatch) {
          const episodes = order.slice(start, start + minibatch);
          const mb = this.pickEpisodes(rollout, episodes, K, B, { advantages: normalised.advantages, returns });
          const display = stats.minibatchSteps === 0 ? tf.slice(normalised.advantages, [0, 0], [Math.min(B, SAMPLES_WITH_ADVANTAGES), K]) : undefined;
          try {
            const b = episodes.length;
            const { numbers: d, display: got } = await guardedStep(() => {
              const now = this.stepLogProbs(this.policy, mb.states, mb.progress, mb.actions, b, K);
              const terms = ppoLoss({
                logProbs: now.logProbs,
                oldLogProbs: mb.oldLogProbs,
                values: now.values,
                oldValues: mb.oldValues,
                advantages: mb.advantages,
                returns: mb.returns,
                mask: tf.ones([b, K]) as tf.Tensor2D,
                entropy: now.entropy,
                clip: alg.ppoClip,
                clipValue: alg.ppoClipValue,
                valueCoef: alg.valueCoef,
                entropyCoef: alg.entropyCoef,
              });
              return {
                loss: terms.loss,
                report: { entropy: terms.meanEntropy, valueLoss: terms.valueLoss, approxKl: terms.approxKl, clipFraction: terms.clipFraction, ratioMin: terms.ratioMin, ratioMax: terms.ratioMax },
              };
            }, this.stepOptions(display));
            if (got) shown = got;
            if (stats.add(d)) break outer;
          } finally {
            tf.dispose([display, ...Object.values(mb)].filter((t): t is tf.Tensor => t !== undefined));
          }
        }
      }
    } finally {
      tf.dispose([mask, normalised.advantages, returns]);
    }
    return { diagnostics: stats.summary(), advantages: shown };
  }

  /** The rows of some episodes: their K step-major states and actions, and their [b, K] targets. */
  private pickEpisodes(rollout: PaintRollout, episodes: number[], K: number, B: number, targets: { advantages: tf.Tensor2D; returns: tf.Tensor2D }): LossBatch {
    return tf.tidy(() => {
      const stepRows = tf.tensor1d(Array.from({ length: K }, (_, t) => episodes.map((e) => t * B + e)).flat(), 'int32');
      const rows = tf.tensor1d(episodes, 'int32');
      return {
        states: tf.gather(rollout.states, stepRows) as tf.Tensor4D,
        progress: tf.gather(rollout.progress, stepRows) as tf.Tensor1D,
        actions: tf.gather(rollout.actions, stepRows) as tf.Tensor2D,
        oldLogProbs: tf.gather(rollout.logProbs, rows) as tf.Tensor2D,
        oldValues: tf.gather(rollout.values, rows) as tf.Tensor2D,
        advantages: tf.gather(targets.advantages, rows) as tf.Tensor2D,
        returns: tf.gather(targets.returns, rows) as tf.Tensor2D,
      };
    });
  }

  private stepOptions(display?: tf.Tensor) {
    return { variables: this.policy.variables(), optimizer: this.optimizer, gradClip: this.config.algorithm.gradClip, update: this.updates + 1, display };
  }

  private set learningRate(lr: number) {
    setAdamLearningRate(this.optimizer, lr);
  }

  private get learningRate(): number {
    return adamLearningRate(this.optimizer);
  }

  async exportState(): Promise<TrainerState> {
    const values = await this.policy.readValues();
    const shapes = painterWeightShapes(this.policy.size);
    const weights = this.policy.names.map((name) => ({ name, shape: shapes[name], dtype: 'float32' as const, data: values[name] }));
    const optimizer = await exportAdamSlots(this.optimizer);
    const learnedModels = await this.learned.exportModels();
    return {
      updates: this.updates, weights, optimizer, rng: [this.klControl.beta, ...this.baseline.getState()],
      ...(this.learned.preferences.count ? { preferences: this.learned.preferences.all() } : {}),
      ...(learnedModels.length ? { learnedModels } : {}),
    };
  }

  async importState(state: TrainerState): Promise<void> {
    const shapes = painterWeightShapes(this.policy.size);
    const values: Record<string, Float32Array> = {};
    for (const [name, shape] of Object.entries(shapes)) {
      const t = state.weights.find((w) => w.name === name);
      if (!t || t.shape.join('x') !== shape.join('x')) throw new Error(`The saved painter does not fit this config (weight ${name})`);
      values[name] = Float32Array.from(t.data);
    }
    this.policy.assign(values);
    await importAdamSlots(this.optimizer, state.optimizer);
    const [beta, ...baselineState] = state.rng;
    if (beta !== undefined && Number.isFinite(beta)) this.klControl.beta = beta;
    this.baseline.setState(baselineState);
    this.updates = state.updates;
    this.learned.loadPreferences(state.preferences ?? []);
    this.learnedRestoreNote = await this.learned.importModels(state.learnedModels);
  }

  dispose(): void {
    this.learned.dispose();
    this.optimizer.dispose();
    this.policy.dispose();
    this.prior.dispose();
    this.target.dispose();
  }
}

function sumRows(x: Float32Array, B: number, K: number): Float32Array {
  const out = new Float32Array(B);
  for (let b = 0; b < B; b++) for (let t = 0; t < K; t++) out[b] += x[b * K + t];
  return out;
}

function countActive(strokes: Float32Array): number {
  let n = 0;
  for (let o = 10; o < strokes.length; o += STROKE_PARAMS) if (strokes[o] > 0.5) n++;
  return n;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : 0;
}

/** Canvas values in [0, 1] (RGB) → RGBA bytes for the page. */
function toRgba(rgb: Float32Array): Uint8ClampedArray {
  const n = rgb.length / 3;
  const out = new Uint8ClampedArray(n * 4);
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < 3; c++) out[k * 4 + c] = Math.round(rgb[k * 3 + c] * 255);
    out[k * 4 + 3] = 255;
  }
  return out;
}

