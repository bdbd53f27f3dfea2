// Our fused kernels write several results into one packed buffer (a tfjs program has one output); this copies one
// of them out into a tensor of its own. One shared program for every kernel and every shape (it runs flat and the
// result is reshaped for free), so the first update compiles one pipeline per dtype here instead of one per use.
import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP_SIZE = 64;

function copyProgram(size: number): WebGPUProgram {
  return {
    variableNames: ['packed'],
    outputShape: [size],
    shaderKey: 'rewardlab_packed_copy',
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    size: true,
    uniforms: 'offset : i32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, packed[uniforms.offset + index]);
        }
      }`,
  };
}

/** The `shape`-sized block of `packed` starting at element `offset`, as a new tensor of `dtype` (converted). */
export function copyFromPacked(gpu: WebGPUBackend, packed: tf.TensorInfo, offset: number, shape: number[], dtype: 'float32' | 'int32' = 'float32'): tf.TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = gpu.runWebGPUProgram(copyProgram(size), [packed], dtype, [{ type: 'int32', data: [offset] }]);
  // As tfjs's own reshape does on this backend: the same data, another shape of the same size.
  return { dataId: flat.dataId, shape, dtype: flat.dtype };
}
