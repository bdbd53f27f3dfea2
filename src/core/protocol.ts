// The one typed interface between the page and the training Worker. Everything crossing it is plain data.
// Types only: the page imports this file without pulling tfjs into the main thread.
import type { BackendInfo, BackendName } from './backend';
import type { CheckpointErrorKind, CheckpointMeta } from './checkpoints/types';
import type { ConfigError, ExperimentConfig } from './config';
import type { SampleView, UpdateMetrics } from './training/types';
import type { UploadMode, UploadOutcome } from './tasks/uploadedPrior';
import type { CorpusPreview } from './tasks/textData';
import type { PairAnswer, PairView, PreferenceSummary } from './learned/learnedRewards';

export type { BackendInfo, BackendName, CheckpointErrorKind, CheckpointMeta, ConfigError, CorpusPreview, ExperimentConfig, SampleView, UpdateMetrics, UploadMode, UploadOutcome };

export type RunState = 'starting' | 'loading-prior' | 'pretraining' | 'ready' | 'training' | 'paused' | 'faulted';

export type WorkerEvent =
  | { type: 'metrics'; metrics: UpdateMetrics[] }
  | { type: 'samples'; update: number; samples: SampleView[] }
  | { type: 'status'; state: RunState; message: string; progress?: number }
  | { type: 'error'; message: string; hint: string }
  /** A run was restored from a checkpoint: its config, and its whole metrics history so the plots continue. */
  | { type: 'restored'; checkpointId: string; runId: string; config: ExperimentConfig; update: number; metrics: UpdateMetrics[] }
  /** A new run started (built from the prior): the page starts a new entry in its run list. */
  | { type: 'run'; runId: string }
  /** The WebGPU device was lost: the Worker's tensors are gone; the page restarts the Worker and resumes. */
  | { type: 'device-lost'; message: string }
  /** A checkpoint was written (autosave or manual) or a save failed; training goes on either way. */
  | { type: 'storage'; ok: true; meta: CheckpointMeta; auto: boolean }
  | { type: 'storage'; ok: false; kind: CheckpointErrorKind; message: string; auto: boolean };

export type { PairAnswer, PairView, PreferenceSummary };

/** Preference commands answer with this instead of throwing (errors lose their class across the Worker boundary). */
export type PreferenceResult<T> = { ok: true; value: T } | { ok: false; message: string };

export type EventListener = (events: WorkerEvent[]) => void;

export type ConfigureResult = { ok: true; restarted: boolean } | { ok: false; errors: ConfigError[] };

/** Checkpoint commands answer with this instead of throwing: error classes do not survive the Worker boundary. */
export type StorageResult<T> = { ok: true; value: T } | { ok: false; kind: CheckpointErrorKind; message: string };

export interface InitOptions {
  /** Base URL the Worker resolves shipped priors against (the page's base). */
  baseUrl: string;
  /** Start the backend search here instead of at WebGPU (fallback testing, or a user's choice). */
  firstBackend?: BackendName;
}

export interface TrainerApi {
  init(listener: EventListener, options: InitOptions): Promise<BackendInfo>;
  /** Answers at once when the Worker is alive and its event loop turns (the page's watchdog). */
  ping(): Promise<true>;
  /** Validates and applies a config. Task, model size or seed changes rebuild the run; the rest applies live. */
  configure(config: unknown): Promise<ConfigureResult>;
  start(): Promise<void>;
  pause(): Promise<void>;
  step(n: number): Promise<void>;
  reset(): Promise<void>;
  setRewardWeights(weights: Record<string, number>): Promise<void>;
  /** At most this many updates per second while training (slow motion for a lecture); null: as fast as it goes. */
  setSpeedCap(updatesPerSecond: number | null): Promise<void>;
  /** Saves the current run now (between updates) under a new id. */
  saveCheckpoint(name?: string): Promise<StorageResult<CheckpointMeta>>;
  listCheckpoints(): Promise<StorageResult<CheckpointMeta[]>>;
  /** Loads a checkpoint, rebuilds the run with its config and continues where it stopped (emits 'restored'). */
  resumeCheckpoint(id: string): Promise<StorageResult<CheckpointMeta>>;
  renameCheckpoint(id: string, name: string): Promise<StorageResult<CheckpointMeta>>;
  deleteCheckpoint(id: string): Promise<StorageResult<null>>;
  exportCheckpoint(id: string): Promise<StorageResult<Blob>>;
  /** Validates a checkpoint file (schema, shapes for its config, size, checksum) and stores it as a new checkpoint. */
  importCheckpoint(file: Blob): Promise<StorageResult<CheckpointMeta>>;
  /** RLHF: up to n pairs of fresh samples from the current policy for the person at the keyboard to compare. */
  offerPairs(n: number): Promise<PreferenceResult<PairView[]>>;
  /** RLHF: the person's answer for an offered pair (skip discards it); the reward model then fits. */
  labelPair(id: string, answer: PairAnswer): Promise<PreferenceResult<PreferenceSummary>>;
  /** RLHF: the label counts and the reward model's held-out accuracy. */
  preferenceSummary(): Promise<PreferenceResult<PreferenceSummary>>;
  /** RDKit's drawings of up to 12 SMILES as SVG data URLs for <img> (null for an invalid one), drawn in the Worker. */
  drawMolecules(smiles: string[]): Promise<(string | null)[]>;
  /** Trains a prior on an uploaded .smi/.csv file (Molecules) or a text (Free text; fine-tune the current one, or new), then starts a run from it. */
  trainPriorOnUpload(file: Blob, fileName: string, mode: UploadMode): Promise<UploadOutcome>;
  /** Size and a few examples of the run's corpus (Names, Words, Free text); null for the other tasks. */
  corpusPreview(): Promise<CorpusPreview | null>;
}
