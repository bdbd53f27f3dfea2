// Adam as every trainer uses it: changing the learning rate without losing the moments, and saving / restoring its
// slots for checkpoints.
import * as tf from '@tensorflow/tfjs';
import type { SerializedTensor } from '../checkpoints/types';
import type { FusedAdam } from './fusedAdam';

/** tfjs's Adam (the learned reward models) or ours (the policies): the same learning-rate field and slot layout. */
type AnyAdam = tf.AdamOptimizer | FusedAdam;

/** Both Adams read their learning rate on every step; setting it keeps the moment estimates (a new optimizer would not). */
export function setAdamLearningRate(optimizer: AnyAdam, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

export function adamLearningRate(optimizer: AnyAdam): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/** Adam's slots as plain tensors. They are matched to variables by position, so the order is kept in the names ("i:name"). */
export async function exportAdamSlots(optimizer: AnyAdam): Promise<SerializedTensor[]> {
  const slots = await optimizer.getWeights();
  // tfjs's Adam hands out its live moment variables (they stay the optimizer's) and a fresh "iter"; ours hands out
  // fresh copies. So: dispose whatever is not a variable. (A class test would not do: tfjs gives tf.Optimizer a
  // Symbol.hasInstance that every optimizer passes.)
  return Promise.all(
    slots.map(async ({ name, tensor }, i) => {
      const dtype = tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const);
      const data = (await tensor.data()) as Float32Array | Int32Array;
      if (!(tensor instanceof tf.Variable)) tensor.dispose();
      return { name: `${i}:${name}`, shape: tensor.shape, dtype, data };
    }),
  );
}

/** Restores slots saved by exportAdamSlots (nothing to do for a checkpoint saved before the first step). */
export async function importAdamSlots(optimizer: AnyAdam, saved: readonly SerializedTensor[]): Promise<void> {
  if (!saved.length) return;
  const sorted = [...saved].sort((a, b) => parseInt(a.name) - parseInt(b.name));
  await optimizer.setWeights(sorted.map((t) => ({ name: t.name.slice(t.name.indexOf(':') + 1), tensor: tf.tensor(t.data, t.shape, t.dtype) })));
}
