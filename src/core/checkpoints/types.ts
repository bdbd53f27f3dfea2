// Checkpoint shapes shared by storage, checksums and the export file format. Plain data only: these cross the
// Worker boundary by structured clone.
import type { ExperimentConfig } from '../config';
import type { TaskId } from '../rewards/types';
import type { MoleculeLearnerState } from '../chem/learnerState';
import type { LabelledPair } from '../learned/preferences';
import type { OwnCorpus } from '../tasks/ownCorpus';

export interface SerializedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** A run on the user's own text or molecules: the prior trained on the upload and the corpus, so a resume rebuilds the run on them. */
export interface OwnDataSection {
  corpus: OwnCorpus;
  /** The prior trained on the upload, named and shaped like the run's GRU weights (absent when the run's model size has none). */
  prior?: SerializedTensor[];
}

export interface Checkpoint {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  config: ExperimentConfig;
  /** Number of updates done when it was saved. */
  update: number;
  weights: SerializedTensor[];
  optimizer: SerializedTensor[];
  /** RNG state words, opaque to storage. */
  rng: number[];
  /** Metrics history records, opaque to storage; must be plain JSON data to survive export. */
  metrics: unknown[];
  meanReward: number | null;
  /** Molecules: REINVENT's replay memory and diversity-filter buckets (absent when empty, and in older checkpoints). */
  molecules?: MoleculeLearnerState;
  /** RLHF: the run's labelled preference pairs (absent when there are none, and in older checkpoints). */
  preferences?: LabelledPair[];
  /** RLHF and SeqGAN: the learned reward models' weights and optimizer state (absent when none exists, and in older checkpoints). */
  learnedModels?: SerializedTensor[];
  /**
   * SHA-256 (hex) of learnedModels alone. The main checksum leaves them out, so a damaged section is dropped on load
   * (the models are refitted from the labels) without losing the run.
   */
  learnedChecksum?: string;
  /** Set on load, never stored: why a learned-models section was dropped. */
  learnedProblem?: string;
  /** A run on the user's own data: that data (absent for runs on the built-in data, and in older checkpoints). */
  ownData?: OwnDataSection;
  /** SHA-256 (hex) of ownData alone, so a damaged copy of the user's data is dropped on load without losing the run. */
  ownDataChecksum?: string;
  /** Why the run's own-data section was dropped (on load, or on import, where it is kept as a note for the resume). */
  ownDataProblem?: string;
  /** SHA-256 (hex) over everything except id and name (and the learned models and own data, which have their own). */
  checksum: string;
}

/** What the caller hands to saveCheckpoint: the id and checksum are assigned there, createdAt defaults to now. */
export type NewCheckpoint = Omit<Checkpoint, 'id' | 'checksum' | 'createdAt' | 'learnedChecksum' | 'learnedProblem' | 'ownDataChecksum'> & { createdAt?: number };

/** The fields the checksum covers. */
export type ChecksummedFields = Omit<
  Checkpoint,
  'id' | 'name' | 'checksum' | 'learnedModels' | 'learnedChecksum' | 'learnedProblem' | 'ownData' | 'ownDataChecksum' | 'ownDataProblem'
>;

/** One row of the checkpoints list: small, kept in the index so listing never reads tensors. */
export interface CheckpointMeta {
  id: string;
  name: string;
  task: TaskId;
  update: number;
  meanReward: number | null;
  createdAt: number;
  sizeBytes: number;
}

/**
 * quota: the browser refused to store more; missing: no such checkpoint; corrupt: stored bytes fail their checksum or
 * structure; incompatible: the saved config is not accepted by this version; invalid: a bad import file or bad input;
 * storage: any other IndexedDB failure.
 */
export type CheckpointErrorKind = 'quota' | 'missing' | 'corrupt' | 'incompatible' | 'invalid' | 'storage';

/** Every failure of the checkpoint API; `message` is written for the user. */
export class CheckpointError extends Error {
  readonly kind: CheckpointErrorKind;
  constructor(kind: CheckpointErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
    this.kind = kind;
  }
}
