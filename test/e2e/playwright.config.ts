// End-to-end tests: the built app (vite build, then vite preview) clicked through in the system Chromium with WebGPU.
// Run: npx vite build && npx playwright test -c test/e2e/playwright.config.ts
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const PORT = 4173;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/e2e',
  // One browser at a time: training on SwiftShader already uses every core.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 300_000,
  // A first update on a software GPU includes shader compilation: under load it can take longer than 30 s.
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: chromiumArgs() },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    cwd: repoRoot,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
