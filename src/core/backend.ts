// Choosing the compute backend: WebGPU first (our WGSL kernels), then WebGL, WASM, and the plain CPU.
// Each refusal is recorded, so the UI can say which backend runs and why the better ones did not.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  /** Why this backend runs: "fastest available", or why the ones before it were refused. */
  reason: string;
  refusals: { name: BackendName; reason: string }[];
  adapter?: string;
  /** True when WebGPU runs on a software rasteriser (SwiftShader or a fallback adapter): WASM is usually faster then. */
  softwareGpu?: boolean;
}

async function webgpuRefusal(): Promise<string | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'WebGPU is present but no GPU adapter is available';
  return null;
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const refusal = await webgpuRefusal();
      if (refusal) return refusal;
    }
    if (name === 'wasm') setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
    const ok = await tf.setBackend(name);
    if (!ok) return `tfjs could not start the ${name} backend`;
    await tf.ready();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Starts the first backend that works, beginning at `first` (e.g. to force a fallback in tests or by URL). */
export async function chooseBackend(first: BackendName = 'webgpu'): Promise<BackendInfo> {
  const refusals: BackendInfo['refusals'] = [];
  if (first !== 'webgpu') refusals.push({ name: 'webgpu', reason: `skipped: ${first} was requested` });
  for (const name of BACKENDS.slice(BACKENDS.indexOf(first))) {
    const refusal = await tryBackend(name);
    if (refusal === null) {
      const reason = refusals.length ? refusals.map((r) => `${r.name}: ${r.reason}`).join('; ') : 'fastest available';
      const adapter = name === 'webgpu' ? await adapterName() : undefined;
      return { name, reason, refusals, adapter, softwareGpu: name === 'webgpu' ? await isSoftwareAdapter() : undefined };
    }
    refusals.push({ name, reason: refusal });
  }
  throw new Error(`No compute backend could start: ${refusals.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
}

async function isSoftwareAdapter(): Promise<boolean> {
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  if (!info) return false;
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
}

async function adapterName(): Promise<string | undefined> {
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info;
  return info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter' : undefined;
}

/**
 * Calls `onLost` once if the WebGPU device behind the current backend is lost (driver reset, GPU removed, a test's
 * `device.destroy()`). Other backends cannot lose a device: nothing to watch.
 */
export function watchDeviceLoss(onLost: (message: string) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  void device?.lost.then((info) => onLost(info.message || `reason: ${info.reason}`));
}

/** What the backend holds now: live tensors and their bytes (GPU bytes on WebGPU/WebGL), for leak checks and the page. */
export function memoryStats(): { tensors: number; bytes: number } {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { tensors: m.numTensors, bytes: m.numBytesInGPU ?? m.numBytes };
}
