// The runs of this page session: the current one (the live MetricsHistory) and earlier ones kept when a new run
// starts, so two or more can be overlaid on the reward plot and exported as CSV.
import type { UpdateMetrics } from '../core/protocol';

export interface RunRecord {
  id: string;
  label: string;
  task: string;
  records: readonly UpdateMetrics[];
}

/** Earlier runs kept in memory; the oldest go first. */
const MAX_KEPT_RUNS = 12;

export class RunList {
  /** Finished (or replaced) runs, newest first. */
  past: RunRecord[] = $state.raw([]);
  /** Ids of past runs drawn on the reward plot beside the current run. */
  overlay: string[] = $state([]);
  currentId = $state('');
  currentLabel = $state('Run 1');
  private counter = 1;

  /** A new run starts: the current one (if it has any updates) moves to the past list. */
  start(id: string, previous: readonly UpdateMetrics[], task: string, label?: string): void {
    if (previous.length && this.currentId) {
      const kept: RunRecord = { id: this.currentId, label: this.currentLabel, task, records: [...previous] };
      this.past = [kept, ...this.past.filter((r) => r.id !== kept.id)].slice(0, MAX_KEPT_RUNS);
    }
    // A resumed run continues under its own id: it is current again, not past.
    this.past = this.past.filter((r) => r.id !== id);
    this.overlay = this.overlay.filter((o) => this.past.some((r) => r.id === o));
    this.currentId = id;
    this.counter += previous.length ? 1 : 0;
    this.currentLabel = label ?? `Run ${this.counter}`;
  }

  toggleOverlay(id: string, on: boolean): void {
    this.overlay = on ? [...new Set([...this.overlay, id])] : this.overlay.filter((x) => x !== id);
  }

  /** The past runs chosen for overlay, in list order. */
  get overlaid(): RunRecord[] {
    return this.past.filter((r) => this.overlay.includes(r.id));
  }
}
