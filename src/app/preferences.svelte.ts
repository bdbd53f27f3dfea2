// The comparison view's state (RLHF): a queue of sample pairs from the Worker, the pair on show, and what the person's
// labels have done so far (count, the reward model's held-out accuracy). Every Worker call answers with a plain
// result; a failure is shown as text beside the pair, never thrown at the page.
import type { PairAnswer, PairView, PreferenceResult, PreferenceSummary, TrainerApi, UpdateMetrics } from '../core/protocol';

type Api = Pick<TrainerApi, 'offerPairs' | 'labelPair' | 'preferenceSummary'>;

/** Pairs fetched per request: enough to label a few in a row without waiting on the Worker. */
const PAIRS_PER_REQUEST = 6;

export class PreferencesState {
  queue: PairView[] = $state.raw([]);
  summary: PreferenceSummary | null = $state.raw(null);
  busy = $state(false);
  error: string | null = $state(null);
  /** The last answer given, shown briefly so keyboard users see their press landed. */
  lastAnswer: PairAnswer | null = $state(null);

  readonly current = $derived(this.queue[0] ?? null);
  private refreshing = false;

  constructor(private readonly api: () => Api | null) {}

  /** Fetches pairs when the queue runs low (the first call also reads the summary). */
  async fill(): Promise<void> {
    if (this.busy || this.queue.length >= 2) return;
    const api = this.api();
    if (!api) return;
    this.busy = true;
    try {
      const offered = await this.settle(api.offerPairs(PAIRS_PER_REQUEST));
      if (offered) this.queue = [...this.queue, ...offered];
      if (offered && offered.length === 0 && this.queue.length === 0) {
        this.error = 'Every sampled text was the same, so there is no pair to compare. Reset the run or raise the temperature, then press a key again.';
      }
      if (!this.summary) {
        const summary = await this.settle(api.preferenceSummary());
        if (summary) this.summary = summary;
      }
    } finally {
      this.busy = false;
    }
  }

  /** The person's answer for the pair on show: sent to the Worker, which refits the reward model. */
  async answer(answer: PairAnswer): Promise<void> {
    const pair = this.current;
    const api = this.api();
    if (!api) return;
    if (!pair) return this.fill(); // nothing on show: a key press asks for pairs again
    this.queue = this.queue.slice(1);
    this.lastAnswer = answer;
    const summary = await this.settle(api.labelPair(pair.id, answer));
    if (summary) this.summary = summary;
    await this.fill();
  }

  /**
   * A new run (reset, rebuild, resume) invalidates the offered pairs. The labels stay with the run (a reset keeps them,
   * a resumed checkpoint brings its own), so the summary is read again; pairs are fetched again if some were on show.
   */
  restart(): void {
    const wasComparing = this.queue.length > 0;
    this.queue = [];
    this.summary = null;
    this.error = null;
    this.lastAnswer = null;
    void this.refreshSummary();
    if (wasComparing) void this.fill();
  }

  /** Training updates that changed the labels (the simulated annotator) bring a fresh summary, one request at a time. */
  noteMetrics(batch: readonly UpdateMetrics[]): void {
    const labels = batch[batch.length - 1]?.diagnostics?.labels;
    if (labels === undefined || labels === this.summary?.labels || this.refreshing) return;
    this.refreshing = true;
    void this.refreshSummary().finally(() => (this.refreshing = false));
  }

  /** Fresh numbers from the Worker. */
  async refreshSummary(): Promise<void> {
    const api = this.api();
    if (!api) return;
    const summary = await this.settle(api.preferenceSummary());
    if (summary) this.summary = summary;
  }

  private async settle<T>(call: Promise<PreferenceResult<T>>): Promise<T | null> {
    try {
      const result = await call;
      if (result.ok) {
        this.error = null;
        return result.value;
      }
      this.error = result.message;
    } catch (err) {
      this.error = `The Worker did not answer: ${err instanceof Error ? err.message : String(err)}. Reload the page if this persists.`;
    }
    return null;
  }
}
