// `npm run pretrain -- <task> [--hidden 128] [--embedding 32] [--steps N] [--minutes M] [--seed 1] [--backend webgpu|wasm]
//   [--data file.smi]`
// Trains a task's prior with our own code in headless Chromium on WebGPU and writes it to public/priors/.
// Molecules need `--data` (one SMILES per line, e.g. ../shared/data/smiles/train.smi): Node reads the file and hands its
// text to the page; the data itself is never written to the repository.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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
};

const result = await withBrowserPage('/scripts/pretrain.html', async (page) => {
  await page.waitForFunction(() => 'rewardlabPretrain' in window);
  return page.evaluate((req) => window.rewardlabPretrain(req), request);
});
await mkdir(values.out, { recursive: true });
await writeFile(`${values.out}/${result.stem}.json`, JSON.stringify(result.manifest, null, 1) + '\n');
await writeFile(`${values.out}/${result.stem}.bin`, Buffer.from(result.bin, 'base64'));
// The index lets the app know which sizes ship without requesting files that may not exist.
const indexPath = `${values.out}/index.json`;
const index = await readFile(indexPath, 'utf8').then(JSON.parse, () => ({ priors: [] }));
index.priors = [...new Set([...index.priors, result.stem])].sort();
await writeFile(indexPath, JSON.stringify(index, null, 1) + '\n');
console.log(`wrote ${values.out}/${result.stem}.json and .bin, and listed it in ${indexPath}`);
console.log(JSON.stringify(result.manifest.training, null, 1));
