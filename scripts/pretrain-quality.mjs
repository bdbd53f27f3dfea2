// `node scripts/pretrain-quality.mjs [--stem molecules-e32-h384] [--samples 1000] [--seed 1] [--temperature 1] [--backend wasm]
//   [--syntax-guard off|on] [--dir /tmp/run]`  (--dir: measure the prior files in that folder, e.g. a pretraining snapshot, instead of the shipped one)
// Samples a shipped molecules prior in headless Chromium and prints validity, uniqueness, novelty (against the shipped
// Bloom filter of the training set), internal diversity, unique scaffolds, mean QED and the logP-window share, as JSON.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { withBrowserPage } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    stem: { type: 'string', default: 'molecules-e32-h384' },
    samples: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    temperature: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    'syntax-guard': { type: 'string', default: 'off' },
    dir: { type: 'string' },
  },
});
const request = {
  stem: values.stem,
  samples: Number(values.samples),
  seed: Number(values.seed),
  temperature: Number(values.temperature),
  backend: values.backend,
  syntaxGuard: values['syntax-guard'] === 'on',
  files: values.dir
    ? {
        manifest: JSON.parse(await readFile(`${values.dir}/${values.stem}.json`, 'utf8')),
        bin: (await readFile(`${values.dir}/${values.stem}.bin`)).toString('base64'),
      }
    : undefined,
};
const result = await withBrowserPage('/scripts/pretrain-quality.html', async (page) => {
  await page.waitForFunction(() => 'rewardlabPriorQuality' in window);
  return page.evaluate((req) => window.rewardlabPriorQuality(req), request);
});
console.log(JSON.stringify(result, null, 1));
