// Browser side of `node scripts/pretrain-quality.mjs`: samples a shipped molecules prior and measures it with RDKit.
import { chooseBackend, type BackendName } from '../src/core/backend';
import { BloomFilter } from '../src/core/chem/bloom';
import { initChem } from '../src/core/chem/index';
import { moleculeMetrics } from '../src/core/chem/metrics';
import { CharGru } from '../src/core/models/charGru';
import { fetchPrior, parsePrior } from '../src/core/priors';
import { smilesTokenKinds } from '../src/core/tasks/smilesSyntaxGuard';
import { sampleSmiles } from './sample-smiles';
import { bracketProblem } from './smiles-brackets';
import { fromBase64 } from './base64';

interface QualityRequest {
  stem: string;
  samples: number;
  seed: number;
  temperature: number;
  backend?: BackendName;
  /** Sample with the SMILES syntax guard (the Molecules task's setting molecules.syntaxGuard, off by default). */
  syntaxGuard: boolean;
  /** A prior's files read by Node (manifest, .bin in base64) instead of the shipped one. */
  files?: { manifest: unknown; bin: string };
}

async function run(req: QualityRequest) {
  const backend = await chooseBackend(req.backend);
  const prior = req.files ? await parsePrior(req.files.manifest, fromBase64(req.files.bin)) : await fetchPrior(`${location.origin}/`, req.stem);
  if (!prior) throw new Error(`No shipped prior ${req.stem} in public/priors/index.json`);
  const model = CharGru.fromValues(prior.manifest.size, prior.values, false, 'quality');
  if (req.syntaxGuard) model.syntaxGuard = smilesTokenKinds(prior.manifest.vocab);
  const { smiles, unfinished } = await sampleSmiles(model, { ...req, onRound: (done) => console.log(`sampled ${done}/${req.samples}`) });
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
    syntaxGuard: req.syntaxGuard,
    unfinished,
    ...m,
    meanQedOfValid: mean(qeds),
    logPWindow1to3ShareOfValid: logPs.filter((x) => x >= 1 && x <= 3).length / Math.max(logPs.length, 1),
    meanLength: mean(smiles.map((s) => s.length)),
    invalidBySyntax: syntaxFailures(smiles.filter((s) => !chem.isValid(s))),
    examples: smiles.slice(0, 12),
  };
}

/** Invalid samples sorted by the first bracket rule they break, or "other" when their syntax is sound and the chemistry fails. */
function syntaxFailures(invalid: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = { unopenedBranch: 0, openBranch: 0, openRing: 0, other: 0 };
  for (const s of invalid) counts[bracketProblem(s) ?? 'other']++;
  return counts;
}

(window as unknown as { rewardlabPriorQuality: typeof run }).rewardlabPriorQuality = run;
