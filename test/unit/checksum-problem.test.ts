// One checksum check serves the checkpoint, its own-data section and its learned-models section: each says in the same
// words why a saved part cannot be trusted, and the learned-models section is dropped (not the run) when it fails.
import { describe, expect, it } from 'vitest';
import { checksumProblem, learnedModelsChecksum } from '../../src/core/checkpoints/checksum';
import { verifiedLearnedSection } from '../../src/core/checkpoints/learnedSection';
import type { SerializedTensor } from '../../src/core/checkpoints/types';

const tensors: SerializedTensor[] = [{ name: 'reward/w', shape: [2, 2], dtype: 'float32', data: new Float32Array([1, 2, 3, 4]) }];

describe('checksumProblem', () => {
  it('is null when the digest matches and names the failure otherwise', async () => {
    const digest = async (s: string) => `digest of ${s}`;
    expect(await checksumProblem('a', 'digest of a', digest)).toBeNull();
    expect(await checksumProblem('a', 'digest of b', digest)).toBe('checksum does not match');
    expect(await checksumProblem('a', undefined, digest)).toBe('checksum is missing');
    expect(await checksumProblem('a', 42, digest)).toBe('checksum is missing');
    const throwing = async () => {
      throw new Error('unreadable');
    };
    expect(await checksumProblem('a', 'digest of a', throwing)).toBe('contents cannot be checked');
  });
});

describe('verifiedLearnedSection', () => {
  it('keeps intact weights and drops changed ones with the reason', async () => {
    const checksum = await learnedModelsChecksum(tensors);
    expect(await verifiedLearnedSection(tensors, checksum)).toEqual({ learnedModels: tensors, learnedChecksum: checksum });
    const changed = [{ ...tensors[0], data: new Float32Array([1, 2, 3, 5]) }];
    expect((await verifiedLearnedSection(changed, checksum)).learnedProblem).toBe(
      'the saved weights of its learned reward models are damaged (their checksum does not match), so they were not used',
    );
    expect((await verifiedLearnedSection(tensors, undefined)).learnedProblem).toMatch(/\(their checksum is missing\)/);
    expect(await verifiedLearnedSection(undefined, undefined)).toEqual({});
  });
});
