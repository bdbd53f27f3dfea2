// The samples of recent updates, so a user can scrub back to see what the policy wrote earlier, and one pinned sample
// whose reward breakdown stays on screen while training goes on.
import type { SampleView } from '../core/protocol';

export interface SampleBatch {
  update: number;
  samples: SampleView[];
}

/** How many updates' samples the page keeps (a batch of text samples is a few kB; painter images ~4 kB each). */
export const KEPT_UPDATES = 100;

export class SampleHistory {
  batches: SampleBatch[] = $state.raw([]);
  /** Index into `batches` being shown, or null to follow the latest update. */
  viewing: number | null = $state(null);
  pinned: { update: number; sample: SampleView } | null = $state.raw(null);

  readonly shown: SampleBatch | null = $derived(
    this.batches.length ? this.batches[this.viewing === null ? this.batches.length - 1 : Math.min(this.viewing, this.batches.length - 1)] : null,
  );
  readonly followingLatest = $derived(this.viewing === null);

  push(update: number, samples: SampleView[]): void {
    const kept = this.batches.length >= KEPT_UPDATES ? this.batches.slice(1) : this.batches.slice();
    kept.push({ update, samples });
    // While scrubbing, keep showing the same update even as old batches fall off the front.
    if (this.viewing !== null && this.batches.length >= KEPT_UPDATES) this.viewing = Math.max(0, this.viewing - 1);
    this.batches = kept;
  }

  /** Show the batch at `index` (0 = oldest kept); the last index follows new updates again. */
  view(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.batches.length) return;
    this.viewing = index === this.batches.length - 1 ? null : index;
  }

  followLatest(): void {
    this.viewing = null;
  }

  pin(update: number, sample: SampleView): void {
    this.pinned = { update, sample };
  }

  unpin(): void {
    this.pinned = null;
  }

  clear(): void {
    this.batches = [];
    this.viewing = null;
    this.pinned = null;
  }
}
