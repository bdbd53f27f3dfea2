// CharGru's stock sequence path against its equations on the browser backends that run it: WASM (where it is the
// training path, and where tfjs's OneHot ignores its dtype) and WebGPU with the fused kernels turned off.
import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { expectStockPathMatchesReference } from '../helpers/charGruReference';

describe.each(['wasm', 'webgpu'] as const)('CharGru stock sequence path on %s', (backend) => {
  it('gives the logits, values and weight gradients of the plain equations', async () => {
    expect((await chooseBackend(backend)).name).toBe(backend);
    await expectStockPathMatchesReference(5);
  });
});

