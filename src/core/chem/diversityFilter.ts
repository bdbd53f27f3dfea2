// REINVENT-style diversity filter and in-batch deduplication (pure TypeScript: the caller supplies canonical SMILES and
// Murcko scaffolds from src/core/chem, so this file runs and tests without RDKit).
//
// Why: an RL agent that finds one good scaffold will keep producing it ("mode collapse"). The filter remembers, for every
// scaffold, how many molecules scoring at least `minScore` it has produced; once a scaffold's bucket holds `bucketSize`
// molecules, further molecules with that scaffold score 0, pushing the agent elsewhere (Blaschke et al., "Memory-assisted
// reinforcement learning for diverse molecular de novo design", J. Cheminform. 2020, 12:68; REINVENT's
// IdenticalMurckoScaffold filter). Defaults follow the issue: bucket size 25, minimum score 0.4.
//
// Our rule, step by step for each valid sample i (in batch order):
//   1. if `penalizeSameSmiles` and the canonical SMILES was memorised before (in an earlier batch or earlier in this
//      one), its score is multiplied by `sameSmilesPenalty` (0.5 by default; 0 reproduces REINVENT's scaffold filter,
//      which zeroes repeats);
//   2. if the (possibly penalised) score is ≥ minScore, the SMILES is memorised and counted in its scaffold's bucket;
//      if the bucket then holds more than `bucketSize` molecules, the score becomes 0. So a scaffold's first `bucketSize`
//      good molecules are rewarded in full, and the rest are not.
// Invalid samples (canonical null) keep their score (the reward terms already give them 0) and are not memorised.

export interface DiversityFilterOptions {
  bucketSize: number;
  minScore: number;
  penalizeSameSmiles: boolean;
  sameSmilesPenalty: number;
}

export const DEFAULT_DIVERSITY_FILTER: Readonly<DiversityFilterOptions> = {
  bucketSize: 25,
  minScore: 0.4,
  penalizeSameSmiles: false,
  sameSmilesPenalty: 0.5,
};

/** Plain-data state, for checkpoints. */
export interface DiversityFilterState {
  options: DiversityFilterOptions;
  buckets: [string, number][];
  seen: string[];
}

export class DiversityFilter {
  readonly options: DiversityFilterOptions;
  private readonly buckets = new Map<string, number>();
  private readonly seen = new Set<string>();

  constructor(options: Partial<DiversityFilterOptions> = {}) {
    this.options = { ...DEFAULT_DIVERSITY_FILTER, ...options };
    if (!(this.options.bucketSize >= 1)) throw new Error('Diversity filter: bucket size must be at least 1');
  }

  /**
   * Filtered scores for one batch. `canonical[i]` is the canonical SMILES (null when invalid) and `scaffolds[i]` its
   * Murcko scaffold ("" for acyclic molecules). Updates the memory.
   */
  apply(scores: ArrayLike<number>, canonical: readonly (string | null)[], scaffolds: readonly (string | null)[]): Float32Array {
    if (canonical.length !== scores.length || scaffolds.length !== scores.length) {
      throw new Error(`Diversity filter: ${scores.length} scores, ${canonical.length} SMILES, ${scaffolds.length} scaffolds`);
    }
    const { bucketSize, minScore, penalizeSameSmiles, sameSmilesPenalty } = this.options;
    const out = Float32Array.from(scores);
    for (let i = 0; i < out.length; i++) {
      const smiles = canonical[i];
      if (smiles === null) continue;
      if (penalizeSameSmiles && this.seen.has(smiles)) out[i] *= sameSmilesPenalty;
      if (out[i] >= minScore) {
        this.seen.add(smiles);
        const scaffold = scaffolds[i] ?? '';
        const count = (this.buckets.get(scaffold) ?? 0) + 1;
        this.buckets.set(scaffold, count);
        if (count > bucketSize) out[i] = 0;
      }
    }
    return out;
  }

  /** Molecules counted for a scaffold so far. */
  bucketCount(scaffold: string): number {
    return this.buckets.get(scaffold) ?? 0;
  }

  /** Number of scaffolds whose bucket is full. */
  get fullBuckets(): number {
    let n = 0;
    for (const c of this.buckets.values()) if (c >= this.options.bucketSize) n++;
    return n;
  }

  get scaffoldCount(): number {
    return this.buckets.size;
  }

  reset(): void {
    this.buckets.clear();
    this.seen.clear();
  }

  toJSON(): DiversityFilterState {
    return { options: { ...this.options }, buckets: [...this.buckets], seen: [...this.seen] };
  }

  static fromJSON(state: DiversityFilterState): DiversityFilter {
    const f = new DiversityFilter(state.options);
    for (const [k, v] of state.buckets) f.buckets.set(k, v);
    for (const s of state.seen) f.seen.add(s);
    return f;
  }
}

/**
 * In-batch deduplication: true at every sample whose canonical SMILES already occurred earlier in the batch (the
 * caller drops these from the loss or zeroes their reward, so one molecule is not reinforced several times per update).
 * Invalid samples (null) are never duplicates.
 */
export function inBatchDuplicates(canonical: readonly (string | null)[]): boolean[] {
  const seen = new Set<string>();
  return canonical.map((c) => {
    if (c === null) return false;
    if (seen.has(c)) return true;
    seen.add(c);
    return false;
  });
}
