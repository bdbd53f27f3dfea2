// What every benchmark suite shares: timing with warm-up and repeats, and the shape of a result row.

export interface Figure {
  median_ms: number;
  p25_ms: number;
  p75_ms: number;
  min_ms: number;
  runs: number;
}

export interface BenchResult {
  workload: string;
  phase: string;
  backend: string;
  ours: Figure;
  naive: Figure & { method: string };
  /** naive median / ours median: above 1 means ours is faster. */
  ratio: number;
  /** Interquartile range over median, for each side: how much to trust the ratio. */
  spread: { ours: number; naive: number };
  notes?: string;
}

export interface Report {
  backend: string;
  add(result: BenchResult): void;
  log(message: string): void;
}

export interface MeasureOptions {
  warmup?: number;
  repeats?: number;
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Times `run` (which must include whatever waits for the work to finish) after `warmup` untimed calls. */
export async function measure(run: () => Promise<void>, { warmup = 3, repeats = 15 }: MeasureOptions = {}): Promise<Figure> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median_ms: quantile(times, 0.5), p25_ms: quantile(times, 0.25), p75_ms: quantile(times, 0.75), min_ms: times[0], runs: repeats };
}

export function compare(workload: string, phase: string, backend: string, ours: Figure, naive: Figure, method: string, notes?: string): BenchResult {
  const relativeSpread = (f: Figure) => (f.p75_ms - f.p25_ms) / f.median_ms;
  return {
    workload,
    phase,
    backend,
    ours,
    naive: { ...naive, method },
    ratio: naive.median_ms / ours.median_ms,
    spread: { ours: relativeSpread(ours), naive: relativeSpread(naive) },
    ...(notes ? { notes } : {}),
  };
}
