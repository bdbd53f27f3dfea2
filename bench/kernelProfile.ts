// Which kernels take the GPU time inside one run, from tf.profile (on WebGPU it times every program with timestamp
// queries when the adapter offers them; SwiftShader does). Set against the run's wall time it also says how much of
// that time is not kernel work at all (dispatch overhead, readbacks, JS). Profiling puts every program in its own
// pass, so the profiled run is slower than a timed one: read the shares, not the absolute times.
import * as tf from '@tensorflow/tfjs';

export interface KernelProfile {
  wall_ms: number;
  /** Sum of all kernel times; NaN when the backend could not time kernels. */
  kernel_ms: number;
  kernels: number;
  /** Kernel time by "name [first input shape]", largest first, the rest summed as "other". */
  top_ms: Record<string, number>;
}

async function kernelTime(value: unknown): Promise<number> {
  const resolved = await value;
  return typeof resolved === 'number' ? resolved : NaN;
}

export async function profileKernels(run: () => Promise<void>, keep = 8): Promise<KernelProfile> {
  const start = performance.now();
  const info = await tf.profile(run);
  const wall = performance.now() - start;
  const byKernel = new Map<string, number>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = await kernelTime(k.kernelTimeMs);
    const key = `${k.name} [${k.inputShapes[0]?.join(',') ?? ''}]`;
    byKernel.set(key, (byKernel.get(key) ?? 0) + ms);
    total += ms;
  }
  const sorted = [...byKernel.entries()].sort((a, b) => b[1] - a[1]);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const top = Object.fromEntries(sorted.slice(0, keep).map(([k, ms]) => [k, round(ms)]));
  const rest = sorted.slice(keep).reduce((sum, [, ms]) => sum + ms, 0);
  return { wall_ms: round(wall), kernel_ms: round(total), kernels: info.kernels.length, top_ms: rest > 0 ? { ...top, other: round(rest) } : top };
}
