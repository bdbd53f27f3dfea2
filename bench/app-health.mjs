// `npm run bench:app [-- --minutes 30] [-- --backend wasm] [-- --out <path>]`: the real app, built and served by
// `vite preview`, trained in headless Chromium (WebGPU on SwiftShader unless the machine has a GPU). Measures what a
// user feels: time from page load to the first finished update (prior cached by a first visit), main-thread long tasks
// (> 50 ms) while training, and the Worker's tensor count and memory over a long run (the soak). Writes JSON
// (default bench/results/app-health.json) and exits non-zero when the run shows a leak, an error, or a long task.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from 'playwright';
import { chromiumArgs, findChromium } from '../scripts/chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE_EVERY_MS = 15_000;
/** Updates to skip before the tensor count counts as settled (Adam's slots, caches of the first updates). */
const WARMUP_UPDATES = 5;

function parseArgs(argv) {
  const args = { minutes: 2, backend: null, out: resolve(root, 'bench/results/app-health.json'), skipBuild: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--minutes') args.minutes = Number(argv[++i]);
    else if (argv[i] === '--backend') args.backend = argv[++i];
    else if (argv[i] === '--out') args.out = resolve(process.cwd(), argv[++i]);
    else if (argv[i] === '--skip-build') args.skipBuild = true;
    else throw new Error(`unknown argument ${argv[i]} (use --minutes <n>, --backend <webgpu|wasm|...>, --out <path>, --skip-build)`);
  }
  if (!(args.minutes > 0)) throw new Error('--minutes must be a positive number');
  return args;
}

/** Runs in the page before its own scripts: collects long tasks, and when the status line changed (the load phases). */
function observePage() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__phases = [];
  let last = '';
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid="status-message"]')?.textContent ?? '';
    if (text && text !== last) window.__phases.push({ at: performance.now(), status: (last = text) });
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** Polled often, so the time the button turns usable is not rounded up by the wait itself. */
function trainEnabled(page) {
  return page.waitForFunction(
    () => [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Train' && !b.disabled),
    undefined,
    { timeout: 300_000, polling: 20 },
  );
}

async function readRun(page) {
  return page.evaluate(() => {
    const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
    const bytes = document.querySelector('[data-testid="metric-bytes"]')?.getAttribute('data-bytes');
    return {
      update: Number(text('metric-step') ?? 0),
      tensors: text('metric-tensors') === null ? null : Number(text('metric-tensors')),
      bytes: bytes == null ? null : Number(bytes),
      errorBanner: text('error-banner'),
      now: performance.now(),
    };
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.skipBuild) await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn' });
  const server = await preview({ root, configFile: resolve(root, 'vite.config.ts'), preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const base = server.resolvedUrls.local[0].replace(/\/$/, '');
  const query = args.backend ? `?backend=${args.backend}` : '';
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs(), headless: true });
  const pageErrors = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(`console: ${msg.text()}`));
    await page.addInitScript(observePage);
    const train = page.getByRole('button', { name: 'Train', exact: true });

    // First visit fills the HTTP cache with the app and the prior; the measured visit is the reload.
    await page.goto(`${base}/${query}`);
    await trainEnabled(page);
    await page.reload();
    await trainEnabled(page);
    await train.click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="metric-step"]')?.textContent ?? 0) >= 1, undefined, { timeout: 300_000, polling: 20 });
    const firstUpdateMs = await page.evaluate(() => performance.now()); // since navigation start of the reload
    const backend = await page.getByTestId('backend-badge').textContent();
    const phases = await page.evaluate(() => window.__phases);
    console.log(`backend ${backend}; first update finished ${(firstUpdateMs / 1000).toFixed(2)} s after the page started loading`);
    for (const p of phases) console.log(`  ${(p.at / 1000).toFixed(2)} s  ${p.status}`);

    const trainingStartedAt = (await readRun(page)).now;
    const samples = [];
    const endAt = Date.now() + args.minutes * 60_000;
    while (Date.now() < endAt) {
      await page.waitForTimeout(Math.min(SAMPLE_EVERY_MS, Math.max(0, endAt - Date.now())));
      const s = await readRun(page);
      samples.push(s);
      console.log(`  t=${((s.now - trainingStartedAt) / 1000).toFixed(0)} s  update ${s.update}  tensors ${s.tensors}  bytes ${s.bytes}`);
      if (s.errorBanner) break;
    }
    const longTasks = await page.evaluate((since) => window.__longTasks.filter((t) => t.start >= since), trainingStartedAt);
    const last = samples[samples.length - 1];
    const settled = samples.find((s) => s.update >= WARMUP_UPDATES && s.tensors !== null) ?? null;
    const result = {
      machine: { browser: `chromium ${browser.version()}`, cores: (await import('node:os')).cpus().length },
      backend,
      minutes: args.minutes,
      firstUpdateSeconds: firstUpdateMs / 1000,
      loadPhases: phases,
      updates: last?.update ?? 0,
      updatesPerSecond: last ? last.update / ((last.now - trainingStartedAt) / 1000) : 0,
      longTasks: { count: longTasks.length, maxMs: Math.max(0, ...longTasks.map((t) => t.duration)), list: longTasks.map((t) => ({ atSeconds: (t.start - trainingStartedAt) / 1000, ms: t.duration })) },
      memory: {
        settled: settled && { update: settled.update, tensors: settled.tensors, bytes: settled.bytes },
        end: last && { update: last.update, tensors: last.tensors, bytes: last.bytes },
      },
      errors: [...pageErrors, ...(last?.errorBanner ? [`banner: ${last.errorBanner}`] : [])],
      samples,
    };
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    const leak = settled && last && (last.tensors !== settled.tensors || last.bytes !== settled.bytes);
    console.log(
      `${result.updates} updates in ${args.minutes} min (${result.updatesPerSecond.toFixed(2)}/s); long tasks while training: ${result.longTasks.count}` +
        ` (max ${result.longTasks.maxMs.toFixed(0)} ms); tensors ${settled?.tensors} at update ${settled?.update} → ${last?.tensors} at update ${last?.update};` +
        ` bytes ${settled?.bytes} → ${last?.bytes}; errors: ${result.errors.length}`,
    );
    console.log(`wrote ${args.out}`);
    if (leak || result.errors.length || result.longTasks.count) process.exitCode = 1;
  } finally {
    await browser.close();
    await new Promise((r) => server.httpServer.close(r));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
