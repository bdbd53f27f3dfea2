// Browser side of `node scripts/pretrain-quality.mjs`: samples a shipped molecules prior and measures it with RDKit.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendName } from '../src/core/backend';
import { BloomFilter } from '../src/core/chem/bloom';
import { initChem } from '../src/core/chem/index';
import { moleculeMetrics } from '../src/core/chem/metrics';
import { CharGru } from '../src/core/models/charGru';
import { fetchPrior, parsePrior } from '../src/core/priors';
import { sampleSequences } from '../src/core/rollout';
import { MOLECULES_TASK } from '../src/core/tasks/sequenceTasks';

interface QualityRequest {
  stem: string;
  samples: number;
  seed: number;
  temperature: number;
  backend?: BackendName;
  /** A prior's files read by Node (manifest, .bin in base64) instead of the shipped one. */
  files?: { manifest: unknown; bin: string };
}

function fromBase64(text: string): ArrayBuffer {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes.buffer;
}

async function run(req: QualityRequest) {
  const backend = await chooseBackend(req.backend);
  const prior = req.files ? await parsePrior(req.files.manifest, fromBase64(req.files.bin)) : await fetchPrior(`${location.origin}/`, req.stem);
  if (!prior) throw new Error(`No shipped prior ${req.stem} in public/priors/index.json`);
  const model = CharGru.fromValues(prior.manifest.size, prior.values, false, 'quality');
  const T = MOLECULES_TASK.pretrain.maxLength;
  const smiles: string[] = [];
  let unfinished = 0;
  const batch = 250;
  for (let start = 0, round = 0; start < req.samples; start += batch, round++) {
    const B = Math.min(batch, req.samples - start);
    const rollout = sampleSequences(model, { batchSize: B, maxLength: T, temperature: req.temperature, seed: req.seed, counter: round * 4096 });
    const [tokens, mask] = await Promise.all([rollout.tokens.data(), rollout.mask.data()]);
    tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values]);
    for (let b = 0; b < B; b++) {
      const row = Array.from(tokens.subarray(b * T, (b + 1) * T));
      if (mask[b * T + T - 1] === 1 && row[T - 1] !== 0) unfinished++;
      smiles.push(MOLECULES_TASK.tokenizer.decode(row));
    }
    console.log(`sampled ${start + B}/${req.samples}`);
  }
  model.dispose();
  const chem = await initChem();
  const bloom = BloomFilter.fromBytes(new Uint8Array(await (await fetch(`${location.origin}/priors/smiles-train.bloom`)).arrayBuffer()));
  const m = moleculeMetrics(chem, smiles, bloom);
  const valid = smiles.filter((s) => chem.isValid(s));
  const qeds = valid.map((s) => chem.qed(s) ?? 0);
  const logPs = valid.map((s) => chem.crippenLogP(s) ?? 0);
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / Math.max(x.length, 1);
  return {
    backend: backend.name,
    stem: req.stem,
    training: prior.manifest.training,
    samples: smiles.length,
    seed: req.seed,
    temperature: req.temperature,
    unfinished,
    ...m,
    meanQedOfValid: mean(qeds),
    logPWindow1to3ShareOfValid: logPs.filter((x) => x >= 1 && x <= 3).length / Math.max(logPs.length, 1),
    meanLength: mean(smiles.map((s) => s.length)),
    examples: smiles.slice(0, 12),
  };
}

(window as unknown as { rewardlabPriorQuality: typeof run }).rewardlabPriorQuality = run;
