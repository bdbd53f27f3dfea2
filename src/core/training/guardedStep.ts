// One guarded optimiser step for trainers built on plain tf.Variables (the painter): the gradient, its global norm and
// every reported number come back in ONE readback; if any is NaN or infinite the step is refused (TrainingFault) before
// it touches the weights; otherwise the gradient is clipped to a global norm (Pascanu et al. 2013) and Adam steps.
// The same contract as SequenceTrainer's gradient step, written against a variable list rather than the GRU.
import * as tf from '@tensorflow/tfjs';
import type { FusedAdam } from './fusedAdam';
import { globalNorm } from './globalNorm';
import { TrainingFault } from './types';

export interface GuardedStepOptions {
  variables: tf.Variable[];
  optimizer: FusedAdam;
  /** Clip to this global norm; 0 = off. */
  gradClip: number;
  /** The update number shown in a refusal message. */
  update: number;
  /** Extra values read back with the scalars (display data), flattened. */
  display?: tf.Tensor;
}

export async function guardedStep(
  lossFn: () => { loss: tf.Scalar; report: Record<string, tf.Scalar> },
  opts: GuardedStepOptions,
): Promise<{ numbers: Record<string, number>; display: Float32Array | null }> {
  const report: Record<string, tf.Scalar> = {};
  const { value: loss, grads } = tf.variableGrads(() => {
    const out = lossFn();
    for (const [k, t] of Object.entries(out.report)) report[k] = tf.keep(t);
    return out.loss;
  }, opts.variables);
  const norm = globalNorm(grads);
  const names = ['loss', 'gradNorm', ...Object.keys(report)];
  const packed = tf.tidy(() => tf.concat([tf.stack([loss, norm, ...Object.values(report)]), ...(opts.display ? [tf.reshape(opts.display, [-1])] : [])]));
  const all = (await packed.data()) as Float32Array;
  tf.dispose([packed, loss, ...Object.values(report)]);
  const values = Array.from(all.subarray(0, names.length));
  const numbers = Object.fromEntries(names.map((n, i) => [n, values[i]]));
  if (!values.every(Number.isFinite)) {
    tf.dispose([norm, ...Object.values(grads)]);
    const bad = names.filter((n) => !Number.isFinite(numbers[n]));
    throw new TrainingFault(
      `Update ${opts.update} was rejected: its ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} NaN or infinite. The weights from before it are kept.`,
      'Lower the learning rate (or the reward weights) and press Train again.',
    );
  }
  tf.tidy(() => {
    const scale = opts.gradClip > 0 ? tf.minimum(1, tf.div(opts.gradClip, tf.add(norm, 1e-6))) : tf.scalar(1);
    opts.optimizer.applyGradients(grads, scale);
  });
  tf.dispose([norm, ...Object.values(grads)]);
  return { numbers, display: opts.display ? all.slice(names.length) : null };
}
