// One Adam step for one parameter tensor: shaders/adam.wgsl on WebGPU (two dispatches of one pipeline, instead of
// the dozen elementwise programs tfjs's Adam issues per variable), the same formula in tf ops elsewhere. The CPU
// twin is adamCpu.ts. The clipping scale is an input, so a clipped gradient is never materialised.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import adamWgsl from '../../../shaders/adam.wgsl?raw';
import { biasCorrections, type AdamHyper } from './adamCpu';

export const ADAM_KERNEL = 'RewardLabAdamStep';
const WORKGROUP_SIZE = 64;

const enum Mode {
  Moments = 0,
  Parameter = 1,
}

// A fresh program object per call (runWebGPUProgram appends to shaderKey); both modes share one pipeline.
function adamProgram(count: number, outputSize: number): WebGPUProgram {
  return {
    variableNames: ['param', 'grad', 'moments', 'scale'],
    outputShape: [outputSize],
    shaderKey: 'rewardlab_adam',
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(count / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    uniforms: 'learningRate : f32, beta1 : f32, beta2 : f32, epsilon : f32, correction1 : f32, correction2 : f32, count : i32, mode : i32,',
    getUserCode: () => adamWgsl,
  };
}

const adamKernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { param, grad, moments, scale } = inputs as Record<string, tf.TensorInfo>;
  const h = attrs as unknown as AdamHyper;
  const count = param.shape[0];
  const [c1, c2] = biasCorrections(h);
  const run = (mode: Mode, outputSize: number) =>
    gpu.runWebGPUProgram(adamProgram(count, outputSize), [param, grad, moments, scale], 'float32', [
      { type: 'float32', data: [h.learningRate] },
      { type: 'float32', data: [h.beta1] },
      { type: 'float32', data: [h.beta2] },
      { type: 'float32', data: [h.epsilon] },
      { type: 'float32', data: [c1] },
      { type: 'float32', data: [c2] },
      { type: 'int32', data: [count] },
      { type: 'int32', data: [mode] },
    ]);
  return [run(Mode.Parameter, count), run(Mode.Moments, 2 * count)];
};

function ensureKernelRegistered(): void {
  if (!tf.getKernel(ADAM_KERNEL, 'webgpu')) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'webgpu', kernelFunc: adamKernelFunc });
}

/** The same step in tf ops, for backends without our kernel. */
function adamStepOps(param: tf.Tensor1D, grad: tf.Tensor1D, moments: tf.Tensor1D, scale: tf.Tensor1D, h: AdamHyper): [tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const [c1, c2] = biasCorrections(h);
    const g = tf.mul(grad, scale);
    const [m0, v0] = tf.split(moments, 2);
    const m = tf.add(tf.mul(h.beta1, m0), tf.mul(1 - h.beta1, g));
    const v = tf.add(tf.mul(h.beta2, v0), tf.mul(1 - h.beta2, tf.square(g)));
    const step = tf.div(tf.mul(h.learningRate, tf.div(m, c1)), tf.add(tf.sqrt(tf.div(v, c2)), h.epsilon));
    return [tf.sub(param, step), tf.concat([m, v])] as [tf.Tensor1D, tf.Tensor1D];
  });
}

/**
 * θ and g of any shape (N elements), moments [2N] (m then v), scale a scalar. Returns the new θ (θ's shape) and the
 * new moments; the inputs are left as they are.
 */
export function adamStep(param: tf.Tensor, grad: tf.Tensor, moments: tf.Tensor1D, scale: tf.Tensor, h: AdamHyper): { param: tf.Tensor; moments: tf.Tensor1D } {
  const n = param.size;
  if (grad.size !== n || moments.size !== 2 * n) throw new Error(`adamStep: a parameter of ${n} values needs a gradient of ${n} and moments of ${2 * n} (got ${grad.size} and ${moments.size})`);
  return tf.tidy(() => {
    const flat = { param: tf.reshape(param, [n]) as tf.Tensor1D, grad: tf.reshape(grad, [n]) as tf.Tensor1D, moments, scale: tf.reshape(scale, [1]) as tf.Tensor1D };
    let next: [tf.Tensor1D, tf.Tensor1D];
    if (tf.getBackend() === 'webgpu') {
      ensureKernelRegistered();
      next = tf.engine().runKernel(ADAM_KERNEL, flat, h as unknown as tf.NamedAttrMap) as [tf.Tensor1D, tf.Tensor1D];
    } else {
      next = adamStepOps(flat.param, flat.grad, flat.moments, flat.scale, h);
    }
    return { param: tf.reshape(next[0], param.shape), moments: next[1] };
  });
}
