// A prior trained in the tab on the user's own molecules (.smi / .csv): either fine-tuned from the current prior or
// pretrained from scratch, by maximum likelihood (src/core/pretrain.ts), in the Worker with progress reports.
// The file is size-checked before it is read; junk lines are counted and reported, the rest is used
// (src/core/tasks/smilesData.ts). The session owns the run; this file holds the steps, with the session's hooks.
import { initChem } from '../chem/index';
import { CharGru, type GruSize } from '../models/charGru';
import { pretrainMle } from '../pretrain';
import { checkUploadSize, DEFAULT_MAX_UPLOAD_BYTES, parseMoleculeFile, UploadError } from './smilesData';
import type { SequenceTask } from './sequenceTasks';

export type UploadMode = 'finetune' | 'new';

export type UploadOutcome =
  | { ok: true; summary: string; molecules: number; junkLines: number; steps: number; loss: number }
  | { ok: false; message: string };

/** Passes over the uploaded molecules, and the most steps a run takes (a large file stops early). */
const EPOCHS: Record<UploadMode, number> = { finetune: 2, new: 5 };
const MAX_STEPS: Record<UploadMode, number> = { finetune: 400, new: 2000 };
/** Fine-tuning starts from a trained model: a smaller step than pretraining's. */
const FINETUNE_LEARNING_RATE_FACTOR = 0.25;
/** Fewer molecules than this cannot teach a model SMILES grammar from scratch. */
export const MIN_MOLECULES_FOR_NEW = 200;
export const MIN_MOLECULES_FOR_FINETUNE = 10;

/** Optimiser steps for `molecules` examples at `batchSize`: EPOCHS passes, at least 1, at most MAX_STEPS. */
export function uploadSteps(mode: UploadMode, molecules: number, batchSize: number): number {
  return Math.max(1, Math.min(MAX_STEPS[mode], Math.ceil((EPOCHS[mode] * molecules) / batchSize)));
}

export interface UploadHost {
  task: SequenceTask;
  size: GruSize;
  seed: number;
  /** The prior the run uses now (fine-tuning starts from it). */
  currentPrior(): Promise<Record<string, Float32Array>>;
  report(message: string, progress: number): void;
}

/**
 * Reads, checks and trains. Resolves with the new prior's weights and what to tell the user, or with ok: false and a
 * message (nothing changed then). Throws only on unexpected failures.
 */
export async function trainPriorOnUpload(
  file: Blob,
  fileName: string,
  mode: UploadMode,
  host: UploadHost,
): Promise<{ outcome: UploadOutcome; values?: Record<string, Float32Array> }> {
  const refuse = (message: string) => ({ outcome: { ok: false as const, message } });
  if (host.task.id !== 'molecules') return refuse('Uploading molecules needs the Molecules task; choose it first.');
  const tooBig = checkUploadSize(file.size, DEFAULT_MAX_UPLOAD_BYTES);
  if (tooBig) return refuse(tooBig);
  const recipe = host.task.pretrain;
  host.report(`Reading ${fileName}`, 0);
  const chem = await initChem();
  let parsed;
  try {
    parsed = await parseMoleculeFile(await file.text(), {
      fileName,
      maxTokens: recipe.maxLength - 1,
      vocabulary: new Set(host.task.tokenizer.vocab),
      isValid: (s) => chem.isValid(s),
    });
  } catch (err) {
    if (err instanceof UploadError) return refuse(err.message);
    throw err;
  }
  const minimum = mode === 'new' ? MIN_MOLECULES_FOR_NEW : MIN_MOLECULES_FOR_FINETUNE;
  if (parsed.smiles.length < minimum) {
    const what = mode === 'new' ? 'pretrain a new prior' : 'fine-tune the prior';
    return refuse(`${parsed.summary}. That is too few to ${what}: at least ${minimum} valid molecules are needed. Nothing was changed.`);
  }
  const steps = uploadSteps(mode, parsed.smiles.length, recipe.batchSize);
  const learningRate = mode === 'finetune' ? recipe.learningRate * FINETUNE_LEARNING_RATE_FACTOR : recipe.learningRate;
  const model = mode === 'finetune' ? CharGru.fromValues(host.size, await host.currentPrior(), true, 'upload') : CharGru.init(host.size, host.seed, true, 'upload');
  const verb = mode === 'finetune' ? 'Fine-tuning the prior' : 'Pretraining a new prior';
  try {
    let loss = NaN;
    host.report(`${verb} on ${parsed.summary}: step 0/${steps}`, 0);
    for await (const p of pretrainMle(model, parsed.smiles, host.task.tokenizer, { ...recipe, steps, learningRate, seed: host.seed, reportEvery: Math.min(20, steps) })) {
      loss = p.loss;
      host.report(`${verb} on ${parsed.summary}: step ${p.step}/${steps}, loss ${p.loss.toFixed(3)}`, p.step / steps);
    }
    const values = await model.readValues();
    return {
      values,
      outcome: { ok: true, summary: parsed.summary, molecules: parsed.smiles.length, junkLines: parsed.junkCount, steps, loss },
    };
  } finally {
    model.dispose();
  }
}
