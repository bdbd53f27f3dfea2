// Fused rollout of the char-GRU: shaders/gru_rollout.wgsl as a registered tfjs kernel (tensors in, tensors out,
// tracked by tf.tidy, sharing tfjs's command encoder). A whole rollout of T steps costs a fixed number of
// dispatches: one fused matmul for the input-projection table, one concat of the value head, the rollout itself, and
// four unpacks.
// On other backends the CPU twin (gruRolloutCpu.ts) runs instead, reading the weights with dataSync.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { matMul } from './matMul';
import { copyFromPacked } from './packedCopy';
import gruRolloutWgsl from '../../../shaders/gru_rollout.wgsl?raw';
import sampleCategoricalWgsl from '../../../shaders/sample_categorical.wgsl?raw';
import type { GruWeights } from '../models/charGru';
import { gruRolloutCpu } from './gruRolloutCpu';
import { MASKED_LOGIT } from '../tasks/smilesSyntaxGuard';

export const GRU_ROLLOUT_KERNEL = 'RewardLabGruRollout';
/** Hidden units: two copies of the state live in workgroup memory (2 x 2 KiB). */
export const GRU_ROLLOUT_MAX_HIDDEN = 512;
/** Vocabulary: one step's logits live in workgroup memory; invocation 0 scans them serially to sample. */
export const GRU_ROLLOUT_MAX_VOCAB = 256;
/** Rows are workgroups, one dispatch dimension. */
export const GRU_ROLLOUT_MAX_ROWS = 65535;

export type GruRolloutWeights = { [K in keyof GruWeights]: tf.Tensor };

export interface GruRolloutOptions {
  batchSize: number;
  maxLength: number;
  /** 0 => argmax (lowest index on ties) with logProb 0, as sampleCategorical. */
  temperature: number;
  /** u32. */
  seed: number;
  /** u32: step t draws with sampler counter `counter + t` (and the row index), exactly as sampleSequences does. */
  counter: number;
  /**
   * Token kinds of the SMILES syntax guard (src/core/tasks/smilesSyntaxGuard.ts), one per vocabulary entry: the tokens
   * it forbids get MASKED_LOGIT before each draw. null or absent: no guard.
   */
  syntaxGuard?: Int32Array | null;
}

// A type alias, not an interface, so results are tf.TensorContainer and can be returned from tf.tidy.
export type GruRolloutResult = {
  tokens: tf.Tensor2D; // int32 [B, T]; 0 (end of sequence) after a row has ended
  mask: tf.Tensor2D; // float32 [B, T]; 1 up to and including the end token
  logProbs: tf.Tensor2D; // float32 [B, T]; 0 after the end
  values: tf.Tensor2D; // float32 [B, T]; 0 after the end
};

// The one WGSL Philox: the sampler's own code, cut out of its file, so the two kernels cannot drift apart
// (kernels-gru-rollout.test.ts also checks that both draw the same tokens).
const PHILOX_BEGIN = '// ---- Philox4x32-10';
const PHILOX_END = '// ---- workgroup reductions';
function philoxSnippet(): string {
  const begin = sampleCategoricalWgsl.indexOf(PHILOX_BEGIN);
  const end = sampleCategoricalWgsl.indexOf(PHILOX_END);
  if (begin < 0 || end < begin) {
    throw new Error(`gruRollout: the Philox section of shaders/sample_categorical.wgsl (between "${PHILOX_BEGIN}" and "${PHILOX_END}") is missing`);
  }
  return sampleCategoricalWgsl.slice(begin, end);
}

function fail(message: string): never {
  throw new Error(`gruRollout: ${message}`);
}

/** Shape and option checks, shared by both paths, before anything reaches the GPU. */
export function assertGruRolloutArgs(shapes: { [K in keyof GruWeights]: readonly number[] }, opts: GruRolloutOptions): { vocab: number; hidden: number } {
  const e = shapes.embedding;
  if (e.length !== 2) fail(`embedding must be 2-D [V, E], got [${e}]`);
  const [vocab, embedding] = e;
  const hidden = shapes.recurrentKernel[0];
  const expected: { [K in keyof GruWeights]: number[] } = {
    embedding: [vocab, embedding],
    inputKernel: [embedding, 3 * hidden],
    recurrentKernel: [hidden, 3 * hidden],
    inputBias: [3 * hidden],
    recurrentBias: [3 * hidden],
    logitsKernel: [hidden, vocab],
    logitsBias: [vocab],
    valueKernel: [hidden, 1],
    valueBias: [1],
  };
  for (const name of Object.keys(expected) as (keyof GruWeights)[]) {
    const got = shapes[name];
    const want = expected[name];
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) fail(`${name} must have shape [${want}], got [${got}]`);
  }
  if (!(vocab >= 1 && hidden >= 1 && embedding >= 1)) fail(`sizes must be positive (vocab ${vocab}, embedding ${embedding}, hidden ${hidden})`);
  if (hidden > GRU_ROLLOUT_MAX_HIDDEN) fail(`hidden size ${hidden} exceeds the fused rollout's maximum of ${GRU_ROLLOUT_MAX_HIDDEN}`);
  if (vocab > GRU_ROLLOUT_MAX_VOCAB) fail(`vocabulary size ${vocab} exceeds the fused rollout's maximum of ${GRU_ROLLOUT_MAX_VOCAB}`);
  const { batchSize: B, maxLength: T } = opts;
  if (!Number.isInteger(B) || B < 1 || B > GRU_ROLLOUT_MAX_ROWS) fail(`batchSize must be an integer in [1, ${GRU_ROLLOUT_MAX_ROWS}], got ${B}`);
  if (!Number.isInteger(T) || T < 1) fail(`maxLength must be an integer >= 1, got ${T}`);
  if (!Number.isFinite(opts.temperature) || opts.temperature < 0) fail(`temperature must be a finite number >= 0, got ${opts.temperature}`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) fail(`seed must be an integer in [0, 2^32), got ${opts.seed}`);
  if (!Number.isInteger(opts.counter) || opts.counter < 0 || opts.counter + T - 1 > 0xffffffff) {
    fail(`counter must be an integer with counter + maxLength - 1 < 2^32, got ${opts.counter} (maxLength ${T})`);
  }
  if (opts.syntaxGuard && opts.syntaxGuard.length !== vocab) fail(`the syntax guard has ${opts.syntaxGuard.length} token kinds for a vocabulary of ${vocab}`);
  return { vocab, hidden };
}

/** Whether the fused kernel can run this model (sizes within the limits above). */
export function gruRolloutSupports(size: { vocab: number; hidden: number }): boolean {
  return size.hidden <= GRU_ROLLOUT_MAX_HIDDEN && size.vocab <= GRU_ROLLOUT_MAX_VOCAB;
}

/**
 * Invocations per row, and hidden units per pass of an invocation. SwiftShader runs a workgroup as 4-wide SIMD
 * groups on one CPU thread and pays for every barrier by switching between those groups: one group per row
 * (4 invocations) keeps the three barriers per step nearly free, and the B rows keep the cores busy. Measured
 * there, the workgroup size hardly matters (4 to 64 within 10%) while 4 units per pass is ~35% faster than 1:
 * the CPU is bound by loads and loop overhead per multiply-add. Real GPUs need whole waves to hide latency:
 * 64 invocations per row, one unit per pass (H/64 units each), so more lanes share a row's step.
 */
export interface Layout {
  workgroupSize: number;
  units: number;
}
let softwareLayout: Layout = { workgroupSize: 4, units: 4 };
let hardwareLayout: Layout = { workgroupSize: 64, units: 1 };

function layoutFor(gpu: WebGPUBackend, hidden: number): Layout {
  const info = (gpu as unknown as { adapterInfo?: { architecture?: string; vendor?: string } }).adapterInfo;
  const software = `${info?.architecture ?? ''} ${info?.vendor ?? ''}`.toLowerCase().includes('swiftshader');
  const layout = software ? softwareLayout : hardwareLayout;
  // The 4-unit pass reads 4 consecutive columns: only when H is a multiple of 4.
  return { workgroupSize: layout.workgroupSize, units: hidden % 4 === 0 ? layout.units : 1 };
}

/** For tests and benchmarks: overrides the layouts on SwiftShader and on real GPUs (units: 1 or 4); returns the old ones. */
export function setGruRolloutLayouts(software: Layout, hardware: Layout): { software: Layout; hardware: Layout } {
  const previous = { software: softwareLayout, hardware: hardwareLayout };
  softwareLayout = software;
  hardwareLayout = hardware;
  return previous;
}

// A fresh program object per call (runWebGPUProgram appends to shaderKey). Everything baked into the text
// (workgroup size and the workgroup-memory limits) is in the key; sizes and options travel as uniforms.
function rolloutProgram(batch: number, steps: number, workgroupSize: number, units: number): WebGPUProgram {
  return {
    variableNames: ['table', 'recurrentKernel', 'recurrentBias', 'logitsKernel', 'logitsBias', 'valueHead', 'tokenKinds'],
    outputShape: [4, batch, steps],
    shaderKey: `rewardlab_gru_rollout_${workgroupSize}_${units}_${GRU_ROLLOUT_MAX_HIDDEN}_${GRU_ROLLOUT_MAX_VOCAB}`,
    dispatchLayout: { x: [0, 1, 2] },
    dispatch: [batch, 1, 1], // one workgroup per row
    workgroupSize: [workgroupSize, 1, 1],
    uniforms: 'temperature : f32, seed : u32, counter : u32, batch : i32, steps : i32, hidden : i32, vocab : i32, guarded : i32,',
    getUserCode: () =>
      [
        `const WORKGROUP_SIZE : i32 = ${workgroupSize};`,
        `const UNITS : i32 = ${units};`,
        `const MAX_HIDDEN : i32 = ${GRU_ROLLOUT_MAX_HIDDEN};`,
        `const MAX_VOCAB : i32 = ${GRU_ROLLOUT_MAX_VOCAB};`,
        `const MASKED_LOGIT : f32 = ${MASKED_LOGIT.toFixed(1)};`,
        philoxSnippet(),
        gruRolloutWgsl,
      ].join('\n'),
  };
}

interface RolloutAttrs {
  temperature: number;
  seed: number;
  counter: number;
  batchSize: number;
  maxLength: number;
  /** 1 when the syntax guard applies (tokenKinds then holds its kinds). */
  guarded: number;
}

const rolloutKernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as WebGPUBackend;
  const { table, recurrentKernel, recurrentBias, logitsKernel, logitsBias, valueHead, tokenKinds } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as RolloutAttrs;
  const [hidden] = recurrentKernel.shape;
  const [vocab] = logitsBias.shape;
  const B = a.batchSize;
  const T = a.maxLength;
  const layout = layoutFor(gpu, hidden);
  const packed = gpu.runWebGPUProgram(
    rolloutProgram(B, T, layout.workgroupSize, layout.units),
    [table, recurrentKernel, recurrentBias, logitsKernel, logitsBias, valueHead, tokenKinds],
    'float32',
    [
      { type: 'float32', data: [a.temperature] },
      { type: 'uint32', data: [a.seed] },
      { type: 'uint32', data: [a.counter] },
      { type: 'int32', data: [B] },
      { type: 'int32', data: [T] },
      { type: 'int32', data: [hidden] },
      { type: 'int32', data: [vocab] },
      { type: 'int32', data: [a.guarded] },
    ],
  );
  // The packed result is [4, B, T]: tokens, log-probabilities, values, mask.
  const outputs = [0, 1, 2, 3].map((plane) => copyFromPacked(gpu, packed, plane * B * T, [B, T], plane === 0 ? 'int32' : 'float32'));
  gpu.disposeData(packed.dataId);
  return outputs;
};

function ensureKernelRegistered(): void {
  if (!tf.getKernel(GRU_ROLLOUT_KERNEL, 'webgpu')) {
    tf.registerKernel({ kernelName: GRU_ROLLOUT_KERNEL, backendName: 'webgpu', kernelFunc: rolloutKernelFunc });
  }
}

/**
 * Samples B sequences of up to T tokens from the GRU policy with the given weights, starting from the
 * end-of-sequence token and zero state. Step t: embed the previous token, GRU cell, logits and value, then draw
 * with sampleCategorical's Philox stream (seed, counter + t, row) at the given temperature, after the syntax guard (if
 * any) has masked the tokens it forbids. Token 0 ends a row.
 * No gradient: keep it off the taped path. Bad input throws here. On WebGPU a row whose logits turn non-finite
 * gets token -1 with a NaN logProb and ends; the CPU twin throws instead (as sampleCategorical does).
 */
export function gruRollout(weights: GruRolloutWeights, opts: GruRolloutOptions): GruRolloutResult {
  const shapes = Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w.shape])) as { [K in keyof GruWeights]: number[] };
  assertGruRolloutArgs(shapes, opts);
  const attrs = { temperature: opts.temperature, seed: opts.seed, counter: opts.counter, batchSize: opts.batchSize, maxLength: opts.maxLength, guarded: opts.syntaxGuard ? 1 : 0 };
  if (tf.getBackend() === 'webgpu') {
    for (const [name, w] of Object.entries(weights)) if (w.dtype !== 'float32') fail(`${name} must be float32, got ${w.dtype}`);
    ensureKernelRegistered();
    return tf.tidy(() => {
      // x·W_x + b_x for every token at once: the kernel looks rows of this table up instead of embedding each step.
      const table = matMul(weights.embedding as tf.Tensor2D, weights.inputKernel as tf.Tensor2D, false, false, weights.inputBias);
      const inputs: tf.NamedTensorMap = {
        table,
        recurrentKernel: weights.recurrentKernel,
        recurrentBias: weights.recurrentBias,
        logitsKernel: weights.logitsKernel,
        logitsBias: weights.logitsBias,
        // The value kernel and bias as one buffer: with the output, 8 storage buffers, the per-stage limit WebGPU guarantees.
        valueHead: tf.concat([tf.reshape(weights.valueKernel, [-1]), weights.valueBias]),
        // Without a guard the kernel skips the masking (uniform guarded = 0); the buffer still has to be bound.
        tokenKinds: tf.tensor1d(opts.syntaxGuard ?? new Int32Array(weights.logitsBias.shape[0]), 'int32'),
      };
      const [tokens, mask, logProbs, values] = tf.engine().runKernel(GRU_ROLLOUT_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D[];
      return { tokens, mask, logProbs, values };
    });
  }
  const values = Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w.dataSync() as Float32Array])) as { [K in keyof GruWeights]: Float32Array };
  const out = gruRolloutCpu(values, opts);
  const shape: [number, number] = [opts.batchSize, opts.maxLength];
  return {
    tokens: tf.tensor2d(out.tokens, shape, 'int32'),
    mask: tf.tensor2d(out.mask, shape, 'float32'),
    logProbs: tf.tensor2d(out.logProbs, shape, 'float32'),
    values: tf.tensor2d(out.values, shape, 'float32'),
  };
}
