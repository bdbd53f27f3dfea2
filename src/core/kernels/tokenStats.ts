// Per-step log-probabilities of the chosen tokens and per-step entropies of a sequence model's [B, T, V] logits, on
// WebGPU as one dispatch each way (shaders/token_log_prob.wgsl, token_entropy.wgsl) under tf.customGrad, where the
// stock log-softmax, one-hot, product and sums cost about twenty programs forward and as many backward. Callers use
// src/core/sequences.ts, which falls back to those stock ops on the other backends. CPU twins: tokenStatsCpu.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import logProbWgsl from '../../../shaders/token_log_prob.wgsl?raw';
import entropyWgsl from '../../../shaders/token_entropy.wgsl?raw';
import rowLogNormaliserWgsl from '../../../shaders/row_log_normaliser.wgsl?raw';

const LOG_PROB_KERNEL = 'RewardLabTokenLogProb';
const ENTROPY_KERNEL = 'RewardLabTokenEntropy';
const WORKGROUP_SIZE = 64;

const enum Mode {
  Forward = 0,
  Backward = 1,
}

interface Attrs {
  vocab: number;
  temperature: number;
  mode: Mode;
}

// One pipeline per shader: both modes share it (flat inputs and output, the mode is a uniform).
function program(which: 'log_prob' | 'entropy', rows: number, outputSize: number): WebGPUProgram {
  return {
    variableNames: which === 'log_prob' ? ['logits', 'actions', 'upstream'] : ['logits', 'upstream'],
    outputShape: [outputSize],
    shaderKey: `rewardlab_token_${which}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(rows / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    uniforms: 'rows : i32, vocab : i32, invTemperature : f32, mode : i32,',
    getUserCode: () => `${rowLogNormaliserWgsl}\n${which === 'log_prob' ? logProbWgsl : entropyWgsl}`,
  };
}

function kernelFunc(which: 'log_prob' | 'entropy'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const gpu = backend as WebGPUBackend;
    const { vocab, temperature, mode } = attrs as unknown as Attrs;
    const { logits, actions, upstream } = inputs as Record<string, tf.TensorInfo>;
    const rows = logits.shape[0] / vocab;
    // The forward mode ignores `upstream`; logits stand in so every binding exists.
    const bound = which === 'log_prob' ? [logits, actions, upstream ?? logits] : [logits, upstream ?? logits];
    return gpu.runWebGPUProgram(program(which, rows, mode === Mode.Forward ? rows : rows * vocab), bound, 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [vocab] },
      { type: 'float32', data: [1 / temperature] },
      { type: 'int32', data: [mode] },
    ]);
  };
}

function ensureKernelsRegistered(): void {
  if (!tf.getKernel(LOG_PROB_KERNEL, 'webgpu')) tf.registerKernel({ kernelName: LOG_PROB_KERNEL, backendName: 'webgpu', kernelFunc: kernelFunc('log_prob') });
  if (!tf.getKernel(ENTROPY_KERNEL, 'webgpu')) tf.registerKernel({ kernelName: ENTROPY_KERNEL, backendName: 'webgpu', kernelFunc: kernelFunc('entropy') });
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: Attrs): tf.Tensor1D {
  return tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}

/** [B, T, V] logits, [B, T] actions → log π(a_t) [B, T], differentiable in the logits. WebGPU only. */
export function tokenLogProbsWebGpu(logits: tf.Tensor3D, actions: tf.Tensor2D, temperature: number): tf.Tensor2D {
  ensureKernelsRegistered();
  const [B, T, V] = logits.shape;
  const flatActions = tf.reshape(tf.cast(actions, 'int32'), [B * T]);
  // customGrad passes the tensors, then the save function; what the backward pass reads is saved, not captured.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const flat = tf.reshape(args[0] as tf.Tensor, [B * T * V]);
    (args[1] as tf.GradSaveFunc)([flat, flatActions]);
    const value = tf.reshape(run(LOG_PROB_KERNEL, { logits: flat, actions: flatActions }, { vocab: V, temperature, mode: Mode.Forward }), [B, T]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], [x, a]: tf.Tensor[]) =>
      tf.reshape(run(LOG_PROB_KERNEL, { logits: x, actions: a, upstream: tf.reshape(dy as tf.Tensor, [B * T]) }, { vocab: V, temperature, mode: Mode.Backward }), [B, T, V]);
    return { value, gradFunc };
  });
  return f(logits) as tf.Tensor2D;
}

/** [B, T, V] logits → entropy of each step's softmax(logits / T) [B, T], differentiable. WebGPU only. */
export function tokenEntropyWebGpu(logits: tf.Tensor3D, temperature: number): tf.Tensor2D {
  ensureKernelsRegistered();
  const [B, T, V] = logits.shape;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const flat = tf.reshape(args[0] as tf.Tensor, [B * T * V]);
    (args[1] as tf.GradSaveFunc)([flat]);
    const value = tf.reshape(run(ENTROPY_KERNEL, { logits: flat }, { vocab: V, temperature, mode: Mode.Forward }), [B, T]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], [x]: tf.Tensor[]) =>
      tf.reshape(run(ENTROPY_KERNEL, { logits: x, upstream: tf.reshape(dy as tf.Tensor, [B * T]) }, { vocab: V, temperature, mode: Mode.Backward }), [B, T, V]);
    return { value, gradFunc };
  });
  return f(logits) as tf.Tensor2D;
}
