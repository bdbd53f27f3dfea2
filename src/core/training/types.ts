// What every trainer (sequence tasks, the painter) gives the session: one update at a time, its metrics and samples,
// live settings, and a state that a checkpoint can restore exactly.
import type { SerializedTensor } from '../checkpoints/types';
import type { ExperimentConfig } from '../config';
import type { PreferenceLearner } from '../learned/learner';
import type { LabelledPair } from '../learned/preferences';
import type { MoleculeLearnerState } from '../chem/learnerState';

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
  /** The KL coefficient β used by this update (changes when the adaptive controller is on). */
  beta?: number;
  learningRate?: number;
  /** Live tensors and their bytes (on the GPU when the backend has one) after this update: flat in a healthy run. */
  memory?: { tensors: number; bytes: number };
  /** The algorithm's own numbers for the teaching views: valueLoss, advantageMean, approxKl, clipFraction, ratioMin/Max, mleLoss, ... */
  diagnostics?: Record<string, number>;
}

export interface SampleView {
  text: string;
  reward: number;
  kl: number;
  terms: Record<string, number>;
  /** For the first few samples: each generated token with the advantage the update gave it (teaching view). */
  steps?: { token: string; advantage: number }[];
  /** Painter: the episode's final canvas as RGBA bytes (the first few samples of a batch). */
  image?: { width: number; height: number; rgba: Uint8ClampedArray };
  /** Painter: the episode's strokes, K rows of STROKE_PARAMS numbers (kernels/rasterStrokesCpu.ts), for the animated replay. */
  strokes?: number[];
}

/** How many samples carry per-token advantages to the page. */
export const SAMPLES_WITH_ADVANTAGES = 16;

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
  /** Learner state words: [β of the KL controller, ...the REINFORCE baseline's state]. */
  rng: number[];
  /** Labelled preference pairs of the run (RLHF); absent when there are none. */
  preferences?: LabelledPair[];
  /** The learned reward models' weights and optimizer state (learned/modelState.ts); absent when none exists. */
  learnedModels?: SerializedTensor[];
  /** Molecules: REINVENT's replay memory and diversity-filter buckets; absent when empty (and in older checkpoints). */
  molecules?: MoleculeLearnerState;
}

/** The session's view of a trainer. */
export interface Trainer {
  readonly updates: number;
  readonly currentConfig: ExperimentConfig;
  /** Applies settings that can change mid-run; the change is marked on the next update's metrics. */
  applyLiveConfig(next: ExperimentConfig): void;
  setRewardWeights(weights: Record<string, number>): void;
  update(): Promise<UpdateResult>;
  exportState(): Promise<TrainerState>;
  importState(state: TrainerState): Promise<void>;
  /** Learned rewards (discriminator, preference reward model), where the trainer has them. */
  readonly learned?: PreferenceLearner;
  /** Set by importState when a saved learned model could not be restored: what happened instead, for the person. */
  readonly learnedRestoreNote?: string | null;
  dispose(): void;
}
