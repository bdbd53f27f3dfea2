// `npm run bench [-- --suite <name>] [-- --out <path>]`: serves the project with Vite, opens bench/index.html in
// headless Chromium (WebGPU; SwiftShader unless REWARDLAB_REAL_GPU=1), runs the suites in the page, prints a
// table and writes JSON (default bench/results/latest.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withBrowserPage } from '../scripts/browser-page.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUT_MS = 20 * 60 * 1000;

function parseArgs(argv) {
  const args = { out: resolve(root, 'bench/results/latest.json'), suite: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = resolve(process.cwd(), argv[++i]);
    else if (argv[i] === '--suite') args.suite = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (use --suite <name>, --out <path>)`);
  }
  return args;
}

function printTable(results) {
  const rows = results.map((r) => [
    r.workload,
    r.phase,
    r.ours.median_ms.toFixed(2),
    r.naive.median_ms.toFixed(2),
    `${r.ratio.toFixed(2)}x`,
    `${(r.spread.ours * 100).toFixed(0)}% / ${(r.spread.naive * 100).toFixed(0)}%`,
  ]);
  const header = ['workload', 'versus', 'ours ms', 'naive ms', 'ratio', 'IQR/median'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('ratio = naive median / ours median (above 1: ours is faster).');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const query = args.suite ? `?suite=${encodeURIComponent(args.suite)}` : '';
  await withBrowserPage(`/bench/index.html${query}`, async (page, { browserVersion }) => {
    await page.waitForFunction(() => window.__bench?.done === true, undefined, { timeout: TIMEOUT_MS, polling: 1000 });
    const state = await page.evaluate(() => window.__bench);
    if (state.error) throw new Error(`benchmark page failed: ${state.error}`);
    const output = { machine: { browser: `chromium ${browserVersion}`, ...state.machine }, results: state.results };
    printTable(state.results);
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(output, null, 2)}\n`);
    console.log(`wrote ${args.out}`);
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
