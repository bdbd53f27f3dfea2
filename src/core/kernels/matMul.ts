// 2-D matmul with optional transposes and bias as one WGSL kernel (shaders/matmul.wgsl), for the fused sequence model
// and the rollout on WebGPU: one pipeline that compiles in milliseconds instead of tfjs's tiled variants, which cost
// 0.6–0.7 s each to compile on a software GPU and dominated the first update. Not differentiable by itself: its callers
// sit inside tf.customGrad functions that give their own gradients. CPU twin: matMulCpu.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import matMulWgsl from '../../../shaders/matmul.wgsl?raw';

const MATMUL_KERNEL = 'RewardLabMatMul';
const WORKGROUP_SIZE = 64;

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

function matMulProgram(M: number, N: number): WebGPUProgram {
  return {
    variableNames: ['a', 'b', 'bias'],
    outputShape: [M, N],
    shaderKey: 'rewardlab_matmul',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((M * N) / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    uniforms: 'M : i32, K : i32, N : i32, transposeA : i32, transposeB : i32, hasBias : i32,',
    getUserCode: () => matMulWgsl,
  };
}

const matMulKernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { a, b, bias } = inputs as Record<string, tf.TensorInfo>;
  const { transposeA, transposeB } = attrs as unknown as Attrs;
  const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const N = transposeB ? b.shape[0] : b.shape[1];
  // Without a bias, `b` (seen flat, so the binding keeps its rank and the pipeline stays the same) fills the slot.
  const biasOrB = bias ?? { dataId: b.dataId, shape: [b.shape[0] * b.shape[1]], dtype: b.dtype };
  return gpu.runWebGPUProgram(matMulProgram(M, N), [a, b, biasOrB], 'float32', [
    { type: 'int32', data: [M] },
    { type: 'int32', data: [K] },
    { type: 'int32', data: [N] },
    { type: 'int32', data: [transposeA ? 1 : 0] },
    { type: 'int32', data: [transposeB ? 1 : 0] },
    { type: 'int32', data: [bias ? 1 : 0] },
  ]);
};

/** op(a)·op(b) (+ bias [N]) for 2-D float32 tensors. WebGPU only. */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false, bias?: tf.Tensor): tf.Tensor2D {
  const K = transposeA ? a.shape[0] : a.shape[1];
  const kB = transposeB ? b.shape[1] : b.shape[0];
  if (K !== kB) throw new Error(`matMul: inner sizes differ (${K} and ${kB})`);
  if (!tf.getKernel(MATMUL_KERNEL, 'webgpu')) tf.registerKernel({ kernelName: MATMUL_KERNEL, backendName: 'webgpu', kernelFunc: matMulKernelFunc });
  const inputs: tf.NamedTensorMap = bias ? { a, b, bias } : { a, b };
  return tf.engine().runKernel(MATMUL_KERNEL, inputs, { transposeA, transposeB } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
