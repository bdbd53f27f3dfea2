// WebGPU path of computeAdvantages: shaders/advantages.wgsl as a registered tfjs kernel (tensor in, tensor out,
// tracked by tf.tidy, no readback). Dispatches: returns, advantages, and when normalising, per-workgroup
// moments, their merge (one invocation), then the normalisation itself. Barriers only where a workgroup reduces:
// on software GPUs (SwiftShader) a barrier in a wide dispatch costs more than an extra dispatch.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import advantagesWgsl from '../../../shaders/advantages.wgsl?raw';

// The file holds two programs: the scans and moments, then the barrier-free elementwise normalisation.
const [scanSource, normaliseSource] = advantagesWgsl.split('//// program: normalise');
import type { AdvantageOptions, AdvantageResult } from './index';

export const ADVANTAGES_KERNEL = 'RewardLabAdvantages';
const WORKGROUP_SIZE = 64;

const enum Phase {
  Advantages = 0,
  Returns = 1,
  Moments = 2,
  Finalise = 3,
}

// A fresh program object per call (runWebGPUProgram appends to shaderKey); all phases share one pipeline.
function advantagesProgram(outputShape: number[], invocations: number): WebGPUProgram {
  return {
    variableNames: ['rewards', 'values', 'mask', 'raw', 'moments'],
    outputShape,
    shaderKey: `rewardlab_advantages_${WORKGROUP_SIZE}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(invocations / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    uniforms: 'gamma : f32, lambda : f32, phase : i32,',
    getUserCode: () => `const WORKGROUP_SIZE : u32 = ${WORKGROUP_SIZE}u;\n${scanSource}`,
  };
}

function normaliseProgram(batch: number, steps: number): WebGPUProgram {
  return {
    variableNames: ['raw', 'mask', 'meanAndInvStd'],
    outputShape: [batch, steps],
    shaderKey: 'rewardlab_advantages_normalise',
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((batch * steps) / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    size: true,
    getUserCode: () => normaliseSource,
  };
}

const advantagesKernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { rewards, values, mask } = inputs as { rewards: tf.TensorInfo; values: tf.TensorInfo; mask: tf.TensorInfo };
  const { gamma, lambda, normalize } = attrs as unknown as AdvantageOptions;
  const [batch, steps] = rewards.shape;
  // Unused inputs of a phase are bound to `mask`: every binding must exist, the phase ignores it.
  const run = (phase: Phase, outputShape: number[], invocations: number, raw: tf.TensorInfo = mask, moments: tf.TensorInfo = mask) =>
    gpu.runWebGPUProgram(advantagesProgram(outputShape, invocations), [rewards, values, mask, raw, moments], 'float32', [
      { type: 'float32', data: [gamma] },
      { type: 'float32', data: [lambda] },
      { type: 'int32', data: [phase] },
    ]);
  const returns = run(Phase.Returns, [batch, steps], batch);
  const raw = run(Phase.Advantages, [batch, steps], batch);
  if (!normalize) return [raw, returns];
  const moments = run(Phase.Moments, [Math.ceil(batch / WORKGROUP_SIZE), 3], batch, raw);
  const meanAndInvStd = run(Phase.Finalise, [1, 2], 1, mask, moments);
  const advantages = gpu.runWebGPUProgram(normaliseProgram(batch, steps), [raw, mask, meanAndInvStd], 'float32');
  for (const intermediate of [raw, moments, meanAndInvStd]) gpu.disposeData(intermediate.dataId);
  return [advantages, returns];
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
