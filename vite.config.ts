import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { findChromium, chromiumArgs } from './scripts/chromium.mjs';

// Browser tests need a Chromium; resolve it lazily so `vite dev` works without one.
function browserLaunch() {
  try {
    return { executablePath: findChromium(), args: chromiumArgs() };
  } catch (err) {
    if (process.argv.some((a) => a.includes('browser'))) throw err;
    return { args: chromiumArgs() };
  }
}

export default defineConfig({
  plugins: [svelte({ configFile: false })],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
  optimizeDeps: { exclude: ['@rdkit/rdkit'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // RDKit's wasm and the QED fixture take a few seconds on two busy cores: 5 s timed out in CI-like load.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: browserLaunch() }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
