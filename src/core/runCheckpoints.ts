// The session's helpers for checkpoints: ids per run, the shapes an import must have, reading a saved metrics history
// back, and turning storage failures into plain results that survive the Worker boundary.
import { CheckpointError } from './checkpoints/types';
import type { ExperimentConfig } from './config';
import { weightShapes } from './models/charGru';
import { painterCheckpointShapes } from './training/paintTrainer';
import type { StorageResult, UpdateMetrics } from './protocol';
import { sequenceTask } from './tasks/sequenceTasks';

/** Autosave every this many updates (and on Pause). */
export const AUTOSAVE_EVERY = 25;
/** The metrics history a session keeps (and a checkpoint carries) is capped at this many updates. */
export const MAX_HISTORY = 20_000;
const AUTO_PREFIX = 'auto-';

export function newRunId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One checkpoint id per run, so each autosave replaces the previous one atomically. */
export function autosaveId(runId: string): string {
  return `${AUTO_PREFIX}${runId}`;
}

/** The run an autosave belongs to, or null for a manual checkpoint. */
export function runIdOfAutosave(checkpointId: string): string | null {
  return checkpointId.startsWith(AUTO_PREFIX) ? checkpointId.slice(AUTO_PREFIX.length) : null;
}

/** Weight shapes a checkpoint of this config must have. */
export function expectedWeightShapes(config: ExperimentConfig): Record<string, number[]> {
  if (config.task === 'paint') return painterCheckpointShapes(config);
  const task = sequenceTask(config.task);
  return weightShapes({ vocab: task.tokenizer.vocab.length, ...config.model });
}

/** The records of a saved metrics history that look like UpdateMetrics; anything else is dropped. */
export function readMetricsHistory(records: readonly unknown[]): UpdateMetrics[] {
  const out: UpdateMetrics[] = [];
  for (const r of records.slice(-MAX_HISTORY)) {
    const m = r as Partial<UpdateMetrics> | null;
    if (typeof m !== 'object' || m === null) continue;
    const numbers = [m.update, m.rewardMean, m.rewardMin, m.rewardMax, m.kl, m.entropy];
    if (!numbers.every((x) => typeof x === 'number')) continue;
    if (typeof m.terms !== 'object' || m.terms === null || !Array.isArray(m.changes)) continue;
    // Fields this version does not know (or newer optional ones) are kept as they are: the record was checksummed.
    out.push({
      ...(m as UpdateMetrics),
      terms: Object.fromEntries(Object.entries(m.terms).filter(([, x]) => typeof x === 'number')),
      changes: m.changes.filter((c): c is string => typeof c === 'string'),
    });
  }
  return out;
}

/** Runs a storage call; a CheckpointError (or any failure) becomes { ok: false } with a message for the user. */
export async function storageResult<T>(run: () => Promise<T>): Promise<StorageResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof CheckpointError) return { ok: false, kind: err.kind, message: err.message };
    return { ok: false, kind: 'storage', message: err instanceof Error ? err.message : String(err) };
  }
}
