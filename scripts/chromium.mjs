// Where to find a Chromium and how to start it with WebGPU. Shared by vitest browser mode,
// Playwright e2e, `npm run bench` and `npm run pretrain`, so every tool runs the same browser.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist. Point it at a Chromium or Chrome binary.`);
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    'No Chromium found. Install one (Debian: `apt-get install -y chromium`) or set CHROMIUM_PATH to a Chrome/Chromium binary.',
  );
}

/** Flags that give headless Chromium a WebGPU adapter even without a GPU (SwiftShader), and keep it quiet offline. */
export function chromiumArgs({ softwareGpu = process.env.REWARDLAB_REAL_GPU !== '1' } = {}) {
  const args = [
    '--enable-unsafe-webgpu',
    '--no-sandbox',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ];
  if (softwareGpu) {
    args.push('--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader', '--disable-vulkan-fallback-to-gl-for-testing');
  }
  return args;
}
