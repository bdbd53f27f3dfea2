// WebGPU path of sampleCategorical: shaders/sample_categorical.wgsl as a registered tfjs kernel, so it shares
// tfjs's command encoder and tf.tidy tracks its outputs. No readback anywhere.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import sampleCategoricalWgsl from '../../../shaders/sample_categorical.wgsl?raw';
import type { SampleOptions, SampleResult } from './index';
import { MAX_VOCAB } from './validate';

export const SAMPLE_CATEGORICAL_KERNEL = 'RewardLabSampleCategorical';

/** Up to this vocabulary size top-k/top-p use ranks (O(V^2 / workgroup), no barriers); beyond, bisection. */
const RANK_SELECT_MAX_VOCAB = 256;

/**
 * Small workgroups: barriers dominate on software GPUs (measured on SwiftShader: 4-8 invocations per row beat
 * 16-64 by 2-10x for V = 40..1024), and small vocabularies would leave a wide workgroup idle anyway.
 * The rank path needs ceil(V / workgroup) <= 32 (one bit per token in a u32 mask).
 */
function workgroupSizeFor(vocab: number): number {
  return vocab <= 128 ? 4 : 8;
}

// A fresh program object per call: runWebGPUProgram appends to shaderKey (see TOOLCHAIN.md). Everything baked
// into the text (workgroup size, MAX_VOCAB) is in the key; sizes and options travel as uniforms.
function samplerProgram(rows: number, vocab: number): WebGPUProgram {
  const workgroupSize = workgroupSizeFor(vocab);
  return {
    variableNames: ['logits', 'allowed'],
    outputShape: [3, rows], // tokens (as f32, exact for any V we allow), logProbs, entropy
    shaderKey: `rewardlab_sample_categorical_${workgroupSize}_${MAX_VOCAB}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [rows, 1, 1], // one workgroup per row
    workgroupSize: [workgroupSize, 1, 1],
    uniforms: 'temperature : f32, topP : f32, topK : i32, seed : u32, counter : u32, maskRowStride : i32, useMask : i32, rankSelect : i32,',
    getUserCode: () => `const WORKGROUP_SIZE : u32 = ${workgroupSize}u;\nconst MAX_VOCAB : u32 = ${MAX_VOCAB}u;\n${sampleCategoricalWgsl}`,
  };
}

// Copies one row of the packed [3, B] result into its own tensor, converting to the output dtype.
function unpackProgram(rows: number, part: number): WebGPUProgram {
  return {
    variableNames: ['packed'],
    outputShape: [rows],
    shaderKey: `rewardlab_sample_unpack_${part}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(rows / 64), 1, 1],
    workgroupSize: [64, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, packed[${part} * uniforms.size + index]);
        }
      }`,
  };
}

interface SampleAttrs {
  temperature: number;
  topP: number;
  topK: number;
  seed: number;
  counter: number;
}

const samplerKernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { logits, mask } = inputs as { logits: tf.TensorInfo; mask?: tf.TensorInfo };
  const a = attrs as unknown as SampleAttrs;
  const [rows, vocab] = logits.shape;
  const maskRowStride = mask && mask.shape.length === 2 && mask.shape[0] === rows && rows > 1 ? vocab : 0;
  const uniforms = [
    { type: 'float32', data: [a.temperature] },
    { type: 'float32', data: [a.topP] },
    { type: 'int32', data: [a.topK] },
    { type: 'uint32', data: [a.seed] },
    { type: 'uint32', data: [a.counter] },
    { type: 'int32', data: [maskRowStride] },
    { type: 'int32', data: [mask ? 1 : 0] },
    { type: 'int32', data: [vocab <= RANK_SELECT_MAX_VOCAB ? 1 : 0] },
  ];
  // Without a mask the logits stand in for it: the binding must exist, the shader ignores it (useMask = 0).
  const packed = gpu.runWebGPUProgram(samplerProgram(rows, vocab), [logits, mask ?? logits], 'float32', uniforms);
  const tokens = gpu.runWebGPUProgram(unpackProgram(rows, 0), [packed], 'int32');
  const logProbs = gpu.runWebGPUProgram(unpackProgram(rows, 1), [packed], 'float32');
  const entropy = gpu.runWebGPUProgram(unpackProgram(rows, 2), [packed], 'float32');
  gpu.disposeData(packed.dataId);
  return [tokens, logProbs, entropy];
};

function ensureKernelRegistered(): void {
  if (!tf.getKernel(SAMPLE_CATEGORICAL_KERNEL, 'webgpu')) {
    tf.registerKernel({ kernelName: SAMPLE_CATEGORICAL_KERNEL, backendName: 'webgpu', kernelFunc: samplerKernelFunc });
  }
}

/** Arguments are already checked by the public wrapper (index.ts). */
export function sampleCategoricalWebGpu(logits: tf.Tensor2D, opts: SampleOptions): SampleResult {
  if (logits.dtype !== 'float32') throw new Error(`sampleCategorical: logits must be float32, got ${logits.dtype}`);
  ensureKernelRegistered();
  const inputs: tf.NamedTensorMap = opts.mask ? { logits, mask: opts.mask } : { logits };
  const attrs = { temperature: opts.temperature, topP: opts.topP ?? 1, topK: opts.topK ?? 0, seed: opts.seed, counter: opts.counter };
  const [tokens, logProbs, entropy] = tf.engine().runKernel(SAMPLE_CATEGORICAL_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { tokens: tokens as tf.Tensor1D, logProbs: logProbs as tf.Tensor1D, entropy: entropy as tf.Tensor1D };
}
