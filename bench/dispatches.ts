// Counting GPU programs: on a software GPU each dispatch has a fixed cost, so how many a run issues (and which
// programs issue them) is what bounds most of the suites' figures. Shared by every suite that reports it.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export interface DispatchCount {
  count: number;
  /** Programs by kind (tfjs's program class, or the shader key of our own object-literal programs), most first. */
  byProgram: Record<string, number>;
}

function programKind(program: { constructor: { name: string }; shaderKey: string }): string {
  const name = program.constructor.name;
  return name && name !== 'Object' ? name : program.shaderKey.replace(/_\d.*$/, '');
}

/** GPU programs dispatched while `run` executes (by wrapping backend.runWebGPUProgram). */
export async function countDispatches(run: () => Promise<void>): Promise<DispatchCount> {
  const gpu = tf.backend() as WebGPUBackend;
  const original = gpu.runWebGPUProgram;
  const counts = new Map<string, number>();
  let count = 0;
  gpu.runWebGPUProgram = function (this: WebGPUBackend, ...args: Parameters<WebGPUBackend['runWebGPUProgram']>) {
    count++;
    const kind = programKind(args[0] as unknown as { constructor: { name: string }; shaderKey: string });
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    gpu.runWebGPUProgram = original;
  }
  const byProgram = Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]));
  return { count, byProgram };
}

/** The programs issuing most dispatches, for the JSON (the rest summed as "other"). */
export function topPrograms(byProgram: Record<string, number>, keep = 8): Record<string, number> {
  const entries = Object.entries(byProgram);
  const top = Object.fromEntries(entries.slice(0, keep));
  const rest = entries.slice(keep).reduce((sum, [, n]) => sum + n, 0);
  return rest > 0 ? { ...top, other: rest } : top;
}
