// `npm run pretrain -- <task> [--hidden 128] [--embedding 32] [--steps N] [--minutes M] [--seed 1] [--backend webgpu|wasm]
//   [--data file.smi] [--init public/priors/molecules-e32-h256] [--lr 0.0005] [--final-lr 0.0002] [--save-every 10] [--out dir]
//   [--threads 2] [--random-smiles 10]`
// Trains a task's prior with our own code in headless Chromium on WebGPU and writes it to public/priors/.
// Molecules need `--data` (one SMILES per line, e.g. ../shared/data/smiles/train.smi): Node reads the file and hands its
// text to the page; the data itself is never written to the repository.
// --init continues from a prior's weights (the path of its .json/.bin without the extension; a prior with fewer hidden
// units is first widened to --hidden without changing its output, src/core/models/widenGru.ts); --lr sets the starting
// learning rate (a continued run should start lower than the task's recipe); --final-lr decays the
// learning rate along a cosine to that value over --minutes (else --steps); --save-every M writes the weights so far to
// --out every M minutes, so a long run can be stopped at any time and still leave a usable prior. --threads N (WASM only)
// runs tfjs-wasm's matrix products on N threads; the page is then served cross-origin isolated. --random-smiles K
// (molecules) adds K random SMILES of every training molecule to the training set (SMILES enumeration, drawn by RDKit).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { withBrowserPage } from './browser-page.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    hidden: { type: 'string', default: '128' },
    embedding: { type: 'string', default: '32' },
    steps: { type: 'string' },
    // Wall-clock budget: training stops at the first report after this many minutes (the steps run so far are kept).
    minutes: { type: 'string' },
    data: { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'public/priors' },
    // webgpu is the product's path; wasm is often faster for this small model on a machine without a GPU.
    backend: { type: 'string', default: 'webgpu' },
    init: { type: 'string' },
    lr: { type: 'string' },
    'final-lr': { type: 'string' },
    'save-every': { type: 'string' },
    threads: { type: 'string', default: '1' },
    'random-smiles': { type: 'string', default: '0' },
  },
});
const task = positionals[0] === 'smiles' ? 'molecules' : (positionals[0] ?? 'names');
if (task === 'molecules' && !values.data) {
  console.error('The molecules prior needs its training data: npm run pretrain -- molecules --data ../shared/data/smiles/train.smi');
  process.exit(2);
}
const request = {
  task,
  hidden: Number(values.hidden),
  embedding: Number(values.embedding),
  steps: values.steps ? Number(values.steps) : undefined,
  seed: Number(values.seed),
  backend: values.backend,
  minutes: values.minutes ? Number(values.minutes) : undefined,
  data: values.data ? await readFile(values.data, 'utf8') : undefined,
  init: values.init ? await readInit(values.init) : undefined,
  learningRate: values.lr ? Number(values.lr) : undefined,
  finalLearningRate: values['final-lr'] ? Number(values['final-lr']) : undefined,
  saveEveryMinutes: values['save-every'] ? Number(values['save-every']) : undefined,
  threads: Number(values.threads),
  randomSmiles: Number(values['random-smiles']),
};

async function readInit(path) {
  const stem = path.replace(/\.(json|bin)$/, '');
  try {
    const manifest = JSON.parse(await readFile(`${stem}.json`, 'utf8'));
    const bin = (await readFile(`${stem}.bin`)).toString('base64');
    return { manifest, bin };
  } catch (err) {
    console.error(`--init ${path}: could not read ${stem}.json and ${stem}.bin (${err.message}); give the path of a prior without its extension`);
    process.exit(2);
  }
}

async function writePrior(stem, manifest, binBase64) {
  await mkdir(values.out, { recursive: true });
  // Weights first, then the manifest that vouches for them, so a reader never sees a manifest with older weights.
  await writeFile(`${values.out}/${stem}.bin.tmp`, Buffer.from(binBase64, 'base64'));
  await writeFile(`${values.out}/${stem}.json.tmp`, JSON.stringify(manifest, null, 1) + '\n');
  await rename(`${values.out}/${stem}.bin.tmp`, `${values.out}/${stem}.bin`);
  await rename(`${values.out}/${stem}.json.tmp`, `${values.out}/${stem}.json`);
}

if (!Number.isInteger(request.threads) || request.threads < 1 || (request.threads > 1 && request.backend !== 'wasm')) {
  console.error(`--threads ${values.threads}: give a whole number of threads (1 or more), and more than 1 only with --backend wasm`);
  process.exit(2);
}

if (!Number.isInteger(request.randomSmiles) || request.randomSmiles < 0 || (request.randomSmiles > 0 && task !== 'molecules')) {
  console.error(`--random-smiles ${values['random-smiles']}: give a whole number of random SMILES per molecule (0 or more), for the molecules task`);
  process.exit(2);
}

const isolated = request.threads > 1;
const result = await withBrowserPage('/scripts/pretrain.html', async (page) => {
  await page.waitForFunction(() => 'rewardlabPretrain' in window);
  await page.exposeFunction('rewardlabSaveSnapshot', async ({ stem, manifest, bin }) => {
    await writePrior(stem, manifest, bin);
    await addToIndex(stem);
    console.log(`snapshot after ${manifest.training.stepsThisRun} steps written to ${values.out}/${stem}.json and .bin`);
  });
  return page.evaluate((req) => window.rewardlabPretrain(req), request);
}, { isolated });
await writePrior(result.stem, result.manifest, result.bin);
const indexPath = await addToIndex(result.stem);
console.log(`wrote ${values.out}/${result.stem}.json and .bin, and listed it in ${indexPath}`);
console.log(JSON.stringify(result.manifest.training, null, 1));

/** The index lets the app know which sizes ship without requesting files that may not exist. */
async function addToIndex(stem) {
  const indexPath = `${values.out}/index.json`;
  const index = await readFile(indexPath, 'utf8').then(JSON.parse, () => ({ priors: [] }));
  index.priors = [...new Set([...index.priors, stem])].sort();
  await writeFile(indexPath, JSON.stringify(index, null, 1) + '\n');
  return indexPath;
}
