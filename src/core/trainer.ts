// The training loop for sequence tasks: rollout → reward → advantages → gradient step → metrics.
// One GPU→CPU readback per phase that needs it: the sampled tokens (the reward functions read text) and the few
// numbers the plots show. Everything else stays on the GPU.
import * as tf from '@tensorflow/tfjs';
import { actorCriticLoss } from './algorithms/actorCritic';
import { makeBaseline, SelfCriticalBaseline, type Baseline } from './algorithms/baselines';
import { annealed, KlController } from './algorithms/klControl';
import { exactKlToPrior } from './algorithms/klToPrior';
import { mleLoss } from './algorithms/mle';
import { ppoLoss } from './algorithms/ppo';
import { PpoEpochStats } from './algorithms/ppoEpochs';
import { reinforceLoss } from './algorithms/reinforce';
import { reinventLoss, sequenceLogLik } from './algorithms/reinvent';
import { replayedMolecules, scoreReinventBatch } from './algorithms/reinventBatch';
import { DiversityFilter } from './chem/diversityFilter';
import type { Membership } from './chem/metrics';
import { exportMoleculeLearner, importMoleculeLearner } from './chem/learnerState';
import { ReplayMemory } from './chem/replayMemory';
import { formatErrors, type ExperimentConfig } from './config';
import { computeAdvantages } from './kernels';
import { adamLearningRate, exportAdamSlots, importAdamSlots, setAdamLearningRate } from './training/adamState';
import { FusedAdam } from './training/fusedAdam';
import { globalNorm } from './training/globalNorm';
import { describeChanges, withRewardWeights } from './training/liveConfig';
import { SAMPLES_WITH_ADVANTAGES, TrainingFault, type SampleView, type Trainer, type TrainerState, type UpdateMetrics, type UpdateResult } from './training/types';
import { CharGru, WEIGHT_NAMES, weightShapes } from './models/charGru';
import { composeRewards, contextNeeds } from './rewards/composite';
import type { RewardContext } from './rewards/types';
import { LearnedRewards } from './learned/learnedRewards';
import { rewardProblems } from './rewards/registry';
import { sampleSequences } from './rollout';
import { BUCKET_STEP } from './pretrain';
import { Rng } from './rng';
import { maskedMean, padSequences, shiftRight, tokenEntropy, tokenLogProbs } from './sequences';
import { shippedNoveltySet, viewMolecules, type MoleculeView } from './tasks/moleculeView';
import type { SequenceTask } from './tasks/sequenceTasks';

interface OptimBatch {
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  oldLogProbs: tf.Tensor2D;
  oldValues: tf.Tensor2D;
  priorLogits: tf.Tensor3D | null;
  tokenRewards: tf.Tensor2D;
  /** The scalar REINFORCE baseline b for this batch. */
  baseline: number;
}

/** Sampler counters per update: step t of update u uses u · STRIDE + t (maxLength ≤ STRIDE). */
const COUNTER_STRIDE = 4096;

export { SAMPLES_WITH_ADVANTAGES, TrainingFault, type SampleView, type TrainerState, type UpdateMetrics, type UpdateResult };

export class SequenceTrainer implements Trainer {
  private config: ExperimentConfig;
  private readonly optimizer: FusedAdam;
  private baseline: Baseline;
  private pendingChanges: string[] = [];
  private klControl: KlController;
  private encodedCorpus: number[][] | null = null;
  /** Per-token advantages of the first samples [min(B, SAMPLES_WITH_ADVANTAGES), T], from the last gradient step. */
  private displayAdvantages: Float32Array | null = null;
  /** The reward settings last checked by rewardProblems (a query SMILES or SMARTS is checked once, not every update). */
  private checkedRewards = '';
  /** Molecules: REINVENT's diversity filter (scaffold buckets), null when off or another task. */
  private diversityFilter: DiversityFilter | null = null;
  /** Molecules: the best molecules so far, replayed by REINVENT. */
  private readonly replayMemory = new ReplayMemory();
  /** Training-set membership for the novelty metric (molecules); fetched on first use unless given. */
  private noveltySet: Membership | null | undefined;
  /** Learned rewards (SeqGAN discriminator, preference reward model, simulated annotator): src/core/learned/. */
  readonly learned: LearnedRewards;
  learnedRestoreNote: string | null = null;
  updates = 0;

  constructor(
    config: ExperimentConfig,
    readonly task: SequenceTask,
    readonly policy: CharGru,
    readonly prior: CharGru,
  ) {
    this.config = structuredClone(config);
    this.policy.resetValueHead();
    this.optimizer = new FusedAdam(config.learningRate);
    this.baseline = makeBaseline(config.algorithm);
    this.klControl = new KlController(config.algorithm.klCoef, config.algorithm.klTarget);
    this.diversityFilter = makeDiversityFilter(config);
    this.learned = new LearnedRewards(this.config, task, policy, prior);
  }

  /** The training-set membership structure for the novelty metric (tests pass theirs; the app fetches the shipped one). */
  setNoveltySet(set: Membership | null): void {
    this.noveltySet = set;
  }

  get currentConfig(): ExperimentConfig {
    return structuredClone(this.config);
  }

  /** Applies settings that can change mid-run; the change is marked on the next update's metrics. */
  applyLiveConfig(next: ExperimentConfig): void {
    const before = this.config;
    const changes = describeChanges(before, next);
    if (next.algorithm.baseline !== before.algorithm.baseline || next.algorithm.baselineDecay !== before.algorithm.baselineDecay) {
      this.baseline = makeBaseline(next.algorithm);
    }
    if (next.algorithm.klCoef !== before.algorithm.klCoef || next.algorithm.klTarget !== before.algorithm.klTarget) {
      this.klControl = new KlController(next.algorithm.klCoef, next.algorithm.klTarget);
    }
    if (next.algorithm.diversityFilter !== before.algorithm.diversityFilter || next.algorithm.name !== before.algorithm.name) {
      this.diversityFilter = makeDiversityFilter(next);
    }
    this.config = structuredClone(next);
    this.learned.applyConfig(this.config);
    this.pendingChanges.push(...changes);
  }

  setRewardWeights(weights: Record<string, number>): void {
    this.applyLiveConfig(withRewardWeights(this.config, weights));
  }

  async update(): Promise<UpdateResult> {
    const started = performance.now();
    const cfg = this.config;
    const alg = cfg.algorithm;
    const { batchSize: B, maxLength: T, temperature } = cfg;
    const beta = this.klControl.beta;
    const klAsReward = alg.klMode === 'reward';
    this.optimizerLearningRate = annealed(cfg.learningRate, this.updates, alg.lrSchedule === 'linear' ? alg.lrDecayUpdates : 0);
    await this.checkSettings();

    // 1. Rollout, and the prior's view of the same tokens (no gradients).
    const rollout = sampleSequences(this.policy, { batchSize: B, maxLength: T, temperature, seed: cfg.seed, counter: this.updates * COUNTER_STRIDE });
    const priorView = tf.tidy(() => {
      const priorLogits = this.prior.forwardSequence(shiftRight(rollout.tokens)).logits;
      const priorLogProbs = tokenLogProbs(priorLogits, rollout.tokens);
      const masked = (x: tf.Tensor2D) => tf.sum(tf.mul(x, rollout.mask), 1);
      const perSample = tf.stack([masked(tf.sub(rollout.logProbs, priorLogProbs)), masked(priorLogProbs), tf.sum(rollout.mask, 1)], 1);
      return { priorLogits, priorLogProbs, perSample };
    });
    const owned: tf.Tensor[] = [rollout.tokens, rollout.mask, rollout.logProbs, rollout.values, priorView.priorLogits, priorView.priorLogProbs, priorView.perSample];
    // Learned reward models score the same tokens on the device; their scores ride in the rollout's readback.
    const needs = contextNeeds(cfg.rewards);
    const learnedScores = this.learned.wants(needs) ? this.learned.scoreRollout(rollout.tokens, rollout.mask, needs) : {};
    owned.push(...Object.values(learnedScores));

    try {
      // 2. The one readback of the rollout: tokens for the reward functions, three numbers per sample for the plots.
      const [tokenData, stats, discriminatorScores, preferenceScores] = await Promise.all([
        rollout.tokens.data(),
        priorView.perSample.data(),
        learnedScores.discriminator?.data() as Promise<Float32Array> | undefined,
        learnedScores.preference?.data() as Promise<Float32Array> | undefined,
      ]);
      const kl = new Float32Array(B);
      const priorLogLik = new Float32Array(B);
      const lengths = new Int32Array(B);
      const texts: string[] = [];
      const priorSeqLogLik = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        kl[b] = stats[b * 3];
        priorSeqLogLik[b] = stats[b * 3 + 1];
        lengths[b] = stats[b * 3 + 2];
        priorLogLik[b] = stats[b * 3 + 1] / Math.max(lengths[b], 1);
        texts.push(this.task.tokenizer.decode(Array.from(tokenData.subarray(b * T, (b + 1) * T))));
      }
      if (!kl.every(Number.isFinite)) {
        throw new TrainingFault(`Update ${this.updates + 1}: the policy produced NaN or infinite log-probabilities.`, 'Lower the learning rate and reset, or resume from a checkpoint.');
      }

      // 3. Rewards, term by term.
      const rewards = await this.scoreTexts(texts, { priorLogLik, discriminator: discriminatorScores, preference: preferenceScores });
      const molecules = this.task.id === 'molecules' ? await viewMolecules(texts, await this.trainingSet()) : null;
      const klPenalty = klAsReward ? beta : 0;
      const totalReturn = rewards.total.map((r, b) => r - klPenalty * kl[b]);
      if (alg.name === 'reinforce' && alg.baseline === 'self-critical' && this.baseline instanceof SelfCriticalBaseline) {
        // The greedy decode's KL is not defined under temperature-0 sampling: its penalty uses the batch mean.
        this.baseline.greedyReturn = (await this.greedyTaskReward()) - klPenalty * mean(kl);
      }
      const b0 = this.baseline.value(totalReturn);

      // 4. Per-token rewards r_t: the task reward on each sample's last step, and (RLHF style) −β (log π − log π_prior).
      const taskRewardAtEnd = new Float32Array(B * T);
      for (let b = 0; b < B; b++) taskRewardAtEnd[b * T + Math.max(lengths[b] - 1, 0)] = rewards.total[b];
      // SeqGAN with Monte-Carlo rollouts: the discriminator's verdict also reaches earlier tokens (learned/monteCarlo.ts).
      const seqGanRewards = this.learned.perTokenRewards(rollout, learnedScores.discriminator, this.updates + 1);
      if (seqGanRewards) owned.push(seqGanRewards);
      const tokenRewards = tf.tidy(() => {
        const end = seqGanRewards ? (tf.add(tf.tensor2d(taskRewardAtEnd, [B, T]), seqGanRewards) as tf.Tensor2D) : tf.tensor2d(taskRewardAtEnd, [B, T]);
        if (!klAsReward) return end;
        return tf.add(end, tf.mul(-beta, tf.mul(tf.sub(rollout.logProbs, priorView.priorLogProbs), rollout.mask))) as tf.Tensor2D;
      });
      owned.push(tokenRewards);

      // 5. Optimise.
      const batch: OptimBatch = {
        tokens: rollout.tokens,
        mask: rollout.mask,
        oldLogProbs: rollout.logProbs,
        oldValues: rollout.values,
        priorLogits: alg.klMode === 'loss' ? priorView.priorLogits : null,
        tokenRewards,
        baseline: b0,
      };
      const diagnostics =
        alg.name === 'ppo'
          ? await this.ppoEpochs(batch)
          : alg.name === 'reinvent'
            ? await this.reinventStep(batch, texts, lengths, priorSeqLogLik, rewards.total, molecules)
            : await this.singleStep(batch);
      if (molecules) {
        // The batch metrics the molecule plots show, beside the algorithm's own numbers.
        Object.assign(diagnostics, molecules.metrics, { scoreMean: mean(rewards.total), scoreTop: Math.max(...rewards.total) });
      }
      if (this.learned.wants(needs)) {
        // After the policy's step: the discriminator's k steps, the annotator's labels, the reward model's fit.
        Object.assign(diagnostics, await this.learned.afterUpdate(rollout, texts, this.updates + 1, needs, preferenceScores));
      }
      this.baseline.observe(totalReturn);
      this.klControl.observe(mean(kl));
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
        entropy: diagnostics.entropy,
        loss: diagnostics.loss,
        gradNorm: diagnostics.gradNorm,
        baseline: b0,
        meanLength: mean(Float32Array.from(texts, (t) => t.length)),
        uniqueShare: new Set(texts).size / B,
        updateMs: performance.now() - started,
        changes,
        beta,
        learningRate: this.optimizerLearningRate,
        diagnostics,
      };
      const samples: SampleView[] = texts.map((text, b) => ({
        text,
        reward: rewards.total[b],
        kl: kl[b],
        terms: Object.fromEntries(Object.entries(rewards.terms).map(([id, s]) => [id, s[b]])),
        steps: this.sampleSteps(tokenData, lengths, b, T),
      }));
      this.displayAdvantages = null;
      return { metrics, samples };
    } finally {
      tf.dispose(owned);
    }
  }

  private sampleSteps(tokens: ArrayLike<number>, lengths: Int32Array, b: number, T: number): SampleView['steps'] {
    const advantages = this.displayAdvantages;
    if (!advantages || b >= advantages.length / T) return undefined;
    return Array.from({ length: lengths[b] }, (_, t) => ({ token: this.task.tokenizer.vocab[tokens[b * T + t]] ?? '?', advantage: advantages[b * T + t] }));
  }

  private async scoreTexts(texts: string[], context: RewardContext) {
    const cfg = this.config;
    const batch = this.task.rewardBatch(texts);
    const rewards = await composeRewards(cfg.rewards, batch, texts.length, context);
    const badTerm = Object.entries(rewards.raw).find(([, s]) => !s.every(Number.isFinite));
    if (badTerm) {
      throw new TrainingFault(`Update ${this.updates + 1}: reward term "${badTerm[0]}" returned NaN or an infinite value.`, "Check that term's parameters.");
    }
    return rewards;
  }

  /** The task reward of the policy's greedy decode (temperature 0), for the self-critical baseline. */
  private async greedyTaskReward(): Promise<number> {
    const T = this.config.maxLength;
    const greedy = sampleSequences(this.policy, { batchSize: 1, maxLength: T, temperature: 0, seed: this.config.seed, counter: 0 });
    // [Σ log π_prior over the decode, its length], read together with the tokens.
    const priorStats = tf.tidy(() => {
      const priorLogProbs = tokenLogProbs(this.prior.forwardSequence(shiftRight(greedy.tokens)).logits, greedy.tokens);
      return tf.stack([tf.sum(tf.mul(priorLogProbs, greedy.mask)), tf.sum(greedy.mask)]);
    });
    const needs = contextNeeds(this.config.rewards);
    const learned = this.learned.wants(needs) ? this.learned.scoreRollout(greedy.tokens, greedy.mask, needs) : {};
    try {
      const [tokens, [priorLl, length], discriminator, preference] = await Promise.all([
        greedy.tokens.data(),
        priorStats.data(),
        learned.discriminator?.data() as Promise<Float32Array> | undefined,
        learned.preference?.data() as Promise<Float32Array> | undefined,
      ]);
      const text = this.task.tokenizer.decode(Array.from(tokens));
      const rewards = await this.scoreTexts([text], { priorLogLik: Float32Array.of(priorLl / Math.max(length, 1)), discriminator, preference });
      return rewards.total[0];
    } finally {
      tf.dispose([greedy.tokens, greedy.mask, greedy.logProbs, greedy.values, priorStats, ...Object.values(learned)]);
    }
  }

  /**
   * Refuses settings the schema cannot check: reward parameters that need RDKit (a query SMILES or SMARTS) and MLE
   * mixing on a task whose data is not at hand. Reward settings are checked once per change.
   */
  private async checkSettings(): Promise<void> {
    const cfg = this.config;
    const key = JSON.stringify(cfg.rewards);
    if (key !== this.checkedRewards) {
      const problems = await rewardProblems(cfg);
      if (problems.length) {
        throw new TrainingFault(`Training cannot start: ${formatErrors(problems)}.`, 'Correct the reward parameter and press Train again.');
      }
      this.checkedRewards = key;
    }
    if (cfg.algorithm.mleCoef > 0 && this.task.corpusUnavailable) {
      throw new TrainingFault(`MLE mixing is not available for ${this.task.label}: ${this.task.corpusUnavailable}`, 'Set α (MLE mixing) to 0.');
    }
  }

  private async trainingSet(): Promise<Membership | null> {
    if (this.noveltySet === undefined) this.noveltySet = await shippedNoveltySet();
    return this.noveltySet;
  }

  /**
   * REINVENT: one gradient step of the squared distance between the agent's sequence log-likelihood and the augmented
   * one (src/core/algorithms/reinvent.ts), on the sampled batch (repeats dropped, scores through the diversity filter)
   * plus molecules replayed from the memory of the best ones.
   */
  private async reinventStep(
    batch: OptimBatch,
    texts: string[],
    lengths: Int32Array,
    priorSeqLogLik: Float32Array,
    totals: Float32Array,
    molecules: MoleculeView | null,
  ): Promise<Record<string, number>> {
    const alg = this.config.algorithm;
    const [B, maxLength] = batch.tokens.shape;
    const { scores: filtered, keep } = scoreReinventBatch(totals, texts, molecules, this.diversityFilter);
    const replayed =
      molecules && alg.replay === 'on'
        ? replayedMolecules(this.replayMemory, seededRandom(this.config.seed, this.updates, 'replay'), this.task.tokenizer, maxLength)
        : [];
    // The loss reads each sequence up to its end token: steps past the longest one are cut (to a multiple of BUCKET_STEP,
    // so few shapes reach the GPU's buffer pool). Cheaper, same loss.
    const longest = Math.max(1, ...lengths, ...replayed.map((e) => e.ids.length + 1));
    const T = Math.min(maxLength, Math.ceil(longest / BUCKET_STEP) * BUCKET_STEP);
    if (molecules) this.replayMemory.add(molecules.canonical.map((smiles, b) => ({ smiles: keep[b] ? smiles : null, score: filtered[b] })));
    const R = replayed.length;
    const padded = padSequences(replayed.map((e) => e.ids), T);
    const inputs = tf.tidy(() => {
      const replayTokens = tf.tensor2d(padded.tokens, [R, T], 'int32');
      const replayMask = tf.tensor2d(padded.mask, [R, T]);
      const replayPrior = R
        ? sequenceLogLik(tokenLogProbs(this.prior.forwardSequence(shiftRight(replayTokens), { horizon: maxLength }).logits, replayTokens), replayMask)
        : tf.zeros([0]);
      return {
        tokens: tf.concat([tf.slice(batch.tokens, [0, 0], [B, T]), replayTokens]) as tf.Tensor2D,
        mask: tf.concat([tf.slice(batch.mask, [0, 0], [B, T]), replayMask]) as tf.Tensor2D,
        priorLogLik: tf.concat([tf.tensor1d(priorSeqLogLik), replayPrior]) as tf.Tensor1D,
        scores: tf.tensor1d([...filtered, ...replayed.map((e) => e.score)]),
        weights: tf.tensor1d([...keep, ...replayed.map(() => 1)]),
      };
    });
    try {
      const numbers = await this.gradientStep(() => {
        // Cut to T steps, sampled with maxLength: the syntax guard (if any) must count the steps left to maxLength.
        const { logits } = this.policy.forwardSequence(shiftRight(inputs.tokens), { horizon: maxLength });
        const agentLogLik = sequenceLogLik(tokenLogProbs(logits, inputs.tokens), inputs.mask);
        const { loss, augmentedLogLik } = reinventLoss({ ...inputs, agentLogLik, sigma: alg.sigma });
        return {
          loss,
          report: {
            entropy: maskedMean(tokenEntropy(logits), inputs.mask),
            agentLogLik: tf.mean(agentLogLik) as tf.Scalar,
            priorLogLik: tf.mean(inputs.priorLogLik) as tf.Scalar,
            augmentedLogLik: tf.mean(augmentedLogLik) as tf.Scalar,
          },
        };
      });
      const stats: Record<string, number> = {
        ...numbers,
        replayed: R,
        duplicatesDropped: B - keep.reduce((a, k) => a + k, 0),
        filteredScoreMean: mean(filtered),
      };
      if (molecules && this.diversityFilter) stats.fullScaffoldBuckets = this.diversityFilter.fullBuckets;
      return stats;
    } finally {
      tf.dispose([inputs.tokens, inputs.mask, inputs.priorLogLik, inputs.scores, inputs.weights]);
    }
  }

  /** REINFORCE (scalar or learned baseline) and A2C: one gradient step on the whole batch. */
  private async singleStep(batch: OptimBatch): Promise<Record<string, number>> {
    const alg = this.config.algorithm;
    const { tokens, mask } = batch;
    const [B, T] = tokens.shape;
    const useCritic = alg.name === 'a2c' || alg.baseline === 'value';
    const targets = tf.tidy(() => {
      if (alg.name === 'a2c') {
        const values = tf.concat([batch.oldValues, tf.zeros([B, 1])], 1) as tf.Tensor2D;
        const { advantages } = computeAdvantages(batch.tokenRewards, values, mask, { gamma: alg.gamma, lambda: alg.lambda, normalize: false });
        return { advantages, returns: tf.mul(tf.add(advantages, batch.oldValues), mask) as tf.Tensor2D };
      }
      // REINFORCE: reward-to-go G_t (γ = λ = 1 and no critic in the kernel), minus the baseline.
      const { returns } = computeAdvantages(batch.tokenRewards, tf.zeros([B, T + 1]), mask, { gamma: 1, lambda: 1, normalize: false });
      const baseline = alg.baseline === 'value' ? batch.oldValues : tf.scalar(batch.baseline);
      return { advantages: tf.mul(tf.sub(returns, baseline), mask) as tf.Tensor2D, returns };
    });
    const mle = this.mleBatch();
    const display = tf.slice(targets.advantages, [0, 0], [Math.min(B, SAMPLES_WITH_ADVANTAGES), T]);
    try {
      return await this.gradientStep(() => {
        const { logits, values } = this.policy.forwardSequence(shiftRight(tokens));
        const temperature = this.config.temperature;
        const logProbs = tokenLogProbs(logits, tokens, temperature);
        const entropy = tokenEntropy(logits, temperature);
        const common = { logProbs, advantages: targets.advantages, mask, entropy, entropyCoef: alg.entropyCoef };
        const terms = useCritic
          ? actorCriticLoss({ ...common, values, returns: targets.returns, valueCoef: alg.valueCoef })
          : { ...reinforceLoss(common), valueLoss: tf.scalar(0) };
        const extra = this.regularisers(logits, batch.priorLogits, mask, mle);
        return {
          loss: tf.addN([terms.loss, ...extra.terms]) as tf.Scalar,
          report: { entropy: terms.meanEntropy, valueLoss: terms.valueLoss, advantageMean: maskedMean(targets.advantages, mask), ...extra.report },
        };
      }, display);
    } finally {
      tf.dispose([targets.advantages, targets.returns, display]);
      if (mle) tf.dispose([mle.tokens, mle.mask]);
    }
  }

  /** PPO: several epochs of minibatch steps on the same rollout, stopping early when the policy moves too far. */
  private async ppoEpochs(batch: OptimBatch): Promise<Record<string, number>> {
    const alg = this.config.algorithm;
    const [B] = batch.tokens.shape;
    const values = tf.tidy(() => tf.concat([batch.oldValues, tf.zeros([B, 1])], 1) as tf.Tensor2D);
    const gae = { gamma: alg.gamma, lambda: alg.lambda };
    const raw = computeAdvantages(batch.tokenRewards, values, batch.mask, { ...gae, normalize: false });
    const normalised = computeAdvantages(batch.tokenRewards, values, batch.mask, { ...gae, normalize: true });
    const returns = tf.tidy(() => tf.mul(tf.add(raw.advantages, batch.oldValues), batch.mask) as tf.Tensor2D);
    tf.dispose([values, raw.advantages, raw.returns, normalised.returns]);
    const rng = new Rng(this.config.seed ^ Math.imul(this.updates + 1, 0x9e3779b1)).split('ppo-minibatches');
    const minibatchSize = Math.max(1, Math.ceil(B / alg.ppoMinibatches));
    const stats = new PpoEpochStats(alg.ppoTargetKl);
    try {
      outer: for (let epoch = 0; epoch < alg.ppoEpochs; epoch++) {
        const order = rng.shuffle(Array.from({ length: B }, (_, i) => i));
        for (let start = 0; start < B; start += minibatchSize) {
          const rows = tf.tensor1d(order.slice(start, start + minibatchSize), 'int32');
          const pick = <R extends tf.Rank>(t: tf.Tensor<R>) => tf.gather(t, rows) as tf.Tensor<R>;
          const mb = {
            tokens: pick(batch.tokens),
            mask: pick(batch.mask),
            oldLogProbs: pick(batch.oldLogProbs),
            oldValues: pick(batch.oldValues),
            advantages: pick(normalised.advantages),
            returns: pick(returns),
            priorLogits: batch.priorLogits ? pick(batch.priorLogits) : null,
          };
          const mle = this.mleBatch();
          try {
            const display = stats.minibatchSteps === 0 ? tf.slice(normalised.advantages, [0, 0], [Math.min(B, SAMPLES_WITH_ADVANTAGES), normalised.advantages.shape[1]]) : undefined;
            const d = await this.gradientStep(() => {
              const { logits, values: v } = this.policy.forwardSequence(shiftRight(mb.tokens));
              const temperature = this.config.temperature;
              const terms = ppoLoss({
                logProbs: tokenLogProbs(logits, mb.tokens, temperature),
                oldLogProbs: mb.oldLogProbs,
                values: v,
                oldValues: mb.oldValues,
                advantages: mb.advantages,
                returns: mb.returns,
                mask: mb.mask,
                entropy: tokenEntropy(logits, temperature),
                clip: alg.ppoClip,
                clipValue: alg.ppoClipValue,
                valueCoef: alg.valueCoef,
                entropyCoef: alg.entropyCoef,
              });
              const extra = this.regularisers(logits, mb.priorLogits, mb.mask, mle);
              return {
                loss: tf.addN([terms.loss, ...extra.terms]) as tf.Scalar,
                report: {
                  entropy: terms.meanEntropy,
                  valueLoss: terms.valueLoss,
                  approxKl: terms.approxKl,
                  clipFraction: terms.clipFraction,
                  ratioMin: terms.ratioMin,
                  ratioMax: terms.ratioMax,
                  ...extra.report,
                },
              };
            }, display);
            display?.dispose();
            if (stats.add(d)) break outer;
          } finally {
            tf.dispose([rows, mb.tokens, mb.mask, mb.oldLogProbs, mb.oldValues, mb.advantages, mb.returns]);
            if (mb.priorLogits) mb.priorLogits.dispose();
            if (mle) tf.dispose([mle.tokens, mle.mask]);
          }
        }
      }
    } finally {
      tf.dispose([normalised.advantages, returns]);
    }
    return stats.summary();
  }

  /** KL-to-prior as a loss term (klMode 'loss') and MLE mixing, added to any algorithm's loss. */
  private regularisers(logits: tf.Tensor3D, priorLogits: tf.Tensor3D | null, mask: tf.Tensor2D, mle: { tokens: tf.Tensor2D; mask: tf.Tensor2D } | null) {
    const alg = this.config.algorithm;
    const terms: tf.Scalar[] = [];
    const report: Record<string, tf.Scalar> = {};
    if (alg.klMode === 'loss' && priorLogits) {
      const klLoss = exactKlToPrior(logits, priorLogits, mask, this.config.temperature);
      terms.push(tf.mul(this.klControl.beta, klLoss) as tf.Scalar);
      report.klLoss = klLoss;
    }
    const alpha = annealed(alg.mleCoef, this.updates, alg.mleAnnealUpdates);
    if (mle && alpha > 0) {
      const nll = mleLoss(this.policy, mle.tokens, mle.mask);
      terms.push(tf.mul(alpha, nll) as tf.Scalar);
      report.mleLoss = nll;
    }
    return { terms, report };
  }

  /** A batch of real examples for MLE mixing (null when α is 0), drawn reproducibly from the seed and update count. */
  private mleBatch(): { tokens: tf.Tensor2D; mask: tf.Tensor2D } | null {
    const alg = this.config.algorithm;
    if (annealed(alg.mleCoef, this.updates, alg.mleAnnealUpdates) <= 0) return null;
    const T = this.config.maxLength;
    this.encodedCorpus ??= this.task.corpus().map((t) => this.task.tokenizer.encode(t));
    const fitting = this.encodedCorpus.filter((ids) => ids.length < T);
    if (!fitting.length) return null;
    const rng = new Rng(this.config.seed ^ Math.imul(this.updates + 1, 0x85ebca6b)).split('mle-batch');
    const size = Math.min(this.config.batchSize, fitting.length);
    const picked = Array.from({ length: size }, () => fitting[rng.int(fitting.length)]);
    const { tokens, mask } = padSequences(picked, T);
    return { tokens: tf.tensor2d(tokens, [size, T], 'int32'), mask: tf.tensor2d(mask, [size, T]) };
  }

  /**
   * One optimiser step on a loss: gradient, global norm, and every reported number in ONE readback; the update is
   * rejected (weights untouched) if any of them is NaN or infinite.
   */
  private async gradientStep(
    lossFn: () => { loss: tf.Scalar; report: Record<string, tf.Scalar> },
    display?: tf.Tensor,
  ): Promise<Record<string, number>> {
    const report: Record<string, tf.Scalar> = {};
    const { value: loss, grads } = tf.variableGrads(() => {
      const out = lossFn();
      for (const [k, t] of Object.entries(out.report)) report[k] = tf.keep(t);
      return out.loss;
    }, this.policy.variables().filter((v) => v.trainable));
    const norm = globalNorm(grads);
    const names = ['loss', 'gradNorm', ...Object.keys(report)];
    // Display data (per-token advantages) rides in the same readback as the scalars.
    const packed = tf.tidy(() => tf.concat([tf.stack([loss, norm, ...Object.values(report)]), ...(display ? [tf.reshape(display, [-1])] : [])]));
    const all = await packed.data();
    packed.dispose();
    const values = Array.from(all.subarray(0, names.length));
    if (display) this.displayAdvantages = Float32Array.from(all.subarray(names.length));
    tf.dispose([loss, ...Object.values(report)]);
    const numbers = Object.fromEntries(names.map((n, i) => [n, values[i]]));
    if (!values.every(Number.isFinite)) {
      const culprits = await nonFiniteNames(grads);
      tf.dispose([norm, ...Object.values(grads)]);
      const bad = names.filter((n) => !Number.isFinite(numbers[n]));
      const what = bad.includes('loss') ? 'loss' : bad.includes('gradNorm') ? `gradient (${culprits.join(', ')})` : bad.join(', ');
      throw new TrainingFault(
        `Update ${this.updates + 1} was rejected: its ${what} is NaN or infinite. The weights from before it are kept.`,
        'Lower the learning rate (or the reward weights) and press Train again.',
      );
    }
    this.applyGradients(grads, norm);
    norm.dispose();
    return numbers;
  }

  /** Clips to the configured global norm (Pascanu et al. 2013), then takes an Adam step. */
  private applyGradients(grads: tf.NamedTensorMap, norm: tf.Scalar): void {
    const clip = this.config.algorithm.gradClip;
    tf.tidy(() => {
      const scale = clip > 0 ? tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6))) : tf.scalar(1);
      this.optimizer.applyGradients(grads, scale);
    });
    tf.dispose(Object.values(grads));
  }

  private set optimizerLearningRate(lr: number) {
    setAdamLearningRate(this.optimizer, lr);
  }

  private get optimizerLearningRate(): number {
    return adamLearningRate(this.optimizer);
  }

  async exportState(): Promise<TrainerState> {
    const values = await this.policy.readValues();
    const shapes = weightShapes(this.policy.size);
    const weights = WEIGHT_NAMES.map((name) => ({ name, shape: shapes[name], dtype: 'float32' as const, data: values[name] }));
    const optimizer = await exportAdamSlots(this.optimizer);
    const preferences = this.learned.preferences.count ? { preferences: this.learned.preferences.all() } : {};
    const learnedModels = await this.learned.exportModels();
    const memory = exportMoleculeLearner(this.replayMemory, this.diversityFilter);
    const molecules = memory ? { molecules: memory } : {};
    return {
      updates: this.updates, weights, optimizer, rng: [this.klControl.beta, ...this.baseline.getState()],
      ...preferences, ...(learnedModels.length ? { learnedModels } : {}), ...molecules,
    };
  }

  /** Restores a state saved by exportState for a model of the same size. */
  async importState(state: TrainerState): Promise<void> {
    const values: Record<string, Float32Array> = {};
    for (const t of state.weights) values[t.name] = Float32Array.from(t.data);
    this.policy.assign(values);
    await importAdamSlots(this.optimizer, state.optimizer);
    const [beta, ...baselineState] = state.rng;
    if (beta !== undefined && Number.isFinite(beta)) this.klControl.beta = beta;
    this.baseline.setState(baselineState);
    this.updates = state.updates;
    this.learned.loadPreferences(state.preferences ?? []);
    this.learnedRestoreNote = await this.learned.importModels(state.learnedModels);
    this.diversityFilter = importMoleculeLearner(state.molecules, this.replayMemory, this.diversityFilter);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.policy.dispose();
    this.prior.dispose();
    this.learned.dispose();
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


/** The diversity filter a config asks for (molecules with REINVENT only; scaffold buckets of 25, min score 0.4). */
function makeDiversityFilter(config: ExperimentConfig): DiversityFilter | null {
  const mode = config.algorithm.diversityFilter;
  if (config.task !== 'molecules' || config.algorithm.name !== 'reinvent' || mode === 'off') return null;
  return new DiversityFilter({ penalizeSameSmiles: mode === 'scaffold-smiles' });
}

/** A [0, 1) source keyed by seed, update and purpose, so replay draws are reproducible. */
function seededRandom(seed: number, update: number, purpose: string): () => number {
  const rng = new Rng(seed ^ Math.imul(update + 1, 0x27d4eb2f)).split(purpose);
  return () => rng.float();
}
