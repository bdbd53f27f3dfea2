// The run's metrics as plot-ready columns. Columns grow in place (no copy per update); `version` tells readers
// that something changed, so plots redraw on their own schedule instead of once per update.
import type { UpdateMetrics } from '../core/protocol';

export interface ChangeMarker {
  update: number;
  changes: string[];
}

export class MetricsHistory {
  /** Bumped on every push or clear; read it to react to new data. */
  version = $state(0);
  latest: UpdateMetrics | null = $state.raw(null);
  /** Term ids in the order they first appeared. */
  termIds: string[] = $state.raw([]);
  markers: ChangeMarker[] = $state.raw([]);

  /** Every update's metrics as received (for CSV export and the run list). */
  readonly records: UpdateMetrics[] = [];
  readonly updates: number[] = [];
  readonly rewardMean: number[] = [];
  readonly rewardMin: number[] = [];
  readonly rewardMax: number[] = [];
  readonly kl: number[] = [];
  readonly entropy: number[] = [];
  /** One column per term id, aligned with `updates`; null where the term was not active. */
  readonly terms = new Map<string, (number | null)[]>();
  private readonly recentMs: number[] = [];
  /** Compute time of every update so far, in seconds (pauses and the speed cap's waits excluded). */
  trainingSeconds = $state(0);

  push(batch: readonly UpdateMetrics[]): void {
    if (!batch.length) return;
    let termIds = this.termIds;
    const markers: ChangeMarker[] = [];
    for (const m of batch) {
      for (const id of Object.keys(m.terms)) {
        if (this.terms.has(id)) continue;
        this.terms.set(id, new Array<number | null>(this.updates.length).fill(null));
        termIds = [...termIds, id];
      }
      this.records.push(m);
      this.updates.push(m.update);
      this.rewardMean.push(m.rewardMean);
      this.rewardMin.push(m.rewardMin);
      this.rewardMax.push(m.rewardMax);
      this.kl.push(m.kl);
      this.entropy.push(m.entropy);
      for (const [id, column] of this.terms) column.push(m.terms[id] ?? null);
      if (m.changes.length) markers.push({ update: m.update, changes: m.changes });
      this.recentMs.push(m.updateMs);
      if (this.recentMs.length > 10) this.recentMs.shift();
    }
    this.trainingSeconds += batch.reduce((sum, m) => sum + m.updateMs, 0) / 1000;
    if (termIds !== this.termIds) this.termIds = termIds;
    if (markers.length) this.markers = [...this.markers, ...markers];
    this.latest = batch[batch.length - 1];
    this.version++;
  }

  clear(): void {
    for (const column of [this.records, this.updates, this.rewardMean, this.rewardMin, this.rewardMax, this.kl, this.entropy, this.recentMs]) {
      column.length = 0;
    }
    this.terms.clear();
    this.termIds = [];
    this.markers = [];
    this.latest = null;
    this.trainingSeconds = 0;
    this.version++;
  }

  /** Updates per second of compute, from the Worker's timing of the last few updates. */
  get updatesPerSecond(): number | null {
    void this.version;
    if (!this.recentMs.length) return null;
    const meanMs = this.recentMs.reduce((a, b) => a + b, 0) / this.recentMs.length;
    return meanMs > 0 ? 1000 / meanMs : null;
  }
}
