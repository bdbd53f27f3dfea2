// A prior trained in the tab on the user's own data: molecules (.smi / .csv) for the Molecules task, text (pasted or a
// .txt file) for Free text. Either fine-tuned from the current prior or pretrained from scratch, by maximum likelihood
// (src/core/pretrain.ts), in the Worker with progress reports. The file is size-checked before it is read; junk lines
// or characters are counted and reported, the rest is used (src/core/tasks/smilesData.ts, textUpload.ts).
// The session owns the run; this file holds the steps, with the session's hooks.
import { initChem } from '../chem/index';
import { CharGru, type GruSize } from '../models/charGru';
import { pretrainMle } from '../pretrain';
import { checkUploadSize, DEFAULT_MAX_UPLOAD_BYTES, parseMoleculeFile, UploadError } from './smilesData';
import type { SequenceTask } from './sequenceTasks';
import { textSizeProblem, type CorpusPreview } from './textData';
import { parseOwnText } from './textUpload';

export type UploadMode = 'finetune' | 'new';

export type UploadOutcome =
  | { ok: true; summary: string; molecules: number; junkLines: number; steps: number; loss: number; examples: number }
  | { ok: false; message: string };

/** Passes over the uploaded molecules, and the most steps a run takes (a large file stops early). */
const EPOCHS: Record<UploadMode, number> = { finetune: 2, new: 5 };
const MAX_STEPS: Record<UploadMode, number> = { finetune: 400, new: 2000 };
/** Fine-tuning starts from a trained model: a smaller step than pretraining's. */
const FINETUNE_LEARNING_RATE_FACTOR = 0.25;
/** Fewer molecules than this cannot teach a model SMILES grammar from scratch. */
export const MIN_MOLECULES_FOR_NEW = 200;
export const MIN_MOLECULES_FOR_FINETUNE = 10;
/** The same floors for text examples (sentences or clauses of up to 63 characters). */
export const MIN_TEXT_FOR_NEW = 200;
export const MIN_TEXT_FOR_FINETUNE = 10;

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
): Promise<{
  outcome: UploadOutcome;
  values?: Record<string, Float32Array>;
  text?: { examples: string[]; preview: CorpusPreview };
  /** The molecules used, as read and in RDKit's canonical form (for the novelty metric). */
  molecules?: { examples: string[]; canonical: string[] };
}> {
  const refuse = (message: string) => ({ outcome: { ok: false as const, message } });
  if (host.task.id !== 'molecules' && host.task.id !== 'text') return refuse('Uploading data needs the Molecules task or the Free text task; choose one first.');
  const recipe = host.task.pretrain;
  host.report(`Reading ${fileName}`, 0);
  const parsed = host.task.id === 'text' ? await readText(file) : await readMolecules(file, fileName, host.task);
  if ('refusal' in parsed) return refuse(parsed.refusal);
  const minimum = host.task.id === 'text' ? (mode === 'new' ? MIN_TEXT_FOR_NEW : MIN_TEXT_FOR_FINETUNE) : mode === 'new' ? MIN_MOLECULES_FOR_NEW : MIN_MOLECULES_FOR_FINETUNE;
  if (parsed.examples.length < minimum) {
    const what = mode === 'new' ? 'pretrain a new prior' : 'fine-tune the prior';
    const unit = host.task.id === 'text' ? 'examples (sentences or clauses)' : 'valid molecules';
    return refuse(`${parsed.summary}. That is too few to ${what}: at least ${minimum} ${unit} are needed. Nothing was changed.`);
  }
  const steps = uploadSteps(mode, parsed.examples.length, recipe.batchSize);
  const learningRate = mode === 'finetune' ? recipe.learningRate * FINETUNE_LEARNING_RATE_FACTOR : recipe.learningRate;
  const model = mode === 'finetune' ? CharGru.fromValues(host.size, await host.currentPrior(), true, 'upload') : CharGru.init(host.size, host.seed, true, 'upload');
  const verb = mode === 'finetune' ? 'Fine-tuning the prior' : 'Pretraining a new prior';
  try {
    let loss = NaN;
    host.report(`${verb} on ${parsed.summary}: step 0/${steps}`, 0);
    for await (const p of pretrainMle(model, parsed.examples, host.task.tokenizer, { ...recipe, steps, learningRate, seed: host.seed, reportEvery: Math.min(20, steps) })) {
      loss = p.loss;
      host.report(`${verb} on ${parsed.summary}: step ${p.step}/${steps}, loss ${p.loss.toFixed(3)}`, p.step / steps);
    }
    const values = await model.readValues();
    const examples = parsed.examples.length;
    return {
      values,
      outcome: { ok: true, summary: parsed.summary, molecules: host.task.id === 'molecules' ? examples : 0, junkLines: parsed.junk, steps, loss, examples },
      ...(parsed.preview ? { text: { examples: parsed.examples, preview: parsed.preview } } : {}),
      ...(parsed.canonical ? { molecules: { examples: parsed.examples, canonical: parsed.canonical } } : {}),
    };
  } finally {
    model.dispose();
  }
}

interface ReadData {
  examples: string[];
  summary: string;
  /** Junk lines (molecules) or non-printable characters (text). */
  junk: number;
  preview?: CorpusPreview;
  canonical?: string[];
}

async function readMolecules(file: Blob, fileName: string, task: SequenceTask): Promise<ReadData | { refusal: string }> {
  const tooBig = checkUploadSize(file.size, DEFAULT_MAX_UPLOAD_BYTES);
  if (tooBig) return { refusal: tooBig };
  const chem = await initChem();
  try {
    const parsed = await parseMoleculeFile(await file.text(), {
      fileName,
      maxTokens: task.pretrain.maxLength - 1,
      vocabulary: new Set(task.tokenizer.vocab),
      isValid: (s) => chem.isValid(s),
    });
    // Every line kept is valid, so each has a canonical form (RDKit caches it from the validity check).
    const canonical = parsed.smiles.map((s) => chem.canonical(s) ?? s);
    return { examples: parsed.smiles, summary: parsed.summary, junk: parsed.junkCount, canonical };
  } catch (err) {
    if (err instanceof UploadError) return { refusal: err.message };
    throw err;
  }
}

/** Pasted or uploaded text: the size is checked before the file is read. */
async function readText(file: Blob): Promise<ReadData | { refusal: string }> {
  const tooBig = textSizeProblem(file.size);
  if (tooBig) return { refusal: tooBig };
  try {
    const parsed = parseOwnText(await file.text(), file.size);
    return { examples: parsed.examples, summary: parsed.summary, junk: parsed.junk, preview: parsed.preview };
  } catch (err) {
    return { refusal: err instanceof Error ? err.message : String(err) };
  }
}
