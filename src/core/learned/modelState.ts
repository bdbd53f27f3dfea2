// A learned reward model's weights and Adam slots as named tensors, for checkpoints: "<model>/w/<weight>" and
// "<model>/adam/<i>:<slot>". Restoring checks everything first and changes nothing when a tensor is missing or does not
// fit, so a bad section costs only that model (it is then refitted from the labels) and never the run.
import * as tf from '@tensorflow/tfjs';
import type { SerializedTensor } from '../checkpoints/types';
import { exportAdamSlots, importAdamSlots } from '../training/adamState';

export type LearnedModelName = 'rewardModel' | 'discriminator';
/** A model's variables by weight name (CharGru.weights, PainterPolicy.weights). */
type NamedVariables = object;
const entriesOf = (weights: NamedVariables) => Object.entries(weights) as [string, tf.Variable][];

export async function saveLearnedModel(model: LearnedModelName, weights: NamedVariables, optimizer: tf.AdamOptimizer): Promise<SerializedTensor[]> {
  const out: SerializedTensor[] = [];
  for (const [name, variable] of entriesOf(weights)) {
    out.push({ name: `${model}/w/${name}`, shape: [...variable.shape], dtype: 'float32', data: Float32Array.from(await variable.data()) });
  }
  for (const slot of await exportAdamSlots(optimizer)) out.push({ ...slot, name: `${model}/adam/${slot.name}` });
  return out;
}

/** Whether any tensor of this model was saved. */
export function hasLearnedModel(model: LearnedModelName, saved: readonly SerializedTensor[]): boolean {
  return saved.some((t) => t.name.startsWith(`${model}/`));
}

/**
 * Restores a model saved by saveLearnedModel. Returns null when it was restored, or why it was not (nothing was
 * changed then). Adam has one step counter and two moments per variable, or no slots before its first step.
 */
export async function restoreLearnedModel(
  model: LearnedModelName,
  weights: NamedVariables,
  optimizer: tf.AdamOptimizer,
  saved: readonly SerializedTensor[],
): Promise<string | null> {
  const byName = new Map(saved.map((t) => [t.name, t]));
  const values: [tf.Variable, SerializedTensor][] = [];
  for (const [name, variable] of entriesOf(weights)) {
    const t = byName.get(`${model}/w/${name}`);
    if (!t) return `weight "${name}" is missing`;
    if (t.dtype !== 'float32' || t.shape.join('x') !== variable.shape.join('x')) return `weight "${name}" has shape [${t.shape.join(', ')}], the model needs [${variable.shape.join(', ')}]`;
    if (!t.data.every(Number.isFinite)) return `weight "${name}" holds NaN or infinite values`;
    values.push([variable, t]);
  }
  const slots = saved.filter((t) => t.name.startsWith(`${model}/adam/`)).map((t) => ({ ...t, name: t.name.slice(`${model}/adam/`.length) }));
  const variables = values.length;
  if (slots.length !== 0 && slots.length !== 1 + 2 * variables) return `its optimizer state has ${slots.length} slots, expected ${1 + 2 * variables}`;
  // Slots are [step count, first moments…, second moments…], each moment shaped like its variable.
  const ordered = [...slots].sort((a, b) => parseInt(a.name) - parseInt(b.name));
  for (let k = 1; k < ordered.length; k++) {
    const variable = values[(k - 1) % variables][0];
    if (ordered[k].shape.join('x') !== variable.shape.join('x')) return `its optimizer slot ${k} does not fit weight ${(k - 1) % variables}`;
  }
  tf.tidy(() => values.forEach(([variable, t]) => variable.assign(tf.tensor(t.data, t.shape))));
  await importAdamSlots(optimizer, slots);
  return null;
}
