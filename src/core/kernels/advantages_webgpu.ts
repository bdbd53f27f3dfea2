// WebGPU path of computeAdvantages: shaders/advantages.wgsl as a registered tfjs kernel (tensor in, tensor out,
// tracked by tf.tidy, no readback). Two dispatches of the same program: one writes advantages, one returns.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import advantagesWgsl from '../../../shaders/advantages.wgsl?raw';
import type { AdvantageOptions, AdvantageResult } from './index';

export const ADVANTAGES_KERNEL = 'RewardLabAdvantages';
const WORKGROUP_SIZE = 64;

// Each invocation scans whole rows. Normalised advantages need the whole batch in one workgroup (the statistics
// are a workgroup reduction); everything else spreads rows over as many workgroups as it takes.
function advantagesProgram(batch: number, steps: number, singleWorkgroup: boolean): WebGPUProgram {
  return {
    variableNames: ['rewards', 'values', 'mask'],
    outputShape: [batch, steps],
    shaderKey: `rewardlab_advantages_${WORKGROUP_SIZE}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [singleWorkgroup ? 1 : Math.ceil(batch / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    uniforms: 'gamma : f32, lambda : f32, normalize : i32, outputReturns : i32,',
    getUserCode: () => `const WORKGROUP_SIZE : u32 = ${WORKGROUP_SIZE}u;\n${advantagesWgsl}`,
  };
}

const advantagesKernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { rewards, values, mask } = inputs as { rewards: tf.TensorInfo; values: tf.TensorInfo; mask: tf.TensorInfo };
  const { gamma, lambda, normalize } = attrs as unknown as AdvantageOptions;
  const [batch, steps] = rewards.shape;
  const run = (outputReturns: boolean) =>
    gpu.runWebGPUProgram(advantagesProgram(batch, steps, normalize && !outputReturns), [rewards, values, mask], 'float32', [
      { type: 'float32', data: [gamma] },
      { type: 'float32', data: [lambda] },
      { type: 'int32', data: [normalize ? 1 : 0] },
      { type: 'int32', data: [outputReturns ? 1 : 0] },
    ]);
  return [run(false), run(true)];
};

function ensureKernelRegistered(): void {
  if (!tf.getKernel(ADVANTAGES_KERNEL, 'webgpu')) {
    tf.registerKernel({ kernelName: ADVANTAGES_KERNEL, backendName: 'webgpu', kernelFunc: advantagesKernelFunc });
  }
}

/** Arguments are already checked by the public wrapper (index.ts). */
export function computeAdvantagesWebGpu(rewards: tf.Tensor2D, values: tf.Tensor2D, mask: tf.Tensor2D, opts: AdvantageOptions): AdvantageResult {
  if (rewards.dtype !== 'float32' || values.dtype !== 'float32') throw new Error('computeAdvantages: rewards and values must be float32');
  ensureKernelRegistered();
  const attrs = { gamma: opts.gamma, lambda: opts.lambda, normalize: opts.normalize };
  const [advantages, returns] = tf.engine().runKernel(ADVANTAGES_KERNEL, { rewards, values, mask }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { advantages: advantages as tf.Tensor2D, returns: returns as tf.Tensor2D };
}
