// The benchmark page: sets up tfjs on WebGPU, runs the requested suites (bench/suites/<name>.ts, each exporting
// `run(report)`), and leaves machine info and results on window.__bench for bench/run.mjs to collect.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BenchResult, Report } from './harness';

interface BenchState {
  done: boolean;
  error?: string;
  machine?: Record<string, unknown>;
  results: BenchResult[];
}

declare global {
  interface Window {
    __bench: BenchState;
  }
}

const state: BenchState = { done: false, results: [] };
window.__bench = state;
const suites = import.meta.glob<{ run: (report: Report) => Promise<void> }>('./suites/*.ts');

function log(message: string): void {
  console.log(message);
  const pre = document.getElementById('log');
  if (pre) pre.textContent += `\n${message}`;
}

async function machineInfo(): Promise<Record<string, unknown>> {
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  const info = adapter?.info;
  return {
    userAgent: navigator.userAgent,
    date: new Date().toISOString(),
    hardwareConcurrency: navigator.hardwareConcurrency,
    adapter: info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
  };
}

async function main(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('suite');
  if (!(await tf.setBackend('webgpu'))) throw new Error('WebGPU is not available in this browser (tf.setBackend("webgpu") returned false)');
  await tf.ready();
  state.machine = await machineInfo();
  const names = Object.keys(suites)
    .map((path) => path.replace(/^\.\/suites\/(.*)\.ts$/, '$1'))
    .filter((name) => !wanted || name === wanted)
    .sort();
  if (names.length === 0) throw new Error(`no benchmark suite named "${wanted}" in bench/suites/`);
  const report: Report = { backend: tf.getBackend(), add: (r) => state.results.push(r), log };
  for (const name of names) {
    log(`suite ${name}`);
    const suite = await suites[`./suites/${name}.ts`]();
    await suite.run(report);
  }
}

main()
  .catch((err: unknown) => {
    state.error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  })
  .finally(() => {
    state.done = true;
  });
