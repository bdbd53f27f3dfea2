// SHA-256 over a canonical serialisation of a checkpoint. crypto.subtle exists in pages, Workers and Node 20
// (in pages and Workers only in secure contexts: https or localhost).
//
// Digest = SHA-256( SHA-256(header) ‖ SHA-256(tensor 1 bytes) ‖ … ), where header is the canonical JSON of every
// non-tensor field plus each tensor's group, name, shape and dtype. Hashing tensors one by one avoids copying all
// weights into one buffer.
import { corpusParts, linesBytes } from './ownDataLines';
import { tensorBytes } from './tensors';
import type { ChecksummedFields, OwnDataSection, SerializedTensor } from './types';

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
  return digestOfParts([encoder.encode(header), ...[...cp.weights, ...cp.optimizer].map(tensorBytes)]);
}

/** The learned models' own digest, built the same way from their names, shapes, dtypes and bytes. */
export async function learnedModelsChecksum(tensors: readonly SerializedTensor[]): Promise<string> {
  const header = canonicalJson({
    format: 'rewardlab-learned-models-checksum/1',
    tensors: tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype })),
  });
  return digestOfParts([encoder.encode(header), ...tensors.map(tensorBytes)]);
}

/** The own-data section's digest: its corpus's small fields and list lengths, each list as UTF-8 lines, the prior's tensors. */
export async function ownDataChecksum(section: OwnDataSection): Promise<string> {
  const { fields, lists } = corpusParts(section.corpus);
  const prior = section.prior ?? [];
  const header = canonicalJson({
    format: 'rewardlab-own-data-checksum/1',
    corpus: fields,
    counts: lists.map((l) => l.length),
    tensors: prior.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype })),
  });
  return digestOfParts([encoder.encode(header), ...lists.map(linesBytes), ...prior.map(tensorBytes)]);
}

/**
 * Why a saved section cannot be trusted, without the pronoun ("checksum is missing", "contents cannot be checked",
 * "checksum does not match"), or null when `digest` of the section gives the checksum stored with it.
 */
export async function checksumProblem<T>(section: T, stored: unknown, digest: (section: T) => Promise<string>): Promise<string | null> {
  if (typeof stored !== 'string') return 'checksum is missing';
  try {
    return (await digest(section)) === stored ? null : 'checksum does not match';
  } catch {
    return 'contents cannot be checked';
  }
}

/** SHA-256 of the parts' SHA-256s, in order: no part is copied into one big buffer. */
async function digestOfParts(parts: readonly Uint8Array<ArrayBuffer>[]): Promise<string> {
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
