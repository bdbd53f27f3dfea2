// The export file: one self-describing binary file per checkpoint.
//
//   bytes 0–7    magic "RWLBCKPT" (ASCII)
//   bytes 8–11   format version, uint32 little-endian (FILE_VERSION)
//   bytes 12–15  header length H in bytes, uint32 little-endian
//   16 … 16+H    header: UTF-8 JSON (FileHeader below)
//   then         tensor data, back to back in header order (weights, optimizer, learned models, then the prior
//                trained on the user's own data), little-endian float32/int32
//   then         the user's own corpus, when the run was trained on it: UTF-8 lines, one block per list (ownDataFile.ts)
//
// Reading validates everything before anything is stored: size caps, magic, version, header schema, the config
// through parseConfig, byte lengths against shapes, and optionally weight shapes against the config. The own-data
// section is checked on its own: a malformed or damaged one is dropped with a note, the rest still imports.
import * as v from 'valibot';
import { MoleculeLearnerStateSchema } from '../chem/learnerState';
import { formatErrors, parseConfig, type ExperimentConfig } from '../config';
import { ownDataFileParts, readOwnDataFromFile } from './ownDataFile';
import { MAX_PROBLEM_CHARS } from './ownDataSection';
import { BYTES_PER_ELEMENT, elementCount, isValidShape, shapeMismatch, tensorBytes } from './tensors';
import { CheckpointError, type Checkpoint, type SerializedTensor } from './types';
import { LabelledPairsSchema } from '../learned/preferences';

export const FILE_MAGIC = 'RWLBCKPT';
export const FILE_VERSION = 1;
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
export const MAX_HEADER_BYTES = 32 * 1024 * 1024;
const PREAMBLE_BYTES = 16;

const TensorHeaderSchema = v.object({
  group: v.picklist(['weights', 'optimizer', 'learned', 'own']),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  shape: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), v.maxLength(8)),
  dtype: v.picklist(['float32', 'int32']),
  byteLength: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

const FileHeaderSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(200)),
  createdAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
  config: v.unknown(),
  update: v.pipe(v.number(), v.integer(), v.minValue(0)),
  meanReward: v.nullable(v.pipe(v.number(), v.finite())),
  rng: v.pipe(v.array(v.pipe(v.number(), v.finite())), v.maxLength(1 << 16)),
  metrics: v.array(v.unknown()),
  checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  tensors: v.pipe(v.array(TensorHeaderSchema), v.maxLength(100_000)),
  /** Molecules (optional: files from before it existed have none). */
  molecules: v.optional(MoleculeLearnerStateSchema),
  /** RLHF labels (optional: files from before it existed have none). */
  preferences: v.optional(LabelledPairsSchema),
  /** SHA-256 of the learned models' tensors (optional: files without learned models have none). */
  learnedChecksum: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
  /** The user's own data (optional: runs on built-in data, and older files, have none); read by ownDataFile.ts. */
  ownData: v.optional(v.unknown()),
  /** Why an own-data section was dropped when this checkpoint was imported before (kept for the resume's note). */
  ownDataProblem: v.optional(v.pipe(v.string(), v.maxLength(MAX_PROBLEM_CHARS))),
});
type FileHeader = v.InferOutput<typeof FileHeaderSchema>;

/** Weight shapes the current model expects, by tensor name; a function receives the file's config. */
export type ExpectedShapes =
  | Readonly<Record<string, readonly number[]>>
  | ((config: ExperimentConfig) => Readonly<Record<string, readonly number[]>>);

export function encodeCheckpointFile(cp: Checkpoint): Blob {
  // Only a verified section (one with its checksum) is written.
  const own = cp.ownData && cp.ownDataChecksum ? ownDataFileParts(cp.ownData, cp.ownDataChecksum) : null;
  const tensors = [
    ...cp.weights.map((t) => ({ group: 'weights' as const, t })),
    ...cp.optimizer.map((t) => ({ group: 'optimizer' as const, t })),
    ...(cp.learnedModels ?? []).map((t) => ({ group: 'learned' as const, t })),
    ...(own ? (cp.ownData?.prior ?? []) : []).map((t) => ({ group: 'own' as const, t })),
  ];
  const header: FileHeader = {
    name: cp.name,
    createdAt: cp.createdAt,
    config: cp.config,
    update: cp.update,
    meanReward: cp.meanReward,
    rng: cp.rng,
    metrics: cp.metrics,
    checksum: cp.checksum,
    ...(cp.molecules ? { molecules: cp.molecules } : {}),
    ...(cp.preferences?.length ? { preferences: cp.preferences } : {}),
    ...(cp.learnedModels?.length && cp.learnedChecksum ? { learnedChecksum: cp.learnedChecksum } : {}),
    ...(own ? { ownData: own.header } : {}),
    ...(cp.ownDataProblem ? { ownDataProblem: cp.ownDataProblem.slice(0, MAX_PROBLEM_CHARS) } : {}),
    tensors: tensors.map(({ group, t }) => ({ group, name: t.name, shape: t.shape, dtype: t.dtype, byteLength: t.data.byteLength })),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  preamble.set(new TextEncoder().encode(FILE_MAGIC), 0);
  const view = new DataView(preamble.buffer);
  view.setUint32(8, FILE_VERSION, true);
  view.setUint32(12, headerBytes.byteLength, true);
  const blocks = [preamble, headerBytes, ...tensors.map(({ t }) => tensorBytes(t)), ...(own?.blocks ?? [])];
  return new Blob(blocks, { type: 'application/octet-stream' });
}

/**
 * A checkpoint read from a file, not yet checksummed (the caller compares `checksum`, `learnedChecksum` and
 * `ownDataChecksum` with fresh ones). `ownDataProblem` says why a malformed own-data section was left out.
 */
export type DecodedFile = Omit<Checkpoint, 'id'>;

export async function decodeCheckpointFile(file: Blob, expectedShapes?: ExpectedShapes): Promise<DecodedFile> {
  if (file.size > MAX_FILE_BYTES) refuse(`it is ${mb(file.size)}, larger than the ${mb(MAX_FILE_BYTES)} limit`);
  if (file.size < PREAMBLE_BYTES) refuse('it is too short to be a RewardLab checkpoint');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== FILE_MAGIC) refuse('it is not a RewardLab checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FILE_VERSION) refuse(`it uses checkpoint format ${version}; this RewardLab reads format ${FILE_VERSION}`);
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_HEADER_BYTES || PREAMBLE_BYTES + headerLength > bytes.byteLength) refuse('it is cut short (its header is incomplete)');

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch {
    refuse('its header is not readable');
  }
  const parsedHeader = v.safeParse(FileHeaderSchema, json);
  if (!parsedHeader.success) {
    const issue = parsedHeader.issues[0];
    refuse(`its header is invalid at ${v.getDotPath(issue) ?? 'the top level'} (${issue.message})`);
  }
  const header = parsedHeader.output;
  const config = parseConfig(header.config);
  if (!config.ok) refuse(`its settings are invalid: ${formatErrors(config.errors).slice(0, 300)}`);

  // Tensor data: each byte length must match its shape, and together they must fill the rest of the file exactly.
  let offset = PREAMBLE_BYTES + headerLength;
  const weights: SerializedTensor[] = [];
  const optimizer: SerializedTensor[] = [];
  const learned: SerializedTensor[] = [];
  const own: SerializedTensor[] = [];
  const seen = { weights: new Set<string>(), optimizer: new Set<string>(), learned: new Set<string>(), own: new Set<string>() };
  for (const t of header.tensors) {
    if (!isValidShape(t.shape)) refuse(`tensor "${t.name}" has an invalid shape`);
    if (seen[t.group].has(t.name)) refuse(`it has two ${t.group} tensors named "${t.name}"`);
    seen[t.group].add(t.name);
    if (t.byteLength !== elementCount(t.shape) * BYTES_PER_ELEMENT) refuse(`tensor "${t.name}" has ${t.byteLength} bytes, which does not fit its shape [${t.shape.join(', ')}]`);
    if (offset + t.byteLength > bytes.byteLength) refuse('it is cut short (tensor data is missing)');
    const copy = bytes.slice(offset, offset + t.byteLength).buffer;
    offset += t.byteLength;
    const data = t.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
    ({ weights, optimizer, learned, own })[t.group].push({ name: t.name, shape: t.shape, dtype: t.dtype, data });
  }
  const expected = typeof expectedShapes === 'function' ? expectedShapes(config.config) : expectedShapes;
  const { end, ...ownData } = readOwnDataFromFile(header.ownData, own, bytes, offset, config.config, expected);
  // An unreadable own-data entry leaves its blocks' size unknown: the rest of the file is taken to be them.
  offset = end ?? bytes.byteLength;
  if (offset !== bytes.byteLength) refuse(`it has ${bytes.byteLength - offset} unexpected bytes after the tensors`);

  if (expected) {
    const problem = shapeMismatch(weights, expected);
    if (problem) refuse(problem);
  }

  return {
    name: header.name,
    createdAt: header.createdAt,
    config: config.config,
    update: header.update,
    weights,
    optimizer,
    rng: header.rng,
    metrics: header.metrics,
    meanReward: header.meanReward,
    ...(header.molecules ? { molecules: header.molecules } : {}),
    ...(header.preferences?.length ? { preferences: header.preferences } : {}),
    ...(learned.length ? { learnedModels: learned, ...(header.learnedChecksum ? { learnedChecksum: header.learnedChecksum } : {}) } : {}),
    ...ownData,
    ...(!ownData.ownDataProblem && header.ownDataProblem ? { ownDataProblem: header.ownDataProblem } : {}),
    checksum: header.checksum,
  };
}

function refuse(why: string): never {
  throw new CheckpointError('invalid', `This file cannot be imported: ${why}. Nothing was changed.`);
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
