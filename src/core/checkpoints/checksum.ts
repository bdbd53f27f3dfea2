// SHA-256 over a canonical serialisation of a checkpoint. crypto.subtle exists in pages, Workers and Node 20
// (in pages and Workers only in secure contexts: https or localhost).
//
// Digest = SHA-256( SHA-256(header) ‖ SHA-256(tensor 1 bytes) ‖ … ), where header is the canonical JSON of every
// non-tensor field plus each tensor's group, name, shape and dtype. Hashing tensors one by one avoids copying all
// weights into one buffer.
import { tensorBytes } from './tensors';
import type { ChecksummedFields, SerializedTensor } from './types';

const encoder = new TextEncoder();

export async function checkpointChecksum(cp: ChecksummedFields): Promise<string> {
  const header = canonicalJson({
    format: 'rewardlab-checkpoint-checksum/1',
    createdAt: cp.createdAt,
    config: cp.config,
    update: cp.update,
    rng: cp.rng,
    metrics: cp.metrics,
    meanReward: cp.meanReward,
    // Only when present, so checkpoints saved before this field existed keep their checksum.
    ...(cp.molecules ? { molecules: cp.molecules } : {}),
    ...(cp.preferences?.length ? { preferences: cp.preferences } : {}),
    tensors: [
      ...cp.weights.map((t) => ({ group: 'weights', name: t.name, shape: t.shape, dtype: t.dtype })),
      ...cp.optimizer.map((t) => ({ group: 'optimizer', name: t.name, shape: t.shape, dtype: t.dtype })),
    ],
  });
  const parts = [encoder.encode(header), ...[...cp.weights, ...cp.optimizer].map(tensorBytes)];
  const digests = await Promise.all(parts.map((p) => crypto.subtle.digest('SHA-256', p)));
  const joined = new Uint8Array(digests.length * 32);
  digests.forEach((d, i) => joined.set(new Uint8Array(d), i * 32));
  return toHex(await crypto.subtle.digest('SHA-256', joined));
}

/** The learned models' own digest, built the same way from their names, shapes, dtypes and bytes. */
export async function learnedModelsChecksum(tensors: readonly SerializedTensor[]): Promise<string> {
  const header = canonicalJson({
    format: 'rewardlab-learned-models-checksum/1',
    tensors: tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype })),
  });
  const parts = [encoder.encode(header), ...tensors.map(tensorBytes)];
  const digests = await Promise.all(parts.map((p) => crypto.subtle.digest('SHA-256', p)));
  const joined = new Uint8Array(digests.length * 32);
  digests.forEach((d, i) => joined.set(new Uint8Array(d), i * 32));
  return toHex(await crypto.subtle.digest('SHA-256', joined));
}

/** JSON with object keys sorted at every depth, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    // fromEntries defines own properties, so a "__proto__" key stays data instead of changing the prototype.
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  });
}

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}
