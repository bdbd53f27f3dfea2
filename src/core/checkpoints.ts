// Checkpoints in IndexedDB (through idb-keyval): save, list, load, rename, delete, export, import.
// Works in a page and in a Worker: no DOM, no window, no tfjs (the Worker turns tensors into SerializedTensor).
//
// Layout in the store: one small index record (INDEX_KEY) listing every checkpoint's meta and the key of its record,
// and one record per checkpoint under a key that is fresh on every save. A save writes the new record first, then
// switches the index to it in one transaction, then deletes the record it replaced. If anything fails part-way, the
// index still points at the previous good record; a record the index does not point at is an orphan and is swept.
// The user's own data (a corpus of up to megabytes, and the prior trained on it) is kept under a key of its own, named
// in the index entry with its checksum: an autosave whose data has not changed points at the same copy instead of
// writing it again. Each copy belongs to one checkpoint id, so deleting a checkpoint deletes its copy.
import { createStore, del, delMany, get, keys, set, update, type UseStore } from 'idb-keyval';
import { formatErrors, parseConfig } from './config';
import { checkpointChecksum, checksumProblem, learnedModelsChecksum, ownDataChecksum } from './checkpoints/checksum';
import { verifiedLearnedSection } from './checkpoints/learnedSection';
import { corpusCharacters } from './checkpoints/ownDataLines';
import { MAX_PROBLEM_CHARS, droppedOwnData, ownDataProblem, verifiedOwnDataSection } from './checkpoints/ownDataSection';
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
const OWN_DATA_PREFIX = 'own:';
/** A record names a copy of the user's data that storage no longer has. */
const MISSING = Symbol('missing own data');
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
  /** Where the checkpoint's own-data section is stored, and that section's checksum. */
  ownKey?: string;
  ownChecksum?: string;
}
interface CheckpointIndex {
  format: 1;
  entries: Record<string, IndexEntry>;
}
/**
 * A checkpoint as stored: its name lives in the index so renaming never rewrites tensors. Its own-data section is under
 * `ownDataKey` (records saved before that carry it inline, as `ownData`).
 */
type StoredRecord = Omit<Checkpoint, 'name'> & { format: 1; ownDataKey?: string };

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
    const ownChecksum = cp.ownData ? await ownDataChecksum(cp.ownData) : undefined;
    const ownNote = !cp.ownData && cp.ownDataProblem ? { ownDataProblem: String(cp.ownDataProblem).slice(0, MAX_PROBLEM_CHARS) } : {};
    const stamp = () => `${id}:${Date.now()}:${newId().slice(0, 8)}`;
    const key = `${RECORD_PREFIX}${stamp()}`;
    // The copy of the user's data this id already has, when it is the same data: most autosaves of a run on it.
    // (Without own data there is nothing to reuse, so the index is not read here.)
    const previous = ownChecksum ? (await readIndex()).entries[id] : undefined;
    let ownKey = ownChecksum && previous?.ownKey && previous.ownChecksum === ownChecksum ? previous.ownKey : undefined;
    let wroteOwnKey: string | undefined;
    const writeOwnData = async () => {
      wroteOwnKey = `${OWN_DATA_PREFIX}${stamp()}`;
      const own = compactOwnData(cp.ownData!);
      await storageCall(() => step('write-record', () => set(wroteOwnKey!, own, store)));
      ownKey = wroteOwnKey;
    };
    const ownFields = () => (ownChecksum ? { ownDataKey: ownKey, ownDataChecksum: ownChecksum } : {});
    const recordNow = (): StoredRecord => ({ format: 1, id, ...fields, ...learned, ...ownFields(), ...ownNote, checksum });
    const meta = metaOf(recordNow(), cleanName(cp.name, fields.createdAt), cp.ownData);
    const entryNow = (): IndexEntry => ({ key, meta, ...(ownChecksum ? { ownKey, ownChecksum } : {}) });

    let replaced: IndexEntry | undefined;
    try {
      if (ownChecksum && !ownKey) await writeOwnData();
      await storageCall(() => step('write-record', () => set(key, recordNow(), store)));
      // Switch the index, unless another tab replaced this id's data copy since we decided to point at it.
      const switchIndex = (mustKeepOwnKey: string | undefined) =>
        storageCall(() =>
          step('update-index', () =>
            update(INDEX_KEY, (old: unknown) => {
              const index = normaliseIndex(old);
              replaced = index.entries[id];
              if (mustKeepOwnKey && replaced?.ownKey !== mustKeepOwnKey) return index;
              index.entries[id] = entryNow();
              return index;
            }, store),
          ),
        );
      const reused = ownChecksum && !wroteOwnKey ? ownKey : undefined;
      await switchIndex(reused);
      if (reused && replaced?.ownKey !== reused) {
        await writeOwnData();
        await storageCall(() => step('write-record', () => set(key, recordNow(), store)));
        await switchIndex(undefined);
      }
    } catch (err) {
      // The index never pointed here; if these fail too, sweeping removes them.
      await del(key, store).catch(() => undefined);
      if (wroteOwnKey) await del(wroteOwnKey, store).catch(() => undefined);
      throw err;
    }
    // The new checkpoint is safe already; a failure here only leaves orphans for sweepOrphans.
    const stale = [replaced?.key, replaced?.ownKey].filter((k): k is string => !!k && k !== key && k !== ownKey);
    if (stale.length) await step('delete-old', () => delMany(stale, store)).catch(() => undefined);
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
    // The same for the user's own data: a damaged or missing copy is dropped, and the resume says what that means.
    const ownSection = await storedOwnData(record);
    const own = ownSection === MISSING ? droppedOwnData('it is missing from this browser\'s storage') : await verifiedOwnDataSection(ownSection, record.ownDataChecksum, parsed.config);
    const ownNote = typeof record.ownDataProblem === 'string' ? { ownDataProblem: record.ownDataProblem } : {};
    const {
      format: _format,
      learnedModels: _models,
      learnedChecksum: _learnedChecksum,
      learnedProblem: _problem,
      ownData: _ownData,
      ownDataChecksum: _ownDataChecksum,
      ownDataProblem: _ownDataProblem,
      ownDataKey: _ownDataKey,
      ...rest
    } = record;
    return { ...rest, id, name, config: parsed.config, ...learned, ...ownNote, ...own };
  }

  /** The record's own-data section (inline in records saved before it had a key of its own), or MISSING. */
  async function storedOwnData(record: StoredRecord): Promise<unknown> {
    if (record.ownDataKey === undefined) return record.ownData;
    if (typeof record.ownDataKey !== 'string') return MISSING;
    return (await storageCall(() => get<unknown>(record.ownDataKey as string, store))) ?? MISSING;
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
    let entry: IndexEntry | undefined;
    await storageCall(() =>
      update(INDEX_KEY, (old: unknown) => {
        const index = normaliseIndex(old);
        entry = index.entries[id];
        delete index.entries[id];
        return index;
      }, store),
    );
    const stored = [entry?.key, entry?.ownKey].filter((k): k is string => !!k);
    if (stored.length) await delMany(stored, store).catch(() => undefined);
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
    const live = new Set(Object.values(index.entries).flatMap((e) => (e.ownKey ? [e.key, e.ownKey] : [e.key])));
    const now = Date.now();
    const orphans = all.filter((k): k is string => {
      if (typeof k !== 'string' || !(k.startsWith(RECORD_PREFIX) || k.startsWith(OWN_DATA_PREFIX)) || live.has(k)) return false;
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
      const own = typeof e.ownKey === 'string' && typeof e.ownChecksum === 'string' ? { ownKey: e.ownKey, ownChecksum: e.ownChecksum } : {};
      index.entries[id] = { key: e.key, meta: e.meta, ...own };
    }
  }
  return index;
}

function isRecord(value: unknown): value is StoredRecord {
  const r = value as Partial<StoredRecord> | null;
  return typeof r === 'object' && r !== null && r.format === 1 && typeof r.checksum === 'string' && typeof r.createdAt === 'number';
}

function metaOf(record: StoredRecord, name: string, ownData: OwnDataSection | undefined): CheckpointMeta {
  const tensors = [...record.weights, ...record.optimizer, ...(record.learnedModels ?? []), ...(ownData?.prior ?? [])];
  const tensorBytes = tensors.reduce((n, t) => n + t.data.byteLength, 0);
  const otherBytes = JSON.stringify({ config: record.config, rng: record.rng, metrics: record.metrics }).length + (ownData ? corpusCharacters(ownData.corpus) : 0);
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
