// Pretrained priors on disk: a JSON manifest (size, vocabulary, tensor layout, checksum) beside a raw float32 file.
// Written by `npm run pretrain`, shipped in public/priors/, loaded by the Worker.
import * as v from 'valibot';
import { WEIGHT_NAMES, weightShapes, type GruSize } from './models/charGru';

export const PRIOR_FORMAT = 'rewardlab-prior';

const ManifestSchema = v.object({
  format: v.literal(PRIOR_FORMAT),
  version: v.literal(1),
  task: v.string(),
  size: v.object({ vocab: v.number(), embedding: v.number(), hidden: v.number() }),
  vocab: v.array(v.string()),
  tensors: v.array(v.object({ name: v.string(), shape: v.array(v.number()), offset: v.number() })),
  sha256: v.string(),
  training: v.optional(v.record(v.string(), v.unknown()), {}),
});
export type PriorManifest = v.InferOutput<typeof ManifestSchema>;

export interface Prior {
  manifest: PriorManifest;
  values: Record<string, Float32Array>;
}

/** File stem of a prior for a task and model size, e.g. "names-e32-h128". */
export function priorStem(task: string, size: Pick<GruSize, 'embedding' | 'hidden'>): string {
  return `${task}-e${size.embedding}-h${size.hidden}`;
}

export async function sha256Hex(bytes: ArrayBuffer | ArrayBufferView): Promise<string> {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function serializePrior(
  task: string,
  size: GruSize,
  vocab: readonly string[],
  values: Record<string, Float32Array>,
  training: Record<string, unknown>,
): Promise<{ manifest: PriorManifest; bin: Uint8Array }> {
  const shapes = weightShapes(size);
  let offset = 0;
  const tensors = WEIGHT_NAMES.map((name) => {
    const entry = { name, shape: shapes[name], offset };
    offset += values[name].length;
    return entry;
  });
  const all = new Float32Array(offset);
  for (const t of tensors) all.set(values[t.name], t.offset);
  const bin = new Uint8Array(all.buffer);
  const manifest: PriorManifest = { format: PRIOR_FORMAT, version: 1, task, size, vocab: [...vocab], tensors, sha256: await sha256Hex(bin), training };
  return { manifest, bin };
}

/** Validates a manifest and its weights file; throws an Error saying what is wrong. */
export async function parsePrior(manifestJson: unknown, bin: ArrayBuffer): Promise<Prior> {
  const parsed = v.safeParse(ManifestSchema, manifestJson);
  if (!parsed.success) throw new Error(`Prior manifest is invalid at ${v.getDotPath(parsed.issues[0]) ?? 'top level'}: ${parsed.issues[0].message}`);
  const manifest = parsed.output;
  if ((await sha256Hex(bin)) !== manifest.sha256) throw new Error('Prior weights do not match their checksum (the file is damaged or from another version)');
  if (bin.byteLength % 4 !== 0) throw new Error('Prior weights file is not a whole number of float32 values');
  const all = new Float32Array(bin);
  const shapes = weightShapes(manifest.size);
  const values: Record<string, Float32Array> = {};
  for (const name of WEIGHT_NAMES) {
    const entry = manifest.tensors.find((t) => t.name === name);
    if (!entry) throw new Error(`Prior is missing weight "${name}"`);
    const count = shapes[name].reduce((a, b) => a * b, 1);
    if (entry.shape.join(',') !== shapes[name].join(',') || entry.offset + count > all.length) {
      throw new Error(`Prior weight "${name}" has shape [${entry.shape}] but the model needs [${shapes[name]}]`);
    }
    values[name] = all.slice(entry.offset, entry.offset + count);
  }
  return { manifest, values };
}

/** The list of shipped priors, so a missing size is known without a request that fails (and logs) in the browser. */
export async function fetchPriorIndex(baseUrl: string): Promise<string[]> {
  const res = await fetch(new URL('priors/index.json', baseUrl));
  if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return [];
  const index: unknown = await res.json();
  const stems = (index as { priors?: unknown }).priors;
  return Array.isArray(stems) ? stems.filter((s): s is string => typeof s === 'string') : [];
}

/** Fetches a shipped prior; resolves null when none exists for this size (the caller then pretrains). */
export async function fetchPrior(baseUrl: string, stem: string): Promise<Prior | null> {
  if (!(await fetchPriorIndex(baseUrl)).includes(stem)) return null;
  const manifest = await fetch(new URL(`priors/${stem}.json`, baseUrl));
  if (!manifest.ok) throw new Error(`Could not load the prior ${stem}.json: HTTP ${manifest.status}`);
  const bin = await fetch(new URL(`priors/${stem}.bin`, baseUrl));
  if (!bin.ok) throw new Error(`Could not load the prior weights ${stem}.bin: HTTP ${bin.status}`);
  return parsePrior(await manifest.json(), await bin.arrayBuffer());
}
