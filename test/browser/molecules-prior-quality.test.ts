// The shipped molecules prior, measured as the README reports it: 1,000 samples at temperature 1 (seed 1, WASM, the
// same draws as `node scripts/pretrain-quality.mjs --samples 1000 --seed 1 [--syntax-guard on]`), scored by RDKit. A
// prior that samples worse than the one the README describes must not ship unnoticed.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { BloomFilter } from '../../src/core/chem/bloom';
import { initChem } from '../../src/core/chem/index';
import { moleculeMetrics, type MoleculeMetrics } from '../../src/core/chem/metrics';
import { TASK_DEFAULTS } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem } from '../../src/core/priors';
import { MOLECULES_TASK } from '../../src/core/tasks/sequenceTasks';
import { smilesTokenKinds } from '../../src/core/tasks/smilesSyntaxGuard';
import { sampleSmiles } from '../../scripts/sample-smiles';
import { bracketProblem } from '../../scripts/smiles-brackets';

const SIZE = { vocab: MOLECULES_TASK.tokenizer.vocab.length, ...TASK_DEFAULTS.molecules.model };
const SAMPLES = 1000;
let metrics: MoleculeMetrics;
let guarded: MoleculeMetrics;
let guardedSmiles: string[];

beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  const prior = await fetchPrior(`${location.origin}/`, priorStem('molecules', SIZE));
  if (!prior) throw new Error(`No shipped molecules prior of ${SIZE.hidden} hidden units in public/priors/index.json`);
  const model = CharGru.fromValues(prior.manifest.size, prior.values, false, 'quality');
  const { smiles } = await sampleSmiles(model, { samples: SAMPLES, seed: 1, temperature: 1 });
  model.syntaxGuard = smilesTokenKinds(prior.manifest.vocab);
  guardedSmiles = (await sampleSmiles(model, { samples: SAMPLES, seed: 1, temperature: 1 })).smiles;
  model.dispose();
  const bloom = BloomFilter.fromBytes(new Uint8Array(await (await fetch(`${location.origin}/priors/smiles-train.bloom`)).arrayBuffer()));
  const chem = await initChem();
  metrics = moleculeMetrics(chem, smiles, bloom);
  guarded = moleculeMetrics(chem, guardedSmiles, bloom);
  console.log(`shipped molecules prior h${SIZE.hidden}: validity ${metrics.validity}, uniqueness ${metrics.uniqueness}, novelty ${metrics.novelty}; with the syntax guard: validity ${guarded.validity}`);
}, 240_000);

describe(`the shipped molecules prior (${SIZE.hidden} hidden units), 1,000 samples at temperature 1`, () => {
  it('meets the uniqueness and novelty targets (≥ 95%, ≥ 80%)', () => {
    expect(metrics.generated).toBe(SAMPLES);
    expect(metrics.uniqueness).toBeGreaterThanOrEqual(0.95);
    expect(metrics.novelty).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps the validity the README reports (77% for these draws; the 90% target is not reached yet)', () => {
    expect(metrics.validity).toBeGreaterThanOrEqual(0.75);
  });

  it('with the syntax guard: every sample is bracket-sound and ended, and validity rises (78.7% for these draws)', () => {
    expect(guardedSmiles.filter((s) => bracketProblem(s) !== null)).toEqual([]);
    expect(guarded.validity).toBeGreaterThan(metrics.validity);
    expect(guarded.uniqueness).toBeGreaterThanOrEqual(0.95);
  });
});
