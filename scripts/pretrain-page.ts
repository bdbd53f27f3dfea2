// Browser side of `npm run pretrain`: trains a prior with our own code on WebGPU and hands its files to Node.
import { chooseBackend, type BackendName } from '../src/core/backend';
import { CharGru } from '../src/core/models/charGru';
import { evaluateNll, pretrainMle } from '../src/core/pretrain';
import { priorStem, serializePrior } from '../src/core/priors';
import { buildVocabulary } from '../src/core/tasks/smilesTokenizer';
import { moleculesTokenizer } from '../src/core/tasks/molecules';
import { sequenceTask, type SequenceTask } from '../src/core/tasks/sequenceTasks';
import type { TaskId } from '../src/core/rewards/types';

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

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function run(req: PretrainRequest) {
  const backend = await chooseBackend(req.backend);
  console.log(`backend ${backend.name} (${backend.reason})`);
  const task = sequenceTask(req.task);
  const recipe = { ...task.pretrain, steps: req.steps ?? task.pretrain.steps };
  const size = { vocab: task.tokenizer.vocab.length, embedding: req.embedding, hidden: req.hidden };
  const corpus = trainingCorpus(task, req.data);
  // Hold out every 20th example to report generalisation, not just training loss.
  const heldOut = corpus.filter((_, i) => i % 20 === 0);
  const train = corpus.filter((_, i) => i % 20 !== 0);
  const model = CharGru.init(size, req.seed, true, 'pretrain');
  const started = performance.now();
  let last = { step: 0, loss: NaN };
  const deadline = req.minutes ? started + req.minutes * 60_000 : Infinity;
  for await (const p of pretrainMle(model, train, task.tokenizer, { ...recipe, seed: req.seed, reportEvery: 100 })) {
    last = p;
    console.log(`step ${p.step}/${recipe.steps} loss ${p.loss.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    if (performance.now() > deadline) {
      console.log(`time budget of ${req.minutes} min reached at step ${p.step}`);
      break;
    }
  }
  // At most 2,000 held-out examples: enough for a stable figure, quick on the slower backends.
  const heldOutNll = await evaluateNll(model, heldOut.slice(0, 2000), task.tokenizer, recipe.maxLength);
  console.log(`held-out NLL per token ${heldOutNll.toFixed(4)}`);
  const training = {
    steps: last.step,
    lengthBuckets: recipe.lengthBuckets ?? false,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    maxLength: recipe.maxLength,
    seed: req.seed,
    trainExamples: train.length,
    heldOutExamples: Math.min(heldOut.length, 2000),
    finalTrainLoss: last.loss,
    heldOutNllPerToken: heldOutNll,
    backend: backend.name,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  const { manifest, bin } = await serializePrior(task.id, size, task.tokenizer.vocab, await model.readValues(), training);
  model.dispose();
  return { stem: priorStem(task.id, size), manifest, bin: toBase64(bin) };
}

(window as unknown as { rewardlabPretrain: typeof run }).rewardlabPretrain = run;
