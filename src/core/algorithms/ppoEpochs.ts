// The bookkeeping of PPO's epochs over one batch, shared by every trainer: averaging each minibatch's numbers for the
// plots (the ratio range is a min/max, not a mean) and the early stop once the approximate KL passes 1.5 × its target.

/** How far past its target the approximate KL may go before the epochs stop (Schulman et al.'s baselines use 1.5). */
export const EARLY_STOP_FACTOR = 1.5;

export class PpoEpochStats {
  private readonly totals: Record<string, number> = {};
  private steps = 0;
  private stopped = false;

  constructor(private readonly targetKl: number) {}

  /** Records one minibatch step; true when the epochs should stop now. */
  add(diagnostics: Record<string, number>): boolean {
    for (const [k, x] of Object.entries(diagnostics)) {
      if (k === 'ratioMin') this.totals[k] = Math.min(this.totals[k] ?? Infinity, x);
      else if (k === 'ratioMax') this.totals[k] = Math.max(this.totals[k] ?? -Infinity, x);
      else this.totals[k] = (this.totals[k] ?? 0) + x;
    }
    this.steps++;
    this.stopped = this.targetKl > 0 && diagnostics.approxKl > EARLY_STOP_FACTOR * this.targetKl;
    return this.stopped;
  }

  get minibatchSteps(): number {
    return this.steps;
  }

  /** Means over the steps taken (the ratio's min and max over all of them), the step count, and 1 if stopped early. */
  summary(): Record<string, number> {
    const averaged = Object.fromEntries(Object.entries(this.totals).map(([k, x]) => [k, k.startsWith('ratio') ? x : x / Math.max(this.steps, 1)]));
    return { ...averaged, minibatchSteps: this.steps, stoppedEarly: this.stopped ? 1 : 0 };
  }
}
