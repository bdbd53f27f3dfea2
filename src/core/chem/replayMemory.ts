// Experience replay of the best molecules, REINVENT-style ("inception"): keep the `capacity` highest-scoring distinct
// SMILES seen so far, and add a random `replay` of them to every update so good molecules keep being reinforced after
// the agent stops sampling them. Defaults follow the issue: memory 50, replay 10 per update. Pure TypeScript.
//
// Rules: a SMILES is held at most once (while it is in memory, the score it entered with is kept: a later,
// diversity-filtered score does not overwrite it; deduplication is against the memory's contents, so memory use stays
// bounded over long runs); the memory is ordered by score, highest first, ties broken by age (older first) so runs are
// deterministic; sampling is without replacement and uses the caller's seeded random source.

export interface ReplayEntry {
  /** Canonical SMILES. */
  smiles: string;
  score: number;
  /** Mean (or total) log-likelihood under the prior, when the algorithm needs it (REINVENT's augmented likelihood). */
  priorLogLik?: number;
}

export interface ReplayMemoryOptions {
  capacity: number;
  replay: number;
}

/** Plain-data state, for checkpoints: the entries best first with their age stamps, and the next stamp. */
export interface ReplayMemoryState {
  entries: (ReplayEntry & { order: number })[];
  counter: number;
}

export const DEFAULT_REPLAY: Readonly<ReplayMemoryOptions> = { capacity: 50, replay: 10 };

export class ReplayMemory {
  readonly options: ReplayMemoryOptions;
  private entries: (ReplayEntry & { order: number })[] = [];
  private counter = 0;

  constructor(options: Partial<ReplayMemoryOptions> = {}) {
    this.options = { ...DEFAULT_REPLAY, ...options };
  }

  get size(): number {
    return this.entries.length;
  }

  /** Offer a batch; invalid samples (smiles null) and SMILES already in memory are ignored. */
  add(batch: readonly { smiles: string | null; score: number; priorLogLik?: number }[]): void {
    const held = new Set(this.entries.map((e) => e.smiles));
    for (const e of batch) {
      if (e.smiles === null || !Number.isFinite(e.score) || held.has(e.smiles)) continue;
      held.add(e.smiles);
      this.entries.push({ smiles: e.smiles, score: e.score, priorLogLik: e.priorLogLik, order: this.counter++ });
    }
    this.entries.sort((a, b) => b.score - a.score || a.order - b.order);
    this.entries.length = Math.min(this.entries.length, this.options.capacity);
  }

  /** The memory, best first. */
  best(): ReplayEntry[] {
    return this.entries.map(({ order: _o, ...e }) => e);
  }

  /** `n` (default: options.replay) distinct entries drawn uniformly without replacement. `random` returns [0, 1). */
  sample(random: () => number, n = this.options.replay): ReplayEntry[] {
    const pool = this.best();
    const k = Math.min(n, pool.length);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  clear(): void {
    this.entries = [];
  }

  toJSON(): ReplayMemoryState {
    return { entries: this.entries.map((e) => ({ ...e })), counter: this.counter };
  }

  /** Replaces the contents with a saved state (kept to this memory's capacity, re-sorted so the order rule holds). */
  load(state: ReplayMemoryState): void {
    const entries = state.entries.map((e) => ({ ...e }));
    entries.sort((a, b) => b.score - a.score || a.order - b.order);
    this.entries = entries.slice(0, this.options.capacity);
    this.counter = Math.max(state.counter, ...entries.map((e) => e.order + 1));
  }
}
