// Shared by the WGSL kernel tests: start tfjs on WebGPU and fail the file if the GPU reported any validation error.
import { afterAll, beforeAll, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export function useWebGpuAndWatchErrors(): void {
  const gpuErrors: string[] = [];
  beforeAll(async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.addEventListener('uncapturederror', (event) => gpuErrors.push((event as GPUUncapturedErrorEvent).error.message));
  });
  afterAll(() => {
    expect(gpuErrors, 'GPU validation errors').toEqual([]);
  });
}

/** Deterministic pseudo-random numbers for building test inputs (not the sampler's RNG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
