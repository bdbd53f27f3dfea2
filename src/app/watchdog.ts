// Notices a training Worker that stopped answering (closed itself, hung, or died without an error event): the page
// pings it at an interval and calls `onSilent` once when an answer is overdue. A long update keeps answering, because
// the session yields to messages between phases; the timeout is generous so a slow backend is not mistaken for a dead one.

export interface WatchdogTimings {
  /** How often to ping. */
  intervalMs: number;
  /** How long the oldest unanswered ping may wait before the Worker counts as silent. */
  timeoutMs: number;
}

export const DEFAULT_WATCHDOG: WatchdogTimings = { intervalMs: 5_000, timeoutMs: 60_000 };

export class Watchdog {
  private timer: ReturnType<typeof setInterval> | null = null;
  /** When the oldest unanswered ping was sent, or null when every ping has been answered. */
  private waitingSince: number | null = null;

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly onSilent: (silentMs: number) => void,
    private readonly timings: WatchdogTimings = DEFAULT_WATCHDOG,
    private readonly now: () => number = () => Date.now(),
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.tick(), this.timings.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.waitingSince = null;
  }

  private tick(): void {
    const now = this.now();
    if (this.waitingSince !== null) {
      const silent = now - this.waitingSince;
      if (silent >= this.timings.timeoutMs) {
        this.stop();
        this.onSilent(silent);
      }
      return;
    }
    this.waitingSince = now;
    const sent = now;
    this.ping().then(
      () => {
        if (this.waitingSince === sent) this.waitingSince = null;
      },
      () => undefined, // a rejected ping means the Worker answered: the error event path reports real crashes
    );
  }
}
