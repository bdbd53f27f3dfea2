// What every benchmark suite shares: timing with warm-up and repeats, and the shape of a result row.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

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

function summarize(times: number[]): Figure {
  const sorted = [...times].sort((a, b) => a - b);
  return { median_ms: quantile(sorted, 0.5), p25_ms: quantile(sorted, 0.25), p75_ms: quantile(sorted, 0.75), min_ms: sorted[0], runs: sorted.length };
}

/**
 * Times each variant (each run must include whatever waits for its work to finish), after `warmup` untimed
 * rounds. Variants take turns within every round, so a noisy, shared machine slows them all alike and the
 * ratios stay meaningful even when the absolute times drift.
 */
export async function measureInTurns<K extends string>(
  variants: Record<K, () => Promise<void>>,
  { warmup = 3, repeats = 15 }: MeasureOptions = {},
): Promise<Record<K, Figure>> {
  const names = Object.keys(variants) as K[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + repeats; round++) {
    for (const name of names) {
      const start = performance.now();
      await variants[name]();
      if (round >= warmup) times[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(times[n])])) as Record<K, Figure>;
}

/** Times one function the same way. */
export async function measure(run: () => Promise<void>, options: MeasureOptions = {}): Promise<Figure> {
  return (await measureInTurns({ run }, options)).run;
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

/** Flushes tfjs's pending dispatches and waits until the GPU has run them: a sync point with no readback. */
export async function gpuIdle(): Promise<void> {
  const gpu = tf.backend() as WebGPUBackend;
  gpu.ensureCommandEncoderReady();
  gpu.endComputePassEncoder();
  gpu.submitQueue();
  await gpu.device.queue.onSubmittedWorkDone();
}
