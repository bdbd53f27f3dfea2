// The learned rewards of one run, as the trainer sees them: score the rollout for the `discriminator` and `preference`
// terms, then (after the policy step) train the discriminator, let the simulated annotator label pairs, and fit the
// reward model. Also serves pairs to a person and takes their labels. The models exist only once something needs
// them, so a run without learned rewards pays nothing.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import type { CharGru } from '../models/charGru';
import { rewardTerm } from '../rewards/registry';
import type { ContextNeed } from '../rewards/types';
import { Rng } from '../rng';
import { sampleSequences } from '../rollout';
import { padSequences } from '../sequences';
import type { SequenceTask } from '../tasks/sequenceTasks';
import { TrainingFault } from '../training/types';
import type { SerializedTensor } from '../checkpoints/types';
import { annotateAndFit, summarise, type PairAnswer, type PairView, type PreferenceLearner, type PreferenceSummary } from './learner';
import { hasLearnedModel, restoreLearnedModel, saveLearnedModel } from './modelState';
import { Discriminator } from './discriminator';
import { qDifferences, sampleCompletions } from './monteCarlo';
import { choosePairs, PreferenceStore, type LabelledPair } from './preferences';
import { RewardModel, type FitReport } from './rewardModel';

export type { PairAnswer, PairView, PreferenceSummary } from './learner';

/** Held-out accuracy is measured on at most this many recent held-out pairs (bounded cost per update). */
const MAX_HELD_OUT_MEASURED = 256;
/** Fitting steps on the first fit after labels were restored without the reward model's saved weights. */
const CATCH_UP_STEPS = 60;
/** The discriminator's negatives are drawn from the generator's last this-many samples (SeqGAN's generated set). */
export const GENERATED_BUFFER = 1024;
/** Real and generated sequences per discriminator step (each). */
export const DISCRIMINATOR_BATCH = 64;
/** Pairs offered to a person per request, at most. */
const MAX_OFFERED = 16;

export class LearnedRewards implements PreferenceLearner {
  readonly preferences = new PreferenceStore();
  private discriminator: Discriminator | null = null;
  private rewardModel: RewardModel | null = null;
  private lastFit: FitReport | null = null;
  private pendingSteps = 0;
  private readonly offered = new Map<string, { a: string; b: string }>();
  private offerCount = 0;
  private encodedCorpus: number[][] | null = null;
  /** The generator's recent samples, oldest first: the discriminator's negatives. */
  private generated: string[] = [];

  constructor(
    private config: ExperimentConfig,
    private readonly task: SequenceTask,
    private readonly policy: CharGru,
    private readonly prior: CharGru,
  ) {}

  applyConfig(next: ExperimentConfig): void {
    this.config = next;
    if (this.discriminator) this.discriminator.learningRate = next.learned.discriminatorLearningRate;
    if (this.rewardModel) this.rewardModel.learningRate = next.learned.rewardModelLearningRate;
  }

  private get annotatorOn(): boolean {
    const a = this.config.learned.annotator;
    return a.term !== '' && a.pairsPerUpdate > 0;
  }

  /** Whether the rollout must be scored by a learned model this update. */
  wants(needs: Set<ContextNeed>): boolean {
    return needs.has('discriminator') || needs.has('preference') || this.preferences.count > 0 || this.annotatorOn;
  }

  /**
   * Scores of the rollout [B] from the learned models, as tensors so they are read back together with the tokens:
   * D(x) when the discriminator term is active; r(x) whenever the reward model has labels (the preference term, the
   * choice of uncertain pairs and the Goodhart plot read it). Before any label, r(x) is 0.
   */
  scoreRollout(tokens: tf.Tensor2D, mask: tf.Tensor2D, needs: Set<ContextNeed>): { discriminator?: tf.Tensor1D; preference?: tf.Tensor1D } {
    const out: { discriminator?: tf.Tensor1D; preference?: tf.Tensor1D } = {};
    if (needs.has('discriminator')) out.discriminator = this.ensureDiscriminator().probability(tokens, mask);
    if (this.preferences.count > 0) out.preference = this.ensureRewardModel().score(tokens, mask);
    else if (needs.has('preference') || this.annotatorOn) out.preference = tf.zeros([tokens.shape[0]]);
    return out;
  }

  /**
   * SeqGAN's per-token rewards, weight × (Q_t − Q_{t+1}) [B, T], when Monte-Carlo rollouts are on and the discriminator
   * term is active; null otherwise. Stays on the device: it joins the per-token rewards without a readback.
   */
  perTokenRewards(rollout: { tokens: tf.Tensor2D; mask: tf.Tensor2D }, finalScore: tf.Tensor1D | undefined, update: number): tf.Tensor2D | null {
    const n = this.config.learned.monteCarloRollouts;
    const weight = this.config.rewards.find((r) => r.id === 'discriminator')?.weight;
    if (n === 0 || weight === undefined || !finalScore || !this.discriminator) return null;
    const [B, T] = rollout.tokens.shape;
    let completions: { tokens: tf.Tensor2D; mask: tf.Tensor2D };
    try {
      // A sampler stream of its own, so the completions never shift the training samples.
      completions = sampleCompletions(this.policy, rollout.tokens, { n, temperature: this.config.temperature, seed: (this.config.seed ^ 0x510e527f) >>> 0, counter: update * 4096 });
    } catch (err) {
      if (err instanceof RangeError) throw new TrainingFault(`Update ${update}: ${err.message}.`, 'Lower the Monte-Carlo rollouts N, the batch size or the maximum length.');
      throw err;
    }
    const d = this.discriminator.probability(completions.tokens, completions.mask);
    try {
      return tf.tidy(() => {
        const q = tf.mean(tf.reshape(d, [B, T, n]), 2) as tf.Tensor2D;
        return tf.mul(weight, qDifferences(q, finalScore, rollout.mask)) as tf.Tensor2D;
      });
    } finally {
      tf.dispose([completions.tokens, completions.mask, d]);
    }
  }

  /**
   * After the policy's step: k discriminator steps on real names vs this rollout; the simulated annotator labels pairs
   * of this rollout; the reward model fits. Returns the numbers the plots show (one readback per model).
   */
  async afterUpdate(rollout: { tokens: tf.Tensor2D; mask: tf.Tensor2D }, texts: string[], update: number, needs: Set<ContextNeed>, proxy?: Float32Array): Promise<Record<string, number>> {
    const learned = this.config.learned;
    const out: Record<string, number> = {};
    if (needs.has('discriminator') && learned.discriminatorSteps > 0) {
      Object.assign(out, await this.trainDiscriminator(rollout, texts, update));
    }
    const a = learned.annotator;
    const truth = this.annotatorOn ? await rewardTerm(a.term)!.score(this.task.rewardBatch(texts), a.params, {}) : null;
    return Object.assign(out, await annotateAndFit({ samples: texts, truth, proxy, config: this.config, update, preferences: this.preferences, fit: (u, steps) => this.fit(u, steps) }));
  }

  /** Pairs of fresh samples from the current policy for a person to compare. */
  async offerPairs(n: number): Promise<PairView[]> {
    const count = Math.max(1, Math.min(MAX_OFFERED, Math.floor(n)));
    const cfg = this.config;
    this.offerCount++;
    // A sampler stream of its own (seed mixed with a constant), so offering pairs never shifts the training samples.
    const rollout = sampleSequences(this.policy, {
      batchSize: 4 * count,
      maxLength: cfg.maxLength,
      temperature: cfg.temperature,
      seed: (cfg.seed ^ 0x6a09e667) >>> 0,
      counter: this.offerCount * 4096,
    });
    let texts: string[];
    try {
      const T = cfg.maxLength;
      const tokens = await rollout.tokens.data();
      texts = Array.from({ length: 4 * count }, (_, b) => this.task.tokenizer.decode(Array.from(tokens.subarray(b * T, (b + 1) * T))));
    } finally {
      tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values]);
    }
    const scores = cfg.learned.pairSelection === 'uncertain' && this.preferences.count > 0 ? await this.ensureRewardModel().scoreTexts(texts) : undefined;
    const rng = new Rng(cfg.seed ^ Math.imul(this.offerCount, 0x3c6ef372)).split('offer');
    return choosePairs(texts, count, cfg.learned.pairSelection, rng, scores).map(([i, j]) => {
      const id = `pair-${this.offerCount}-${i}-${j}`;
      this.offered.set(id, { a: texts[i], b: texts[j] });
      return { id, a: texts[i], b: texts[j] };
    });
  }

  /** A person's label for an offered pair; the reward model then takes its fitting steps. */
  async label(id: string, answer: PairAnswer, update: number): Promise<PreferenceSummary> {
    const pair = this.offered.get(id);
    if (!pair) throw new Error('That pair is no longer on offer (the run was reset or resumed); new pairs were requested.');
    this.offered.delete(id);
    if (answer !== 'skip') {
      this.preferences.add({ ...pair, choice: answer, source: 'human', update });
      await this.fit(update, Math.max(1, this.config.learned.rewardModelSteps));
    }
    return this.summary();
  }

  /** The reward model's r(x) of texts (null before any label): for the comparison view and for tests. */
  async rewardModelScores(texts: readonly string[]): Promise<Float32Array | null> {
    return this.preferences.count > 0 ? this.ensureRewardModel().scoreTexts(texts) : null;
  }

  /** The discriminator's D(x) of texts (null before it exists): for tests of saved and restored runs. */
  async discriminatorScores(texts: readonly string[]): Promise<Float32Array | null> {
    if (!this.discriminator) return null;
    const { tokens, mask } = tensors(texts.map((t) => this.task.tokenizer.encode(t)), this.config.maxLength);
    const p = this.discriminator.probability(tokens, mask);
    try {
      return (await p.data()) as Float32Array;
    } finally {
      tf.dispose([tokens, mask, p]);
    }
  }

  summary(): PreferenceSummary {
    return summarise(this.preferences, this.lastFit);
  }

  async exportModels(): Promise<SerializedTensor[]> {
    return [
      ...(this.rewardModel ? await saveLearnedModel('rewardModel', this.rewardModel.model.weights, this.rewardModel.optimizer) : []),
      ...(this.discriminator ? await saveLearnedModel('discriminator', this.discriminator.model.weights, this.discriminator.optimizer) : []),
    ];
  }

  async importModels(saved: readonly SerializedTensor[] | undefined): Promise<string | null> {
    const notes: string[] = [];
    const tensors = saved ?? [];
    if (this.preferences.count > 0) {
      // Without usable saved weights the labels are still there: loadPreferences queued the catch-up fit.
      const why = hasLearnedModel('rewardModel', tensors)
        ? await restoreLearnedModel('rewardModel', this.ensureRewardModel().model.weights, this.ensureRewardModel().optimizer, tensors)
        : 'this checkpoint has none';
      if (why === null) this.pendingSteps = 0;
      else notes.push(`the reward model is refitted from the ${this.preferences.count} saved labels (its saved weights could not be used: ${why})`);
    }
    if (hasLearnedModel('discriminator', tensors)) {
      const why = await restoreLearnedModel('discriminator', this.ensureDiscriminator().model.weights, this.ensureDiscriminator().optimizer, tensors);
      if (why !== null) {
        this.discriminator?.dispose();
        this.discriminator = null;
        notes.push(`the discriminator starts afresh (its saved weights could not be used: ${why})`);
      }
    } else if (this.config.rewards.some((r) => r.id === 'discriminator')) {
      notes.push('the discriminator starts afresh (this checkpoint has no saved discriminator weights)');
    }
    return notes.length ? notes.join('; ') : null;
  }

  /** Restores labels saved with a checkpoint; the reward model is refitted on them at the next fit. */
  loadPreferences(pairs: readonly LabelledPair[]): void {
    this.preferences.load(pairs);
    this.offered.clear();
    if (pairs.length) this.pendingSteps = CATCH_UP_STEPS;
  }

  private async fit(update: number, steps: number): Promise<FitReport> {
    const { train, heldOut } = this.preferences.split();
    const rng = new Rng(this.config.seed ^ Math.imul(update + 1, 0x1b873593)).split('reward-model');
    const total = steps + this.pendingSteps;
    this.pendingSteps = 0;
    const fit = await this.ensureRewardModel().fit(train, heldOut.slice(-MAX_HELD_OUT_MEASURED), total, rng);
    if (train.length && !Number.isFinite(fit.loss)) {
      throw new TrainingFault(`Update ${update}: the reward model's loss became NaN or infinite.`, 'Lower the reward model learning rate and reset the run.');
    }
    this.lastFit = fit;
    return fit;
  }

  /**
   * SeqGAN's d-steps: k steps, the first on this rollout (where the accuracy is measured before fitting), the others on
   * generated samples from the buffer; every step with a fresh real minibatch.
   */
  private async trainDiscriminator(rollout: { tokens: tf.Tensor2D; mask: tf.Tensor2D }, texts: string[], update: number): Promise<Record<string, number>> {
    const T = rollout.tokens.shape[1];
    const k = this.config.learned.discriminatorSteps;
    const rng = new Rng(this.config.seed ^ Math.imul(update, 0x5bd1e995)).split('discriminator');
    this.generated.push(...texts);
    if (this.generated.length > GENERATED_BUFFER) this.generated.splice(0, this.generated.length - GENERATED_BUFFER);
    const batches = [{ real: this.realBatch(texts.length, T, rng), fake: { tokens: rollout.tokens, mask: rollout.mask } }];
    for (let s = 1; s < k; s++) {
      const fake = Array.from({ length: DISCRIMINATOR_BATCH }, () => this.task.tokenizer.encode(this.generated[rng.int(this.generated.length)]));
      batches.push({ real: this.realBatch(DISCRIMINATOR_BATCH, T, rng), fake: tensors(fake, T) });
    }
    try {
      const d = await this.ensureDiscriminator().train(batches);
      if (![d.loss, d.accuracy].every(Number.isFinite)) {
        throw new TrainingFault(`Update ${update}: the discriminator's loss became NaN or infinite.`, 'Lower the discriminator learning rate and reset the run.');
      }
      return { discriminatorAccuracy: d.accuracy, discriminatorLoss: d.loss, discriminatorReal: d.realScore, discriminatorFake: d.fakeScore };
    } finally {
      // The rollout's tensors belong to the trainer.
      tf.dispose(batches.flatMap((b, i) => (i === 0 ? [b.real.tokens, b.real.mask] : [b.real.tokens, b.real.mask, b.fake.tokens, b.fake.mask])));
    }
  }

  /** Real examples for the discriminator, drawn reproducibly, padded to the rollout's length. */
  private realBatch(size: number, T: number, rng: Rng): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
    if (this.task.corpusUnavailable) throw new TrainingFault(`The discriminator needs real ${this.task.label} examples: ${this.task.corpusUnavailable}`, 'Remove the discriminator reward term.');
    this.encodedCorpus ??= this.task.corpus().map((t) => this.task.tokenizer.encode(t));
    const fitting = this.encodedCorpus.filter((ids) => ids.length < T);
    if (!fitting.length) throw new TrainingFault(`No real ${this.task.label} example fits in ${T} tokens.`, 'Raise the maximum length.');
    return tensors(Array.from({ length: size }, () => fitting[rng.int(fitting.length)]), T);
  }

  private ensureDiscriminator(): Discriminator {
    return (this.discriminator ??= new Discriminator(this.prior, this.config.seed ^ 0x0d15c, this.config.learned.discriminatorLearningRate));
  }

  private ensureRewardModel(): RewardModel {
    return (this.rewardModel ??= new RewardModel(this.prior, this.config.seed ^ 0x0bb7, this.task.tokenizer, this.config.maxLength, this.config.learned.rewardModelLearningRate));
  }

  dispose(): void {
    this.discriminator?.dispose();
    this.rewardModel?.dispose();
    this.discriminator = null;
    this.rewardModel = null;
  }
}

function tensors(encoded: number[][], T: number): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
  const { tokens, mask } = padSequences(encoded, T);
  return { tokens: tf.tensor2d(tokens, [encoded.length, T], 'int32'), mask: tf.tensor2d(mask, [encoded.length, T]) };
}
