// Browser side of `npm run pretrain`: trains a prior with our own code on WebGPU and hands its files to Node.
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend, type BackendName } from '../src/core/backend';
import { CharGru } from '../src/core/models/charGru';
import { widenGruValues } from '../src/core/models/widenGru';
import { initChem } from '../src/core/chem';
import { evaluateNll, pretrainMle } from '../src/core/pretrain';
import { parsePrior, priorStem, serializePrior } from '../src/core/priors';
import { buildVocabulary } from '../src/core/tasks/smilesTokenizer';
import { moleculesTokenizer } from '../src/core/tasks/molecules';
import { enumerateSmiles } from '../src/core/tasks/smilesEnumeration';
import { sequenceTask, type SequenceTask } from '../src/core/tasks/sequenceTasks';
import type { TaskId } from '../src/core/rewards/types';
import { fromBase64, toBase64 } from './base64';

interface PretrainRequest {
  task: TaskId;
  embedding: number;
  hidden: number;
  steps?: number;
  seed: number;
  backend?: BackendName;
  /** Stop at the first progress report after this many minutes of training. */
  minutes?: number;
  /** The training file's text (one example per line; a .smi line may carry a name after whitespace). */
  data?: string;
  /** Continue from these weights (a prior's manifest and its .bin in base64) instead of a fresh initialisation. */
  init?: { manifest: unknown; bin: string };
  /** Learning rate at the end of the run: cosine decay from the recipe's rate (over `minutes` if given, else `steps`). */
  finalLearningRate?: number;
  /** Starting learning rate instead of the task's recipe (a continued run starts lower: Adam's fresh moments make the first steps large). */
  learningRate?: number;
  /** Hand the weights to Node every this many minutes (window.rewardlabSaveSnapshot), so a stopped run leaves a result. */
  saveEveryMinutes?: number;
  /** Threads for tfjs-wasm's matrix products (the page must be cross-origin isolated for more than 1). */
  threads?: number;
  /** Molecules: add this many random SMILES of each training molecule (SMILES enumeration); the held-out set stays as read. */
  randomSmiles?: number;
}

type Snapshot = { stem: string; manifest: unknown; bin: string };
declare global {
  interface Window {
    rewardlabSaveSnapshot?: (snapshot: Snapshot) => Promise<void>;
  }
}

/** The training examples: the uploaded lines for molecules (checked against the shipped vocabulary), else the task's corpus. */
function trainingCorpus(task: SequenceTask, data: string | undefined): string[] {
  if (task.id !== 'molecules') return [...task.corpus()];
  if (!data) throw new Error('The molecules prior needs --data <file.smi>');
  const lines = data.split(/\r?\n/).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
  const dataVocab = buildVocabulary(lines).tokens;
  if (dataVocab.join(' ') !== task.tokenizer.vocab.join(' ')) {
    console.log(`the data's vocabulary differs from src/core/tasks/moleculesVocabulary.ts: ${JSON.stringify(dataVocab)}`);
  }
  const usable = lines.filter((s) => moleculesTokenizer.canEncode(s));
  console.log(`${lines.length} SMILES read, ${lines.length - usable.length} skipped (tokens outside the vocabulary)`);
  return usable;
}

/** The training SMILES with `count` random SMILES of each added (those the model can write: known tokens, short enough). */
async function withRandomSmiles(train: string[], count: number, maxLength: number, task: SequenceTask): Promise<string[]> {
  if (count === 0) return train;
  if (task.id !== 'molecules') throw new Error('--random-smiles is for the molecules task');
  const started = performance.now();
  const keep = (s: string) => moleculesTokenizer.canEncode(s) && moleculesTokenizer.encode(s).length < maxLength;
  const { examples, dropped } = enumerateSmiles(await initChem(), train, count, keep);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${train.length} training molecules + ${examples.length - train.length} random SMILES (${dropped} dropped: tokens outside the vocabulary or too long) in ${seconds} s`);
  return examples;
}

/**
 * Asks tfjs-wasm for `threads` threads. It takes half of navigator.hardwareConcurrency as the core count (it assumes
 * two hardware threads per core) and never uses more threads than that, so a 2-core machine would get 1: this page
 * reports twice the wanted count to it. It is a pretraining script's setting, never the app's.
 */
function useWasmThreads(threads: number): void {
  if (!crossOriginIsolated) throw new Error('More than one WASM thread needs a cross-origin isolated page (SharedArrayBuffer)');
  Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 * threads, configurable: true });
  setThreadsCount(threads);
}

async function run(req: PretrainRequest) {
  if ((req.threads ?? 1) > 1) useWasmThreads(req.threads!);
  const backend = await chooseBackend(req.backend);
  console.log(`backend ${backend.name} (${backend.reason})${backend.name === 'wasm' ? `, ${getThreadsCount()} thread(s)` : ''}`);
  const task = sequenceTask(req.task);
  // Words and Free text fetch their corpus (the built-in novel) on demand.
  await task.load?.();
  const recipe = { ...task.pretrain, steps: req.steps ?? task.pretrain.steps, learningRate: req.learningRate ?? task.pretrain.learningRate };
  const size = { vocab: task.tokenizer.vocab.length, embedding: req.embedding, hidden: req.hidden };
  const corpus = trainingCorpus(task, req.data);
  // Hold out every 20th example to report generalisation, not just training loss.
  const heldOut = corpus.filter((_, i) => i % 20 === 0);
  const train = await withRandomSmiles(corpus.filter((_, i) => i % 20 !== 0), req.randomSmiles ?? 0, recipe.maxLength, task);
  const init = req.init ? await parsePrior(req.init.manifest, fromBase64(req.init.bin)) : null;
  const previous = (init?.manifest.training ?? {}) as Record<string, unknown>;
  // A smaller --init (fewer hidden units, same vocabulary and embedding) is widened without changing its output.
  const widenedFrom = init && init.manifest.size.hidden < size.hidden ? init.manifest.size.hidden : undefined;
  if (init) {
    const s = init.manifest.size;
    if (s.vocab !== size.vocab || s.embedding !== size.embedding || s.hidden > size.hidden || init.manifest.task !== task.id) {
      throw new Error(`--init is a ${init.manifest.task} prior of size ${JSON.stringify(s)}, not ${task.id} ${JSON.stringify(size)} (nor smaller)`);
    }
    if (init.manifest.vocab.join(' ') !== task.tokenizer.vocab.join(' ')) throw new Error('--init has another vocabulary than this task');
    console.log(`continuing from a prior trained ${String(previous.steps ?? '?')} steps (${String(previous.seconds ?? '?')} s)`);
    if (widenedFrom) console.log(`widening it from ${widenedFrom} to ${size.hidden} hidden units (same output, new units start unread)`);
  }
  const initValues = init && widenedFrom ? widenGruValues(init.values, init.manifest.size, size.hidden, req.seed) : init?.values;
  const model = initValues ? CharGru.fromValues(size, initValues, true, 'pretrain') : CharGru.init(size, req.seed, true, 'pretrain');
  const started = performance.now();
  let last = { step: 0, loss: NaN };
  const deadline = req.minutes ? started + req.minutes * 60_000 : Infinity;
  const lr0 = recipe.learningRate;
  const lr1 = req.finalLearningRate ?? lr0;
  // Cosine decay from lr0 to lr1 over the wall-clock budget when there is one (the step count is then unknown).
  const progress = (step: number) => Math.min(1, req.minutes ? (performance.now() - started) / (req.minutes * 60_000) : step / recipe.steps);
  const learningRateAt = (step: number) => lr1 + ((lr0 - lr1) * (1 + Math.cos(Math.PI * progress(step)))) / 2;
  const trainingRecord = (steps: number, loss: number, extra: Record<string, unknown> = {}) => ({
    steps: steps + Number(previous.steps ?? 0),
    stepsThisRun: steps,
    lengthBuckets: recipe.lengthBuckets ?? false,
    batchSize: recipe.batchSize,
    learningRate: lr0,
    finalLearningRate: lr1,
    maxLength: recipe.maxLength,
    seed: req.seed,
    trainExamples: train.length,
    ...(req.randomSmiles ? { randomSmilesPerMolecule: req.randomSmiles } : {}),
    finalTrainLoss: loss,
    backend: backend.name,
    seconds: Math.round((performance.now() - started) / 1000) + Number(previous.seconds ?? 0),
    secondsThisRun: Math.round((performance.now() - started) / 1000),
    ...(init ? { continuedFrom: { steps: previous.steps, seconds: previous.seconds, sha256: init.manifest.sha256, ...(widenedFrom ? { hidden: widenedFrom } : {}) } } : {}),
    ...extra,
  });
  let nextSave = req.saveEveryMinutes ? started + req.saveEveryMinutes * 60_000 : Infinity;
  for await (const p of pretrainMle(model, train, task.tokenizer, { ...recipe, seed: req.seed, reportEvery: 100, learningRateAt })) {
    last = p;
    const lr = learningRateAt(p.step);
    console.log(`step ${p.step}/${recipe.steps} loss ${p.loss.toFixed(4)} lr ${lr.toExponential(2)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    if (performance.now() > nextSave && window.rewardlabSaveSnapshot) {
      const { manifest, bin } = await serializePrior(task.id, size, task.tokenizer.vocab, await model.readValues(), trainingRecord(p.step, p.loss, { snapshot: true }));
      await window.rewardlabSaveSnapshot({ stem: priorStem(task.id, size), manifest, bin: toBase64(bin) });
      nextSave = performance.now() + req.saveEveryMinutes! * 60_000;
    }
    if (performance.now() > deadline) {
      console.log(`time budget of ${req.minutes} min reached at step ${p.step}`);
      break;
    }
  }
  // At most 2,000 held-out examples: enough for a stable figure, quick on the slower backends.
  const heldOutNll = await evaluateNll(model, heldOut.slice(0, 2000), task.tokenizer, recipe.maxLength);
  console.log(`held-out NLL per token ${heldOutNll.toFixed(4)}`);
  const training = trainingRecord(last.step, last.loss, { heldOutExamples: Math.min(heldOut.length, 2000), heldOutNllPerToken: heldOutNll });
  const { manifest, bin } = await serializePrior(task.id, size, task.tokenizer.vocab, await model.readValues(), training);
  model.dispose();
  return { stem: priorStem(task.id, size), manifest, bin: toBase64(bin) };
}

(window as unknown as { rewardlabPretrain: typeof run }).rewardlabPretrain = run;
