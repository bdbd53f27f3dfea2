// dW = AᵀG and db = Σ_n G_n for a dense layer applied at N positions, as one WGSL dispatch plus two copies
// (shaders/gru_sequence_weight_gradient.wgsl, CPU twin weightGradientCpu in gruSequenceCpu.ts). Used by the
// backward passes of the fused sequence model, where tfjs's transposed matmul and axis-0 sum were the slow part.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { copyFromPacked } from './packedCopy';
import weightGradientWgsl from '../../../shaders/gru_sequence_weight_gradient.wgsl?raw';

export const WEIGHT_GRADIENT_KERNEL = 'RewardLabWeightGradient';
const WORKGROUP_SIZE = 64;

function tilesOf(inner: number, outer: number): number {
  return Math.ceil((inner + 1) / 4) * Math.ceil(outer / 4);
}

function weightGradientProgram(inner: number, outer: number): WebGPUProgram {
  const tiles = tilesOf(inner, outer);
  return {
    variableNames: ['a', 'g'],
    outputShape: [inner + 1, outer],
    shaderKey: 'rewardlab_weight_gradient',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil(tiles / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    uniforms: 'rows : i32, inner : i32, outer : i32, tiles : i32,',
    getUserCode: () => weightGradientWgsl,
  };
}

// inputs: a [N, K], g [N, M] → kernel gradient [K, M], bias gradient [M]
const kernelFunc: tf.KernelFunc = ({ inputs, backend }) => {
  const gpu = backend as WebGPUBackend;
  const { a, g } = inputs as Record<string, tf.TensorInfo>;
  const [rows, inner] = a.shape;
  const outer = g.shape[1];
  const packed = gpu.runWebGPUProgram(weightGradientProgram(inner, outer), [a, g], 'float32', [
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [inner] },
    { type: 'int32', data: [outer] },
    { type: 'int32', data: [tilesOf(inner, outer)] },
  ]);
  const kernel = copyFromPacked(gpu, packed, 0, [inner, outer]);
  const bias = copyFromPacked(gpu, packed, inner * outer, [outer]);
  gpu.disposeData(packed.dataId);
  return [kernel, bias];
};

/** dW = aᵀ·g [K, M] and db = Σ rows of g [M], for a [N, K] and g [N, M] (float32, WebGPU only). */
export function weightGradient(a: tf.Tensor2D, g: tf.Tensor2D): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
  if (tf.getBackend() !== 'webgpu') throw new Error(`weightGradient: needs the webgpu backend, not ${tf.getBackend()}`);
  if (a.shape[0] !== g.shape[0]) throw new Error(`weightGradient: a [${a.shape}] and g [${g.shape}] need the same number of rows`);
  if (a.dtype !== 'float32' || g.dtype !== 'float32') throw new Error(`weightGradient: a and g must be float32, got ${a.dtype} and ${g.dtype}`);
  if (!tf.getKernel(WEIGHT_GRADIENT_KERNEL, 'webgpu')) tf.registerKernel({ kernelName: WEIGHT_GRADIENT_KERNEL, backendName: 'webgpu', kernelFunc });
  const [kernel, bias] = tf.engine().runKernel(WEIGHT_GRADIENT_KERNEL, { a, g }) as tf.Tensor[];
  return { kernel: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D };
}
