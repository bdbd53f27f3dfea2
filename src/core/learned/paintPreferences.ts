// Learned preferences for the painter: the image reward model scores each episode's final canvas (the 'paint_preference'
// term), the simulated annotator labels pairs of the batch's paintings with a painter rule term (e.g. the L2 gain, which
// prefers the lower final distance to the target), and a person labels pairs of fresh paintings in the comparison view.
// The same loop as learnedRewards.ts for text; the samples are stored paintings (paintings.ts).
import * as tf from '@tensorflow/tfjs';
import type { SerializedTensor } from '../checkpoints/types';
import type { ExperimentConfig } from '../config';
import type { PainterPolicy } from '../models/painterPolicy';
import { PAINT_TERMS, sumSteps, type PaintBatch } from '../rewards/paint';
import type { ContextNeed } from '../rewards/types';
import { Rng } from '../rng';
import { paintTargetImage } from '../tasks/paint/settings';
import type { StrokeSpace } from '../tasks/paint/strokes';
import { disposeRollout, paintRollout } from '../training/paintRollout';
import { TrainingFault } from '../training/types';
import type { FitReport } from './preferenceFit';
import { ImageRewardModel } from './imageRewardModel';
import { annotateAndFit, summarise, type PairAnswer, type PairImage, type PairView, type PreferenceLearner, type PreferenceSummary } from './learner';
import { hasLearnedModel, restoreLearnedModel, saveLearnedModel } from './modelState';
import { encodePainting, PAINTING_SIDE, toPaintingSide } from './paintings';
import { choosePairs, MAX_PAINTING_LABELS, PreferenceStore, type LabelledPair } from './preferences';

/** Held-out accuracy is measured on at most this many recent held-out pairs. */
const MAX_HELD_OUT_MEASURED = 256;
/** Fitting steps on the first fit after labels were restored without the model's saved weights. */
const CATCH_UP_STEPS = 60;
/** Pairs offered to a person per request, at most. */
const MAX_OFFERED = 8;

export class PaintPreferences implements PreferenceLearner {
  readonly preferences = new PreferenceStore(MAX_PAINTING_LABELS);
  private rewardModel: ImageRewardModel | null = null;
  private lastFit: FitReport | null = null;
  private pendingSteps = 0;
  private offerCount = 0;
  private readonly offered = new Map<string, { a: string; b: string }>();

  constructor(
    private config: ExperimentConfig,
    private readonly policy: PainterPolicy,
    private readonly space: StrokeSpace,
    private readonly target: tf.Tensor3D,
  ) {}

  applyConfig(next: ExperimentConfig): void {
    this.config = next;
    if (this.rewardModel) this.rewardModel.learningRate = next.learned.rewardModelLearningRate;
  }

  private get annotatorOn(): boolean {
    const a = this.config.learned.annotator;
    return a.term !== '' && a.pairsPerUpdate > 0;
  }

  /** Whether this update's canvases must be read back and scored. */
  wants(needs: Set<ContextNeed>): boolean {
    return needs.has('preference') || this.preferences.count > 0 || this.annotatorOn;
  }

  /**
   * The final canvases at 32×32 [B, 32, 32, 3] (to be read back and stored as paintings), and r of every canvas of the
   * episodes [B, K + 1]: before each stroke (the rollout's step-major states [K·B, S, S, 3]) and the finished one; 0
   * before any label. Both stay on the device until the trainer's one readback.
   */
  scoreCanvases(states: tf.Tensor4D, finals: tf.Tensor4D): { small: tf.Tensor4D; preference: tf.Tensor2D } {
    const B = finals.shape[0];
    const K = states.shape[0] / B;
    const small = atPaintingSide(finals);
    const preference = tf.tidy(() => {
      if (this.preferences.count === 0) return tf.zeros([B, K + 1]) as tf.Tensor2D;
      const model = this.ensureRewardModel();
      const before = tf.reshape(model.score(atPaintingSide(states)), [K, B]);
      return tf.transpose(tf.concat([before, tf.reshape(model.score(small), [1, B])])) as tf.Tensor2D;
    });
    return { small, preference };
  }

  /**
   * After the policy's step: the simulated annotator labels pairs of this batch's paintings, and the reward model fits.
   * `proxy` is r of each finished painting [B] (the uncertain pairs and the Goodhart plot read it).
   */
  async afterUpdate(paintings: string[], batch: PaintBatch, update: number, proxy?: Float32Array): Promise<Record<string, number>> {
    let truth: Float32Array | null = null;
    if (this.annotatorOn) {
      const a = this.config.learned.annotator;
      const term = PAINT_TERMS.find((t) => t.id === a.term);
      if (!term) throw new TrainingFault(`The simulated annotator's term "${a.term}" is not a painter rule reward.`, 'Pick a painter reward term for the annotator.');
      truth = sumSteps(term.stepRewards(batch, a.params), batch.size, batch.steps);
    }
    return annotateAndFit({ samples: paintings, truth, proxy, config: this.config, update, preferences: this.preferences, fit: (u, steps) => this.fit(u, steps) });
  }

  /** Pairs of fresh paintings by the current policy, with their images, for a person to compare. */
  async offerPairs(n: number): Promise<PairView[]> {
    const count = Math.max(1, Math.min(MAX_OFFERED, Math.floor(n)));
    const cfg = this.config;
    this.offerCount++;
    const B = 4 * count;
    const S = cfg.paint.canvas;
    // A sampler stream of its own (seed mixed with a constant), so offering pairs never shifts the training episodes.
    const rollout = paintRollout(this.policy, this.space, this.target, { batchSize: B, steps: cfg.paint.strokes, seed: (cfg.seed ^ 0x6a09e667) >>> 0, update: this.offerCount });
    let rgb: Float32Array;
    try {
      rgb = (await rollout.canvases.data()) as Float32Array;
    } finally {
      disposeRollout(rollout);
    }
    const canvas = (b: number) => rgb.subarray(b * S * S * 3, (b + 1) * S * S * 3);
    const paintings = Array.from({ length: B }, (_, b) => encodePainting(canvas(b), S));
    const scores = cfg.learned.pairSelection === 'uncertain' && this.preferences.count > 0 ? await this.ensureRewardModel().scorePaintings(paintings) : undefined;
    const rng = new Rng(cfg.seed ^ Math.imul(this.offerCount, 0x3c6ef372)).split('offer');
    return choosePairs(paintings, count, cfg.learned.pairSelection, rng, scores).map(([i, j]) => {
      const id = `painting-${this.offerCount}-${i}-${j}`;
      this.offered.set(id, { a: paintings[i], b: paintings[j] });
      return { id, a: `Painting ${i + 1}`, b: `Painting ${j + 1}`, images: { a: toImage(canvas(i), S), b: toImage(canvas(j), S) } };
    });
  }

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

  /** r(x) of stored paintings (null before any label): for tests and the comparison view. */
  async rewardModelScores(paintings: readonly string[]): Promise<Float32Array | null> {
    return this.preferences.count > 0 ? this.ensureRewardModel().scorePaintings(paintings) : null;
  }

  summary(): PreferenceSummary {
    return summarise(this.preferences, this.lastFit);
  }

  loadPreferences(pairs: readonly LabelledPair[]): void {
    this.preferences.load(pairs);
    this.offered.clear();
    if (pairs.length) this.pendingSteps = CATCH_UP_STEPS;
  }

  async exportModels(): Promise<SerializedTensor[]> {
    return this.rewardModel ? saveLearnedModel('rewardModel', this.rewardModel.trainableWeights, this.rewardModel.optimizer) : [];
  }

  async importModels(saved: readonly SerializedTensor[] | undefined): Promise<string | null> {
    if (this.preferences.count === 0) return null;
    const tensors = saved ?? [];
    const why = hasLearnedModel('rewardModel', tensors)
      ? await restoreLearnedModel('rewardModel', this.ensureRewardModel().trainableWeights, this.ensureRewardModel().optimizer, tensors)
      : 'this checkpoint has none';
    if (why === null) {
      this.pendingSteps = 0;
      return null;
    }
    return `the reward model is refitted from the ${this.preferences.count} saved labels (its saved weights could not be used: ${why})`;
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

  private ensureRewardModel(): ImageRewardModel {
    if (!this.rewardModel) {
      // The target from the settings, on the CPU (no synchronous readback of the trainer's tensor).
      const target = toPaintingSide(paintTargetImage(this.config.paint), this.config.paint.canvas);
      this.rewardModel = new ImageRewardModel(target, this.config.model.hidden, this.config.seed ^ 0x0bb7, this.config.learned.rewardModelLearningRate);
    }
    return this.rewardModel;
  }

  dispose(): void {
    this.rewardModel?.dispose();
    this.rewardModel = null;
  }
}

/** Canvases [N, S, S, 3] at 32×32: as they are, or averaged over blocks like stored paintings (paintings.ts). */
export function atPaintingSide(canvases: tf.Tensor4D): tf.Tensor4D {
  const f = canvases.shape[1] / PAINTING_SIDE;
  return f === 1 ? canvases.clone() : tf.avgPool(canvases, f, f, 'valid');
}

function toImage(rgb: Float32Array, side: number): PairImage {
  const rgba = new Uint8ClampedArray(side * side * 4);
  for (let k = 0; k < side * side; k++) {
    for (let c = 0; c < 3; c++) rgba[k * 4 + c] = Math.round(rgb[k * 3 + c] * 255);
    rgba[k * 4 + 3] = 255;
  }
  return { width: side, height: side, rgba };
}
