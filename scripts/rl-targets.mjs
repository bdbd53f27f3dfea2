// `node scripts/rl-targets.mjs --preset qed|logp [--updates 300] [--minutes 30] [--batch 64] [--lr 5e-4] [--seed 5]
//   [--backend wasm] [--stem molecules-e32-h384] [--syntax-guard off|on] [--dir folder]`
// Runs REINVENT from the molecules prior (the shipped one, or the files in --dir) on the QED or logP-window
// preset in headless Chromium and prints the targets per window of 10 updates as JSON: validity, uniqueness, mean QED
// of the valid samples, share of valid samples with Crippen logP in [1, 3]. Stops at --updates or after --minutes.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { withBrowserPage } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'qed' },
    updates: { type: 'string', default: '300' },
    minutes: { type: 'string', default: '30' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '5e-4' },
    seed: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'wasm' },
    stem: { type: 'string', default: 'molecules-e32-h384' },
    'syntax-guard': { type: 'string', default: 'off' },
    dir: { type: 'string' },
  },
});
if (!['qed', 'logp'].includes(values.preset)) {
  console.error(`--preset must be qed or logp, not "${values.preset}"`);
  process.exit(2);
}
const request = {
  preset: values.preset,
  updates: Number(values.updates),
  minutes: Number(values.minutes),
  batchSize: Number(values.batch),
  learningRate: Number(values.lr),
  seed: Number(values.seed),
  backend: values.backend,
  stem: values.stem,
  syntaxGuard: values['syntax-guard'] === 'on' ? 'on' : 'off',
  files: values.dir
    ? { manifest: JSON.parse(await readFile(`${values.dir}/${values.stem}.json`, 'utf8')), bin: (await readFile(`${values.dir}/${values.stem}.bin`)).toString('base64') }
    : undefined,
};
const result = await withBrowserPage('/scripts/rl-targets.html', async (page) => {
  await page.waitForFunction(() => 'rewardlabRlTargets' in window);
  return page.evaluate((req) => window.rewardlabRlTargets(req), request);
});
console.log(JSON.stringify(result, null, 1));
