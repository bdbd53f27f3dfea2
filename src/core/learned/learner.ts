// What the session and the comparison view need of a task's learned preferences, whatever the samples are (names and
// SMILES in learnedRewards.ts, paintings in paintPreferences.ts): pairs to offer, labels to take, a summary, and the
// models' state for checkpoints.
import type { SerializedTensor } from '../checkpoints/types';
import type { ExperimentConfig } from '../config';
import { Rng } from '../rng';
import { annotate } from './annotator';
import type { PreferenceChoice } from './bradleyTerry';
import { choosePairs, type PreferenceStore } from './preferences';
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

/**
 * What every learner does after the policy's step: the simulated annotator (when `truth`, its rule's score of each
 * sample, is given) labels pairs of this batch; then the reward model fits. Returns the numbers the plots show: the
 * true and proxy rewards side by side (the Goodhart view), the fit's loss and held-out accuracy, and the label count.
 */
export async function annotateAndFit(step: {
  samples: readonly string[];
  truth: ArrayLike<number> | null;
  /** The reward model's score of each sample (uncertain pairs and the proxy curve read it). */
  proxy: Float32Array | undefined;
  config: ExperimentConfig;
  update: number;
  preferences: PreferenceStore;
  fit: (update: number, steps: number) => Promise<FitReport>;
}): Promise<Record<string, number>> {
  const { samples, truth, proxy, config, update, preferences } = step;
  const learned = config.learned;
  const out: Record<string, number> = {};
  if (truth) {
    const rng = new Rng(config.seed ^ Math.imul(update, 0x2c1b3c6d)).split('annotator');
    for (const [i, j] of choosePairs(samples, learned.annotator.pairsPerUpdate, learned.pairSelection, rng, proxy)) {
      const choice = annotate(truth[i], truth[j], learned.annotator, () => rng.float());
      preferences.add({ a: samples[i], b: samples[j], choice, source: 'annotator', update });
    }
    out.trueReward = mean(truth);
  }
  if (proxy && preferences.count > 0) out.proxyReward = mean(proxy);
  if (preferences.count > 0 && learned.rewardModelSteps > 0) {
    const fit = await step.fit(update, learned.rewardModelSteps);
    out.rewardModelLoss = fit.loss;
    if (fit.heldOutAccuracy !== null) out.rewardModelAccuracy = fit.heldOutAccuracy;
  }
  if (preferences.count > 0) out.labels = preferences.count;
  return out;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : 0;
}
