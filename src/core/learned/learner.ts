// What the session and the comparison view need of a task's learned preferences, whatever the samples are (names and
// SMILES in learnedRewards.ts, paintings in paintPreferences.ts): pairs to offer, labels to take, a summary, and the
// models' state for checkpoints.
import type { SerializedTensor } from '../checkpoints/types';
import type { PreferenceChoice } from './bradleyTerry';
import type { PreferenceStore } from './preferences';
import type { FitReport } from './rewardModel';

/** An image for the page: RGBA bytes, drawn to a canvas (never markup). */
export interface PairImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** A pair offered to a person (plain data for the page); paintings come with their images. */
export interface PairView {
  id: string;
  a: string;
  b: string;
  images?: { a: PairImage; b: PairImage };
}

/** A person's answer; 'skip' discards the pair. */
export type PairAnswer = PreferenceChoice | 'skip';

/** What the comparison view shows about the labels and the reward model. */
export interface PreferenceSummary {
  labels: number;
  human: number;
  annotator: number;
  /** Held-out accuracy of the reward model on non-tie pairs (null until some are held out). */
  heldOutAccuracy: number | null;
  heldOutPairs: number;
  /** Mean Bradley–Terry loss of the last fit (null before any fit). */
  loss: number | null;
}

export interface PreferenceLearner {
  readonly preferences: PreferenceStore;
  offerPairs(n: number): Promise<PairView[]>;
  label(id: string, answer: PairAnswer, update: number): Promise<PreferenceSummary>;
  summary(): PreferenceSummary;
  /** Restores labels saved with a checkpoint; without saved weights the reward model is refitted on them. */
  loadPreferences(pairs: Parameters<PreferenceStore['load']>[0]): void;
  /** The learned models' weights and optimizer state (empty when no model exists yet). */
  exportModels(): Promise<SerializedTensor[]>;
  /** Restores them; returns a note for the person when a saved model was missing or unusable (and what happens instead). */
  importModels(saved: readonly SerializedTensor[] | undefined): Promise<string | null>;
  dispose(): void;
}

export function summarise(preferences: PreferenceStore, lastFit: FitReport | null): PreferenceSummary {
  const all = preferences.all();
  const human = all.filter((p) => p.source === 'human').length;
  return {
    labels: all.length,
    human,
    annotator: all.length - human,
    heldOutAccuracy: lastFit?.heldOutAccuracy ?? null,
    heldOutPairs: lastFit?.heldOutPairs ?? 0,
    loss: lastFit && Number.isFinite(lastFit.loss) ? lastFit.loss : null,
  };
}
