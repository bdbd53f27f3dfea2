// REINVENT on the molecule task, from the shipped SMILES prior, on fixed seeds.
// These run on the WASM backend: the algorithm is backend-independent tfjs code, the sampler runs its CPU twin there
// (paired with the WGSL kernels in kernels-*.test.ts), and on this GPU-less machine WASM is ~10x faster than WebGPU on
// SwiftShader, which keeps each learning test within about two minutes. The WebGPU path is the product's and is covered
// by learning-names.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import { BloomFilter } from '../../src/core/chem/bloom';
import { initChem, type Chem } from '../../src/core/chem/index';
import { parseConfig, TASK_DEFAULTS } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem, type Prior } from '../../src/core/priors';
import { MOLECULES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer, TrainingFault, type UpdateResult } from '../../src/core/trainer';

const SIZE = { vocab: MOLECULES_TASK.tokenizer.vocab.length, ...TASK_DEFAULTS.molecules.model };
let prior: Prior;
let chem: Chem;
let bloom: BloomFilter;

beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  const found = await fetchPrior(`${location.origin}/`, priorStem('molecules', SIZE));
  if (!found) throw new Error('No shipped molecules prior: run `npm run pretrain -- molecules --data ../shared/data/smiles/train.smi --hidden ${SIZE.hidden}`');
  prior = found;
  expect(prior.manifest.vocab).toEqual(MOLECULES_TASK.tokenizer.vocab);
  chem = await initChem();
  bloom = BloomFilter.fromBytes(new Uint8Array(await (await fetch(`${location.origin}/priors/smiles-train.bloom`)).arrayBuffer()));
});

function trainer(config: object, values?: Record<string, Float32Array>) {
  const parsed = parseConfig({ task: 'molecules', seed: 5, batchSize: 64, algorithm: { name: 'reinvent' }, ...config });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const policy = values ? CharGru.fromValues(SIZE, values, true, 'policy') : CharGru.init(SIZE, 1, true, 'policy');
  const frozen = values ? CharGru.fromValues(SIZE, values, false, 'prior') : CharGru.init(SIZE, 1, false, 'prior');
  const t = new SequenceTrainer(parsed.config, MOLECULES_TASK, policy, frozen);
  t.setNoveltySet(bloom);
  return t;
}

const mean = (x: number[]) => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0);
const validSmiles = (r: UpdateResult) => r.samples.map((s) => s.text).filter((s) => chem.isValid(s));
/** Mean QED of the valid samples of an update (measured with RDKit here, not read from the reward). */
const meanQed = (r: UpdateResult) => mean(validSmiles(r).map((s) => chem.qed(s) ?? 0));
/** Share of the valid samples whose Crippen logP lies in [low, high]. */
const inWindow = (low: number, high: number) => (r: UpdateResult) => {
  const valid = validSmiles(r);
  return valid.length ? valid.filter((s) => ((x) => x !== null && x >= low && x <= high)(chem.crippenLogP(s))).length / valid.length : 0;
};

async function run(t: SequenceTrainer, updates: number, score: (r: UpdateResult) => number) {
  const scores: number[] = [];
  const results: UpdateResult[] = [];
  for (let u = 0; u < updates; u++) {
    const r = await t.update();
    results.push(r);
    scores.push(score(r));
  }
  const last = results[results.length - 1].metrics.diagnostics ?? {};
  return { first: mean(scores.slice(0, 3)), final: mean(scores.slice(-3)), scores, last, results };
}

describe('REINVENT mechanics on molecules (WASM)', () => {
  it('reports the molecule metrics, replays, keeps the tensor count flat, and refuses an invalid SMARTS', async () => {
    const t = trainer({ batchSize: 16, maxLength: 40 }, prior.values);
    await t.update();
    const before = tf.memory().numTensors;
    const r = await t.update();
    await t.update();
    expect(tf.memory().numTensors).toBe(before);
    const d = r.metrics.diagnostics!;
    for (const k of ['validity', 'uniqueness', 'novelty', 'internalDiversity', 'uniqueScaffolds', 'scoreMean', 'scoreTop', 'augmentedLogLik', 'replayed']) {
      expect(Number.isFinite(d[k]), `diagnostics.${k}`).toBe(true);
    }
    expect(d.validity).toBeGreaterThan(0);
    expect(d.replayed).toBeGreaterThan(0); // the memory holds the first update's molecules
    t.dispose();

    const bad = trainer({ batchSize: 4, maxLength: 20, rewards: [{ id: 'substructure', weight: 1, params: { smarts: 'c1ccc(' } }] }, prior.values);
    await expect(bad.update()).rejects.toThrow(TrainingFault);
    await expect(bad.update()).rejects.toThrow(/rewards\.0\.params\.smarts/);
    bad.dispose();
  });
});

describe('REINVENT learns from the shipped prior (WASM, seed 5, batch 64)', () => {
  it('raises the mean QED of valid samples (QED preset)', async () => {
    const t = trainer({ rewards: [{ id: 'qed', weight: 1 }], learningRate: 5e-4 }, prior.values);
    const r = await run(t, UPDATES, meanQed);
    console.log(
      `QED preset: mean QED of valid samples ${r.first.toFixed(3)} → ${r.final.toFixed(3)} in ${UPDATES} updates; ` +
        `validity ${r.last.validity?.toFixed(2)}, uniqueness ${r.last.uniqueness?.toFixed(2)}, novelty ${r.last.novelty?.toFixed(2)}; per update ${r.scores.map((x) => x.toFixed(2)).join(" ")}`,
    );
    expect(r.final).toBeGreaterThan(r.first + QED_GAIN);
    expect(r.last.validity).toBeGreaterThan(0.5);
    t.dispose();
  });

  it('raises the share of valid samples inside the logP window (logP preset)', async () => {
    // A hard window (softness 0): molecules just outside it score 0, which gives REINVENT a clear contrast.
    const score = inWindow(1, 3);
    const t = trainer({ rewards: [{ id: 'logp_window', weight: 1, params: { low: 1, high: 3, softness: 0 } }], learningRate: 5e-4 }, prior.values);
    const r = await run(t, UPDATES, score);
    console.log(
      `logP preset: share of valid samples with logP in [1, 3] ${r.first.toFixed(3)} → ${r.final.toFixed(3)} in ${UPDATES} updates; ` +
        `validity ${r.last.validity?.toFixed(2)}; per update ${r.scores.map((x) => x.toFixed(2)).join(' ')}`,
    );
    expect(r.final).toBeGreaterThan(r.first + WINDOW_GAIN);
    t.dispose();
  });
});

// Budget: a CI-friendly number of updates (about two minutes each on two shared cores), and the gains they reach.
const UPDATES = 25;
const QED_GAIN = 0.03;
const WINDOW_GAIN = 0.1;
