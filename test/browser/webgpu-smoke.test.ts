import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

describe('browser test environment', () => {
  it('has a WebGPU adapter and tfjs runs a matmul on it', async () => {
    expect(navigator.gpu, 'navigator.gpu missing: Chromium was started without --enable-unsafe-webgpu').toBeDefined();
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter, 'no WebGPU adapter: check the SwiftShader flags in scripts/chromium.mjs').not.toBeNull();
    expect(await tf.setBackend('webgpu')).toBe(true);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await product.data())).toEqual([11]);
    product.dispose();
  });
});
