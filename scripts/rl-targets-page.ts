// Browser side of `node scripts/rl-targets.mjs`: REINVENT from a molecules prior on the presets, measured with
// RDKit after every update (mean QED of the valid samples, share of valid samples with logP in the window, validity,
// uniqueness), until the update budget or the time budget runs out.
import { chooseBackend, type BackendName } from '../src/core/backend';
import { BloomFilter } from '../src/core/chem/bloom';
import { initChem } from '../src/core/chem/index';
import { parseConfig } from '../src/core/config';
import { CharGru } from '../src/core/models/charGru';
import { fetchPrior, parsePrior } from '../src/core/priors';
import { MOLECULES_TASK, syntaxGuardFor } from '../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../src/core/trainer';
import { fromBase64 } from './base64';

interface TargetsRequest {
  preset: 'qed' | 'logp';
  updates: number;
  minutes: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  backend?: BackendName;
  stem: string;
  /** molecules.syntaxGuard of the run's config. */
  syntaxGuard: 'on' | 'off';
  files?: { manifest: unknown; bin: string };
}

const PRESETS = {
  qed: [{ id: 'qed', weight: 1 }],
  logp: [{ id: 'logp_window', weight: 1, params: { low: 1, high: 3, softness: 0 } }],
};

const mean = (x: number[]) => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0);

async function run(req: TargetsRequest) {
  const backend = await chooseBackend(req.backend);
  const prior = req.files ? await parsePrior(req.files.manifest, fromBase64(req.files.bin)) : await fetchPrior(`${location.origin}/`, req.stem);
  if (!prior) throw new Error(`No shipped prior ${req.stem}`);
  const parsed = parseConfig({
    task: 'molecules',
    seed: req.seed,
    batchSize: req.batchSize,
    learningRate: req.learningRate,
    algorithm: { name: 'reinvent' },
    rewards: PRESETS[req.preset],
    molecules: { syntaxGuard: req.syntaxGuard },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const size = prior.manifest.size;
  const policy = CharGru.fromValues(size, prior.values, true, 'policy');
  const priorModel = CharGru.fromValues(size, prior.values, false, 'prior');
  policy.syntaxGuard = priorModel.syntaxGuard = syntaxGuardFor(parsed.config, MOLECULES_TASK);
  const trainer = new SequenceTrainer(parsed.config, MOLECULES_TASK, policy, priorModel);
  const chem = await initChem();
  trainer.setNoveltySet(BloomFilter.fromBytes(new Uint8Array(await (await fetch(`${location.origin}/priors/smiles-train.bloom`)).arrayBuffer())));
  const started = performance.now();
  const rows: { update: number; validity: number; uniqueness: number; meanQed: number; logPInWindow: number; seconds: number }[] = [];
  for (let u = 1; u <= req.updates; u++) {
    const r = await trainer.update();
    const texts = r.samples.map((s) => s.text);
    const valid = texts.filter((s) => chem.isValid(s));
    const logPs = valid.map((s) => chem.crippenLogP(s) ?? NaN);
    const row = {
      update: u,
      validity: valid.length / texts.length,
      uniqueness: new Set(valid.map((s) => chem.canonical(s))).size / Math.max(valid.length, 1),
      meanQed: mean(valid.map((s) => chem.qed(s) ?? 0)),
      logPInWindow: valid.length ? logPs.filter((x) => x >= 1 && x <= 3).length / valid.length : 0,
      seconds: Math.round((performance.now() - started) / 1000),
    };
    rows.push(row);
    if (u % 10 === 0 || u === 1) {
      console.log(`update ${u}: validity ${row.validity.toFixed(2)} uniqueness ${row.uniqueness.toFixed(2)} QED ${row.meanQed.toFixed(3)} logP-in-window ${row.logPInWindow.toFixed(2)} (${row.seconds} s)`);
    }
    if (performance.now() - started > req.minutes * 60_000) {
      console.log(`time budget of ${req.minutes} min reached after update ${u}`);
      break;
    }
  }
  trainer.dispose();
  // Means over windows of 10 updates (one batch of 64 is noisy).
  const windows = [];
  for (let i = 0; i < rows.length; i += 10) {
    const w = rows.slice(i, i + 10);
    windows.push({
      updates: `${w[0].update}-${w[w.length - 1].update}`,
      validity: +mean(w.map((r) => r.validity)).toFixed(3),
      uniqueness: +mean(w.map((r) => r.uniqueness)).toFixed(3),
      meanQed: +mean(w.map((r) => r.meanQed)).toFixed(3),
      logPInWindow: +mean(w.map((r) => r.logPInWindow)).toFixed(3),
    });
  }
  return { backend: backend.name, preset: req.preset, prior: prior.manifest.training, config: { batchSize: req.batchSize, learningRate: req.learningRate, seed: req.seed, syntaxGuard: req.syntaxGuard }, updatesDone: rows.length, seconds: rows.at(-1)?.seconds, windows };
}

(window as unknown as { rewardlabRlTargets: typeof run }).rewardlabRlTargets = run;
