// Runs a page of this project in headless Chromium (WebGPU on) behind a Vite dev server, for scripts that
// need the browser's GPU path: `npm run pretrain` and `npm run bench`.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { findChromium, chromiumArgs } from './chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Opens `pagePath` (relative to the project root, e.g. "/scripts/pretrain.html?task=names") and calls `use(page)`.
 * Console lines from the page are echoed with a prefix so long jobs show progress. `isolated` serves the page
 * cross-origin isolated (COOP and COEP headers), which SharedArrayBuffer, and so multithreaded WASM, needs.
 */
export async function withBrowserPage(pagePath, use, { echoConsole = true, isolated = false } = {}) {
  // Scan every page up front: a dependency found late makes Vite reload the page mid-job.
  const server = await createServer({
    root,
    configFile: resolve(root, 'vite.config.ts'),
    server: {
      port: 0,
      host: '127.0.0.1',
      hmr: false,
      headers: isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {},
    },
    optimizeDeps: { entries: ['index.html', 'scripts/*.html', 'bench/*.html'] },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer.address();
  const base = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs(), headless: true });
  try {
    const page = await browser.newPage();
    if (echoConsole) page.on('console', (msg) => console.log(`  [page] ${msg.text()}`));
    page.on('pageerror', (err) => console.error(`  [page error] ${err.message}`));
    await page.goto(`${base}${pagePath}`);
    return await use(page, { base, browserVersion: browser.version() });
  } finally {
    await browser.close();
    await server.close();
  }
}
