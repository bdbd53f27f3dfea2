// The one typed interface between the page and the training Worker. Everything crossing it is plain data.
// Types only: the page imports this file without pulling tfjs into the main thread.
import type { BackendInfo, BackendName } from './backend';
import type { ConfigError } from './config';
import type { SampleView, UpdateMetrics } from './trainer';

export type { BackendInfo, BackendName, ConfigError, SampleView, UpdateMetrics };

export type RunState = 'starting' | 'loading-prior' | 'pretraining' | 'ready' | 'training' | 'paused' | 'faulted';

export type WorkerEvent =
  | { type: 'metrics'; metrics: UpdateMetrics[] }
  | { type: 'samples'; update: number; samples: SampleView[] }
  | { type: 'status'; state: RunState; message: string; progress?: number }
  | { type: 'error'; message: string; hint: string };

export type EventListener = (events: WorkerEvent[]) => void;

export type ConfigureResult = { ok: true; restarted: boolean } | { ok: false; errors: ConfigError[] };

export interface InitOptions {
  /** Base URL the Worker resolves shipped priors against (the page's base). */
  baseUrl: string;
  /** Start the backend search here instead of at WebGPU (fallback testing, or a user's choice). */
  firstBackend?: BackendName;
}

export interface TrainerApi {
  init(listener: EventListener, options: InitOptions): Promise<BackendInfo>;
  /** Validates and applies a config. Task, model size or seed changes rebuild the run; the rest applies live. */
  configure(config: unknown): Promise<ConfigureResult>;
  start(): Promise<void>;
  pause(): Promise<void>;
  step(n: number): Promise<void>;
  reset(): Promise<void>;
  setRewardWeights(weights: Record<string, number>): Promise<void>;
}
