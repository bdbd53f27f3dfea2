// The GRU recurrence over whole teacher-forced sequences as two WGSL kernels (forward and backpropagation through
// time), tied together with tf.customGrad so tf.variableGrads and the optimizers see one differentiable op.
// Why: under stock autodiff the per-step loop costs ~50 GPU programs per step (forward and backward); here a whole
// update's recurrence is a handful of dispatches whatever T is. CPU twin: gruSequenceCpu.ts. WebGPU only: other
// backends keep CharGru's stock per-step path (see CharGru.forwardSequence).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { copyFromPacked } from './packedCopy';
import forwardWgsl from '../../../shaders/gru_sequence_forward.wgsl?raw';
import backwardWgsl from '../../../shaders/gru_sequence_backward.wgsl?raw';
import { weightGradient } from './gruSequenceWeightGradient';

export const GRU_SEQUENCE_FORWARD_KERNEL = 'RewardLabGruSequenceForward';
export const GRU_SEQUENCE_BACKWARD_KERNEL = 'RewardLabGruSequenceBackward';
/** Hidden units: the backward kernel keeps 4·H floats in workgroup memory (8 KiB at 512; WebGPU guarantees 16 KiB). */
export const GRU_SEQUENCE_MAX_HIDDEN = 512;
/** Rows are workgroups, one dispatch dimension. */
export const GRU_SEQUENCE_MAX_ROWS = 65535;
/** Planes the forward kernel writes (h, r, z, n, m), each [B, T, H]. */
const SAVED_PLANES = 5;

/** Whether the fused kernels can run a model of this size on this backend. */
export function gruSequenceSupports(hidden: number, batch: number): boolean {
  return tf.getBackend() === 'webgpu' && hidden >= 1 && hidden <= GRU_SEQUENCE_MAX_HIDDEN && batch >= 1 && batch <= GRU_SEQUENCE_MAX_ROWS;
}

/**
 * Invocations per row and hidden units per pass, as for the fused rollout (gruRollout.ts explains the measurements):
 * SwiftShader runs a workgroup as 4-wide SIMD groups on one CPU thread, so 4 invocations with 4 units each
 * (12 multiply-adds per load of the state); real GPUs want whole waves, 64 invocations with one unit each.
 */
export interface GruSequenceLayout {
  workgroupSize: number;
  units: number;
}
let softwareLayout: GruSequenceLayout = { workgroupSize: 4, units: 4 };
let hardwareLayout: GruSequenceLayout = { workgroupSize: 64, units: 1 };

function layoutFor(gpu: WebGPUBackend, hidden: number): GruSequenceLayout {
  const info = (gpu as unknown as { adapterInfo?: { architecture?: string; vendor?: string } }).adapterInfo;
  const software = `${info?.architecture ?? ''} ${info?.vendor ?? ''}`.toLowerCase().includes('swiftshader');
  const layout = software ? softwareLayout : hardwareLayout;
  // 4 units per pass read 4 consecutive columns: only when H is a multiple of 4.
  return { workgroupSize: layout.workgroupSize, units: hidden % 4 === 0 ? layout.units : 1 };
}

/** For tests and benchmarks: overrides the layouts (units 1 or 4); returns the old ones. */
export function setGruSequenceLayouts(software: GruSequenceLayout, hardware: GruSequenceLayout): { software: GruSequenceLayout; hardware: GruSequenceLayout } {
  const previous = { software: softwareLayout, hardware: hardwareLayout };
  softwareLayout = software;
  hardwareLayout = hardware;
  return previous;
}

// A fresh program object per call (runWebGPUProgram appends to shaderKey). The constants baked into the text are
// in the key; sizes travel as uniforms.
function recurrenceProgram(
  direction: 'forward' | 'backward',
  variableNames: string[],
  outputShape: number[],
  batch: number,
  layout: GruSequenceLayout,
): WebGPUProgram {
  return {
    variableNames,
    outputShape,
    shaderKey: `rewardlab_gru_sequence_${direction}_${layout.workgroupSize}_${layout.units}_${GRU_SEQUENCE_MAX_HIDDEN}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [batch, 1, 1], // one workgroup per row
    workgroupSize: [layout.workgroupSize, 1, 1],
    uniforms: 'batch : i32, steps : i32, hidden : i32,',
    getUserCode: () =>
      [
        `const WORKGROUP_SIZE : i32 = ${layout.workgroupSize};`,
        `const UNITS : i32 = ${layout.units};`,
        `const MAX_HIDDEN : i32 = ${GRU_SEQUENCE_MAX_HIDDEN};`,
        direction === 'forward' ? forwardWgsl : backwardWgsl,
      ].join('\n'),
  };
}

function dims(batch: number, steps: number, hidden: number) {
  return [
    { type: 'int32', data: [batch] },
    { type: 'int32', data: [steps] },
    { type: 'int32', data: [hidden] },
  ];
}

// inputs: projections [B, T, 3H], recurrentKernel [H, 3H], recurrentBias [3H] → hidden [B, T, H], saved [5, B, T, H]
const forwardKernelFunc: tf.KernelFunc = ({ inputs, backend }) => {
  const gpu = backend as WebGPUBackend;
  const { projections, recurrentKernel, recurrentBias } = inputs as Record<string, tf.TensorInfo>;
  const [B, T] = projections.shape;
  const H = recurrentKernel.shape[0];
  const saved = gpu.runWebGPUProgram(
    recurrenceProgram('forward', ['projections', 'recurrentKernel', 'recurrentBias'], [SAVED_PLANES, B, T, H], B, layoutFor(gpu, H)),
    [projections, recurrentKernel, recurrentBias],
    'float32',
    dims(B, T, H),
  );
  return [copyFromPacked(gpu, saved, 0, [B, T, H]), saved];
};

// inputs: gradHidden [B, T, H], saved, recurrentKernel [H, 3H], recurrentTransposed [3H, H]
//   → gradProjections [B, T, 3H], gradRecurrent q [B·T, 3H], previousHidden [B·T, H]
const backwardKernelFunc: tf.KernelFunc = ({ inputs, backend }) => {
  const gpu = backend as WebGPUBackend;
  const { gradHidden, saved, recurrentKernel, recurrentTransposed } = inputs as Record<string, tf.TensorInfo>;
  const [B, T, H] = gradHidden.shape;
  const packed = gpu.runWebGPUProgram(
    recurrenceProgram('backward', ['gradHidden', 'saved', 'recurrentKernel', 'recurrentTransposed'], [B * T * 7 * H], B, layoutFor(gpu, H)),
    [gradHidden, saved, recurrentKernel, recurrentTransposed],
    'float32',
    dims(B, T, H),
  );
  const x3 = B * T * 3 * H;
  const outputs = [copyFromPacked(gpu, packed, 0, [B, T, 3 * H]), copyFromPacked(gpu, packed, x3, [B * T, 3 * H]), copyFromPacked(gpu, packed, 2 * x3, [B * T, H])];
  gpu.disposeData(packed.dataId);
  return outputs;
};

function ensureKernelsRegistered(): void {
  if (!tf.getKernel(GRU_SEQUENCE_FORWARD_KERNEL, 'webgpu')) {
    tf.registerKernel({ kernelName: GRU_SEQUENCE_FORWARD_KERNEL, backendName: 'webgpu', kernelFunc: forwardKernelFunc });
  }
  if (!tf.getKernel(GRU_SEQUENCE_BACKWARD_KERNEL, 'webgpu')) {
    tf.registerKernel({ kernelName: GRU_SEQUENCE_BACKWARD_KERNEL, backendName: 'webgpu', kernelFunc: backwardKernelFunc });
  }
}

function fail(message: string): never {
  throw new Error(`gruSequence: ${message}`);
}

// customGrad passes tensors then the save function, all typed as one union.
const fusedRecurrence = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [projections, recurrentKernel, recurrentBias] = args as tf.Tensor[];
  const save = args[3] as tf.GradSaveFunc;
  const [hidden, saved] = tf.engine().runKernel(GRU_SEQUENCE_FORWARD_KERNEL, { projections, recurrentKernel, recurrentBias }) as tf.Tensor[];
  save([saved, recurrentKernel]);
  return {
    value: hidden,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], keep: tf.Tensor[]) => {
      const [forward, kernel] = keep;
      const [gradProjections, q, previous] = tf.engine().runKernel(GRU_SEQUENCE_BACKWARD_KERNEL, {
        gradHidden: dy as tf.Tensor,
        saved: forward,
        recurrentKernel: kernel,
        recurrentTransposed: tf.transpose(kernel),
      }) as tf.Tensor[];
      // dU = Σ_{b,t} h_{t-1}ᵀ q_t and db = Σ_{b,t} q_t over all B·T positions, in one kernel of our own (tfjs's
      // transposed matmul and axis-0 sum took longer than the whole recurrence on SwiftShader).
      const { kernel: gradKernel, bias: gradBias } = weightGradient(previous as tf.Tensor2D, q as tf.Tensor2D);
      return [gradProjections, gradKernel, gradBias];
    },
  };
});

/**
 * Hidden states [B, T, H] of the GRU recurrence h_t = cell(x_t, h_{t-1}), h_0 = 0, for input projections
 * x = embedding·W_x + b_x [B, T, 3H] (gates reset | update | candidate, reset gate after the recurrent matmul,
 * exactly CharGru.step), recurrent kernel U [H, 3H] and bias b [3H]. Differentiable in all three inputs.
 * WebGPU only; bad input throws here.
 */
export function gruSequence(projections: tf.Tensor3D, recurrentKernel: tf.Tensor2D, recurrentBias: tf.Tensor1D): tf.Tensor3D {
  const [B, T, H3] = projections.shape;
  const H = recurrentKernel.shape[0];
  if (tf.getBackend() !== 'webgpu') fail(`needs the webgpu backend, not ${tf.getBackend()}`);
  if (recurrentKernel.shape[1] !== 3 * H || H3 !== 3 * H) fail(`projections [B, T, 3H] and recurrentKernel [H, 3H] disagree: [${projections.shape}] and [${recurrentKernel.shape}]`);
  if (recurrentBias.shape.length !== 1 || recurrentBias.shape[0] !== 3 * H) fail(`recurrentBias must have shape [${3 * H}], got [${recurrentBias.shape}]`);
  if (!gruSequenceSupports(H, B)) fail(`hidden ${H} (max ${GRU_SEQUENCE_MAX_HIDDEN}) or batch ${B} (max ${GRU_SEQUENCE_MAX_ROWS}) out of range`);
  if (!(T >= 1)) fail(`needs at least one step, got ${T}`);
  for (const [name, t] of [['projections', projections], ['recurrentKernel', recurrentKernel], ['recurrentBias', recurrentBias]] as const) {
    if (t.dtype !== 'float32') fail(`${name} must be float32, got ${t.dtype}`);
  }
  ensureKernelsRegistered();
  return fusedRecurrence(projections, recurrentKernel, recurrentBias) as tf.Tensor3D;
}
