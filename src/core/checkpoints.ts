// Checkpoints in IndexedDB (through idb-keyval): save, list, load, rename, delete, export, import.
// Works in a page and in a Worker: no DOM, no window, no tfjs (the Worker turns tensors into SerializedTensor).
//
// Layout in the store: one small index record (INDEX_KEY) listing every checkpoint's meta and the key of its record,
// and one record per checkpoint under a key that is fresh on every save. A save writes the new record first, then
// switches the index to it in one transaction, then deletes the record it replaced. If anything fails part-way, the
// index still points at the previous good record; a record the index does not point at is an orphan and is swept.
import { createStore, del, delMany, get, keys, set, update, type UseStore } from 'idb-keyval';
import { formatErrors, parseConfig } from './config';
import { checkpointChecksum, checksumProblem, learnedModelsChecksum, ownDataChecksum } from './checkpoints/checksum';
import { verifiedLearnedSection } from './checkpoints/learnedSection';
import { corpusCharacters } from './checkpoints/ownDataLines';
import { MAX_PROBLEM_CHARS, ownDataProblem, verifiedOwnDataSection } from './checkpoints/ownDataSection';
import { checkMoleculeLearnerState } from './chem/learnerState';
import { decodeCheckpointFile, encodeCheckpointFile, type ExpectedShapes } from './checkpoints/fileFormat';
import { compactTensor, tensorListProblem } from './checkpoints/tensors';
import { CheckpointError, type Checkpoint, type CheckpointMeta, type NewCheckpoint, type OwnDataSection } from './checkpoints/types';
import { readLabelledPairs } from './learned/preferences';

export { CheckpointError } from './checkpoints/types';
export type { Checkpoint, CheckpointErrorKind, CheckpointMeta, NewCheckpoint, OwnDataSection, SerializedTensor } from './checkpoints/types';
export { FILE_MAGIC, FILE_VERSION, MAX_FILE_BYTES, type ExpectedShapes } from './checkpoints/fileFormat';

const INDEX_KEY = 'index';
const RECORD_PREFIX = 'record:';
/** Orphans younger than this may belong to a save still in progress (in another tab or the Worker): leave them. */
const ORPHAN_MIN_AGE_MS = 10 * 60 * 1000;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_NAME_LENGTH = 100;

export const QUOTA_MESSAGE =
  'Browser storage is full, so this checkpoint was not saved. Training keeps going. Delete old checkpoints to make room, then save again.';

/** The points where a save touches storage; tests make one fail to check that the previous checkpoint survives. */
export type SaveStep = 'write-record' | 'update-index' | 'delete-old';

export interface CheckpointStorageOptions {
  /** An idb-keyval store; defaults to createStore('rewardlab', 'checkpoints'). */
  store?: UseStore;
  /** Called before each storage step of a save; throwing from it simulates a failure there. */
  beforeStep?: (step: SaveStep) => void | Promise<void>;
}

interface IndexEntry {
  key: string;
  meta: CheckpointMeta;
}
interface CheckpointIndex {
  format: 1;
  entries: Record<string, IndexEntry>;
}
/** A checkpoint as stored: its name lives in the index so renaming never rewrites tensors. */
type StoredRecord = Omit<Checkpoint, 'name'> & { format: 1 };

export interface CheckpointStorage {
  saveCheckpoint(cp: NewCheckpoint, options?: { id?: string }): Promise<CheckpointMeta>;
  listCheckpoints(): Promise<CheckpointMeta[]>;
  latestCheckpoint(): Promise<CheckpointMeta | null>;
  loadCheckpoint(id: string): Promise<Checkpoint>;
  renameCheckpoint(id: string, name: string): Promise<CheckpointMeta>;
  deleteCheckpoint(id: string): Promise<void>;
  exportCheckpoint(id: string): Promise<Blob>;
  importCheckpoint(file: Blob, expectedShapes?: ExpectedShapes): Promise<CheckpointMeta>;
  /** Deletes records no index entry points at, if older than `minAgeMs`. Returns how many went. */
  sweepOrphans(minAgeMs?: number): Promise<number>;
}

export function openCheckpointStorage(options: CheckpointStorageOptions = {}): CheckpointStorage {
  const store = options.store ?? createStore('rewardlab', 'checkpoints');
  const step = async <T>(name: SaveStep, run: () => Promise<T>): Promise<T> => {
    await options.beforeStep?.(name);
    return run();
  };

  async function readIndex(): Promise<CheckpointIndex> {
    return normaliseIndex(await storageCall(() => get(INDEX_KEY, store)));
  }

  async function entryOf(id: string): Promise<IndexEntry> {
    const entry = (await readIndex()).entries[id];
    if (!entry) throw new CheckpointError('missing', 'That checkpoint no longer exists; it may have been deleted in another tab.');
    return entry;
  }

  async function saveCheckpoint(cp: NewCheckpoint, opts: { id?: string } = {}): Promise<CheckpointMeta> {
    const id = opts.id ?? newId();
    if (!ID_PATTERN.test(id)) throw new CheckpointError('invalid', `A checkpoint id must be 1–64 letters, digits, "-" or "_".`);
    const problem =
      tensorListProblem(cp.weights, 'weights') ??
      tensorListProblem(cp.optimizer, 'optimizer') ??
      (cp.learnedModels ? tensorListProblem(cp.learnedModels, 'learned models') : null) ??
      stateProblem(cp);
    if (problem) throw new CheckpointError('invalid', `The checkpoint was not saved: ${problem}.`);
    const parsed = parseConfig(cp.config);
    if (!parsed.ok) throw new CheckpointError('invalid', `The checkpoint was not saved: its settings are invalid (${formatErrors(parsed.errors)}).`);
    const ownProblem = cp.ownData ? ownDataProblem(cp.ownData, parsed.config) : null;
    if (ownProblem) throw new CheckpointError('invalid', `The checkpoint was not saved: the copy of your own data for it is invalid (${ownProblem}).`);

    const fields = {
      createdAt: cp.createdAt ?? Date.now(),
      config: parsed.config,
      update: cp.update,
      weights: cp.weights.map(compactTensor),
      optimizer: cp.optimizer.map(compactTensor),
      rng: [...cp.rng],
      metrics: cp.metrics,
      meanReward: cp.meanReward !== null && Number.isFinite(cp.meanReward) ? cp.meanReward : null,
      ...(cp.molecules ? { molecules: cp.molecules } : {}),
      ...(cp.preferences?.length ? { preferences: cp.preferences } : {}),
    };
    const checksum = await checkpointChecksum(fields);
    const learnedModels = cp.learnedModels?.length ? cp.learnedModels.map(compactTensor) : null;
    const learned = learnedModels ? { learnedModels, learnedChecksum: await learnedModelsChecksum(learnedModels) } : {};
    const own = cp.ownData ? { ownData: compactOwnData(cp.ownData), ownDataChecksum: await ownDataChecksum(cp.ownData) } : {};
    const ownNote = !cp.ownData && cp.ownDataProblem ? { ownDataProblem: String(cp.ownDataProblem).slice(0, MAX_PROBLEM_CHARS) } : {};
    const record: StoredRecord = { format: 1, id, ...fields, ...learned, ...own, ...ownNote, checksum };
    const meta = metaOf(record, cleanName(cp.name, fields.createdAt));
    const key = `${RECORD_PREFIX}${id}:${Date.now()}:${newId().slice(0, 8)}`;

    await storageCall(() => step('write-record', () => set(key, record, store)));
    let replaced: string | undefined;
    try {
      await storageCall(() =>
        step('update-index', () =>
          update(INDEX_KEY, (old: unknown) => {
            const index = normaliseIndex(old);
            replaced = index.entries[id]?.key;
            index.entries[id] = { key, meta };
            return index;
          }, store),
        ),
      );
    } catch (err) {
      await del(key, store).catch(() => undefined); // the index never pointed here; if this fails too, sweeping removes it
      throw err;
    }
    if (replaced && replaced !== key) {
      const old = replaced;
      // The new checkpoint is safe already; a failure here only leaves an orphan for sweepOrphans.
      await step('delete-old', () => del(old, store)).catch(() => undefined);
    }
    return meta;
  }

  async function listCheckpoints(): Promise<CheckpointMeta[]> {
    const index = await readIndex();
    return Object.values(index.entries)
      .map((e) => e.meta)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async function loadCheckpoint(id: string): Promise<Checkpoint> {
    const entry = await entryOf(id);
    const record = await storageCall(() => get<unknown>(entry.key, store));
    const name = entry.meta.name;
    const damaged = (why: string) =>
      new CheckpointError('corrupt', `Checkpoint "${name}" is damaged (${why}) and cannot be loaded. Delete it or load another one.`);
    if (!isRecord(record)) throw damaged('its data is missing');
    const problem = tensorListProblem(record.weights, 'weights') ?? tensorListProblem(record.optimizer, 'optimizer');
    if (problem) throw damaged(problem);
    if (!Array.isArray(record.rng) || !Array.isArray(record.metrics)) throw damaged('its training state is unreadable');
    if (record.molecules !== undefined) {
      const memory = checkMoleculeLearnerState(record.molecules);
      if (!memory.ok) throw damaged(memory.message);
    }
    if (record.preferences !== undefined) {
      const pairs = readLabelledPairs(record.preferences);
      if (!pairs.ok) throw damaged(pairs.message);
    }
    const mismatch = await checksumProblem(record, record.checksum, checkpointChecksum);
    if (mismatch) throw damaged(`its ${mismatch}`);
    const parsed = parseConfig(record.config);
    if (!parsed.ok) {
      throw new CheckpointError('incompatible', `Checkpoint "${name}" uses settings this version does not accept: ${formatErrors(parsed.errors)}.`);
    }
    // Checked on their own: a damaged learned-models section is dropped with a reason, the run still loads.
    const learned = await verifiedLearnedSection(record.learnedModels, record.learnedChecksum);
    // The same for the user's own data: a damaged copy is dropped, and the resume says what that means.
    const own = await verifiedOwnDataSection(record.ownData, record.ownDataChecksum, parsed.config);
    const ownNote = typeof record.ownDataProblem === 'string' ? { ownDataProblem: record.ownDataProblem } : {};
    const {
      format: _format,
      learnedModels: _models,
      learnedChecksum: _learnedChecksum,
      learnedProblem: _problem,
      ownData: _ownData,
      ownDataChecksum: _ownDataChecksum,
      ownDataProblem: _ownDataProblem,
      ...rest
    } = record;
    return { ...rest, id, name, config: parsed.config, ...learned, ...ownNote, ...own };
  }

  async function renameCheckpoint(id: string, name: string): Promise<CheckpointMeta> {
    let renamed: CheckpointMeta | undefined;
    await storageCall(() =>
      update(INDEX_KEY, (old: unknown) => {
        const index = normaliseIndex(old);
        const entry = index.entries[id];
        if (entry) {
          renamed = { ...entry.meta, name: cleanName(name, entry.meta.createdAt) };
          index.entries[id] = { ...entry, meta: renamed };
        }
        return index;
      }, store),
    );
    if (!renamed) throw new CheckpointError('missing', 'That checkpoint no longer exists; it may have been deleted in another tab.');
    return renamed;
  }

  async function deleteCheckpoint(id: string): Promise<void> {
    let key: string | undefined;
    await storageCall(() =>
      update(INDEX_KEY, (old: unknown) => {
        const index = normaliseIndex(old);
        key = index.entries[id]?.key;
        delete index.entries[id];
        return index;
      }, store),
    );
    if (key) await del(key, store).catch(() => undefined);
  }

  async function exportCheckpoint(id: string): Promise<Blob> {
    return encodeCheckpointFile(await loadCheckpoint(id)); // loading verifies the checksum: never export damaged data
  }

  async function importCheckpoint(file: Blob, expectedShapes?: ExpectedShapes): Promise<CheckpointMeta> {
    const decoded = await decodeCheckpointFile(file, expectedShapes);
    if ((await checkpointChecksum(decoded)) !== decoded.checksum) {
      throw new CheckpointError('invalid', 'This file cannot be imported: its checksum does not match, so it is damaged. Nothing was changed.');
    }
    // A damaged learned-models section is left out (the models are refitted from the labels on resume).
    const learned = await verifiedLearnedSection(decoded.learnedModels, decoded.learnedChecksum);
    // A damaged own-data section too; why is kept with the checkpoint, for the note when it is resumed.
    const own = decoded.ownData ? await verifiedOwnDataSection(decoded.ownData, decoded.ownDataChecksum, decoded.config) : {};
    const { checksum: _checksum, learnedModels: _models, learnedChecksum: _learnedChecksum, ownData: _own, ownDataChecksum: _ownChecksum, ...cp } = decoded;
    return saveCheckpoint({
      ...cp,
      ...(learned.learnedModels ? { learnedModels: learned.learnedModels } : {}),
      ...(own.ownData ? { ownData: own.ownData } : own.ownDataProblem ? { ownDataProblem: own.ownDataProblem } : {}),
    });
  }

  async function sweepOrphans(minAgeMs = ORPHAN_MIN_AGE_MS): Promise<number> {
    const [index, all] = await Promise.all([readIndex(), storageCall(() => keys<IDBValidKey>(store))]);
    const live = new Set(Object.values(index.entries).map((e) => e.key));
    const now = Date.now();
    const orphans = all.filter((k): k is string => {
      if (typeof k !== 'string' || !k.startsWith(RECORD_PREFIX) || live.has(k)) return false;
      const writtenAt = Number(k.split(':')[2]);
      return !Number.isFinite(writtenAt) || now - writtenAt >= minAgeMs;
    });
    if (orphans.length) await storageCall(() => delMany(orphans, store));
    return orphans.length;
  }

  return {
    saveCheckpoint,
    listCheckpoints,
    latestCheckpoint: async () => (await listCheckpoints())[0] ?? null,
    loadCheckpoint,
    renameCheckpoint,
    deleteCheckpoint,
    exportCheckpoint,
    importCheckpoint,
    sweepOrphans,
  };
}

// The app's storage, opened on first use so importing this module never touches IndexedDB.
let defaultStorage: CheckpointStorage | null = null;
const storage = () => (defaultStorage ??= openCheckpointStorage());

export const saveCheckpoint: CheckpointStorage['saveCheckpoint'] = (cp, options) => storage().saveCheckpoint(cp, options);
export const listCheckpoints: CheckpointStorage['listCheckpoints'] = () => storage().listCheckpoints();
export const latestCheckpoint: CheckpointStorage['latestCheckpoint'] = () => storage().latestCheckpoint();
export const loadCheckpoint: CheckpointStorage['loadCheckpoint'] = (id) => storage().loadCheckpoint(id);
export const renameCheckpoint: CheckpointStorage['renameCheckpoint'] = (id, name) => storage().renameCheckpoint(id, name);
export const deleteCheckpoint: CheckpointStorage['deleteCheckpoint'] = (id) => storage().deleteCheckpoint(id);
export const exportCheckpoint: CheckpointStorage['exportCheckpoint'] = (id) => storage().exportCheckpoint(id);
export const importCheckpoint: CheckpointStorage['importCheckpoint'] = (file, shapes) => storage().importCheckpoint(file, shapes);
export const sweepOrphans: CheckpointStorage['sweepOrphans'] = (minAgeMs) => storage().sweepOrphans(minAgeMs);

export { exportFileName } from './checkpoints/naming';

// ---------------------------------------------------------------------------------------------------------------

/** Runs a storage call, turning its failure into a CheckpointError with a message for the user. */
async function storageCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    if (isQuotaError(err)) throw new CheckpointError('quota', QUOTA_MESSAGE, { cause: err });
    const detail = err instanceof Error ? err.message : String(err);
    throw new CheckpointError('storage', `Browser storage failed (${detail.slice(0, 200)}). Your previous checkpoints are unchanged.`, { cause: err });
  }
}

/** Problems in the non-tensor fields that would make the checkpoint impossible to export and import again. */
function stateProblem(cp: NewCheckpoint): string | null {
  if (!Number.isSafeInteger(cp.update) || cp.update < 0) return 'the update count must be a whole number ≥ 0';
  if (cp.createdAt !== undefined && (!Number.isSafeInteger(cp.createdAt) || cp.createdAt < 0)) return 'createdAt must be a time in milliseconds';
  if (!Array.isArray(cp.rng) || !cp.rng.every(Number.isFinite)) return 'the RNG state must be a list of finite numbers';
  if (!Array.isArray(cp.metrics)) return 'the metrics history must be a list';
  if (cp.molecules !== undefined) {
    const memory = checkMoleculeLearnerState(cp.molecules);
    if (!memory.ok) return memory.message;
  }
  if (cp.preferences !== undefined) {
    const pairs = readLabelledPairs(cp.preferences);
    if (!pairs.ok) return pairs.message;
  }
  try {
    JSON.stringify(cp.metrics); // it goes into the checksum and the export header as JSON
  } catch {
    return 'the metrics history must be plain JSON data';
  }
  return null;
}

function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  // Chromium and Safari say QuotaExceededError (legacy code 22); older Firefox said NS_ERROR_DOM_QUOTA_REACHED.
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}

/** Any stored index value as a well-formed index; entries that do not look right are skipped, never thrown on. */
function normaliseIndex(value: unknown): CheckpointIndex {
  const index: CheckpointIndex = { format: 1, entries: {} };
  if (typeof value !== 'object' || value === null) return index;
  const entries = (value as { entries?: unknown }).entries;
  if (typeof entries !== 'object' || entries === null) return index;
  for (const [id, entry] of Object.entries(entries)) {
    const e = entry as Partial<IndexEntry> | null;
    if (ID_PATTERN.test(id) && typeof e?.key === 'string' && typeof e.meta === 'object' && e.meta !== null && e.meta.id === id) {
      index.entries[id] = { key: e.key, meta: e.meta };
    }
  }
  return index;
}

function isRecord(value: unknown): value is StoredRecord {
  const r = value as Partial<StoredRecord> | null;
  return typeof r === 'object' && r !== null && r.format === 1 && typeof r.checksum === 'string' && typeof r.createdAt === 'number';
}

function metaOf(record: StoredRecord, name: string): CheckpointMeta {
  const tensors = [...record.weights, ...record.optimizer, ...(record.learnedModels ?? []), ...(record.ownData?.prior ?? [])];
  const tensorBytes = tensors.reduce((n, t) => n + t.data.byteLength, 0);
  const otherBytes = JSON.stringify({ config: record.config, rng: record.rng, metrics: record.metrics }).length + (record.ownData ? corpusCharacters(record.ownData.corpus) : 0);
  return {
    id: record.id,
    name,
    task: record.config.task,
    update: record.update,
    meanReward: record.meanReward,
    createdAt: record.createdAt,
    sizeBytes: tensorBytes + otherBytes,
  };
}

function compactOwnData(section: OwnDataSection): OwnDataSection {
  return { corpus: section.corpus, ...(section.prior ? { prior: section.prior.map(compactTensor) } : {}) };
}

function cleanName(name: string, createdAt: number): string {
  const trimmed = String(name ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
  return trimmed || `Checkpoint ${new Date(createdAt).toISOString().slice(0, 16).replace('T', ' ')}`;
}

function newId(): string {
  // getRandomValues works in insecure contexts too, unlike randomUUID.
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}
