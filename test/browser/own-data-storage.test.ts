// How checkpoint storage keeps the user's own data (real IndexedDB in Chromium): under a key of its own, so an autosave
// whose data has not changed points at the same copy instead of writing megabytes again; deleting a checkpoint deletes
// its copy; records of the earlier layout (data inline) still load; a missing copy drops only the data, with a reason.
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { openCheckpointStorage, type NewCheckpoint, type OwnDataSection, type SaveStep, type SerializedTensor } from '../../src/core/checkpoints';
import { parseConfig, type ExperimentConfig } from '../../src/core/config';
import { expectedWeightShapes } from '../../src/core/runCheckpoints';

const parsed = parseConfig({ task: 'text', text: { source: 'own' }, model: { embedding: 4, hidden: 8 } });
if (!parsed.ok) throw new Error('bad test config');
const CONFIG: ExperimentConfig = parsed.config;

function tensors(seed: number): SerializedTensor[] {
  return Object.entries(expectedWeightShapes(CONFIG)).map(([name, shape], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { name, shape, dtype: 'float32', data: Float32Array.from({ length: n }, (_, i) => Math.sin(seed + k * 100 + i)) };
  });
}

function ownData(lines: string[]): OwnDataSection {
  return { corpus: { kind: 'text', examples: lines, dropped: { outsideAlphabet: 0, junk: 0 } }, prior: tensors(9) };
}

function checkpoint(update: number, own?: OwnDataSection): NewCheckpoint {
  return { name: 'own run', config: CONFIG, update, weights: tensors(update), optimizer: [], rng: [1, 2], metrics: [{ update }], meanReward: 0.5, ...(own ? { ownData: own } : {}) };
}

let counter = 0;
/** A storage on a fresh database that counts the writes of each save step. */
function freshStorage(failAt?: { step: SaveStep; armed: boolean }) {
  const store = createStore(`rewardlab-own-storage-${Date.now()}-${counter++}`, 'checkpoints');
  const writes = { count: 0 };
  const beforeStep = (step: SaveStep) => {
    if (failAt?.armed && failAt.step === step) {
      failAt.armed = false;
      throw new Error('simulated interruption');
    }
    if (step === 'write-record') writes.count++;
  };
  return { store, writes, storage: openCheckpointStorage({ store, beforeStep }) };
}

const ownKeysOf = async (store: UseStore) => (await keys<string>(store)).filter((k) => k.startsWith('own:')).sort();
const TEXT = ['the keeper climbed the stairs at dusk.', 'gulls wheeled above the rocks.'];

describe('the own-data copy of a checkpoint', () => {
  it('is written once while it does not change, again when it does, and goes with its checkpoint', async () => {
    const { store, writes, storage } = freshStorage();
    await storage.saveCheckpoint(checkpoint(25, ownData(TEXT)), { id: 'auto-run' });
    expect(writes.count).toBe(2); // the data, then the record
    const [first] = await ownKeysOf(store);
    expect(first).toBeDefined();

    // The next autosave of the same run: same data (a new but equal object), so only the record is written.
    writes.count = 0;
    await storage.saveCheckpoint(checkpoint(50, ownData([...TEXT])), { id: 'auto-run' });
    expect(writes.count).toBe(1);
    expect(await ownKeysOf(store)).toEqual([first]);
    const loaded = await storage.loadCheckpoint('auto-run');
    expect(loaded.update).toBe(50);
    expect(loaded.ownData?.corpus.examples).toEqual(TEXT);
    expect(loaded.ownDataProblem).toBeUndefined();

    // Changed data: a new copy, and the old one is deleted.
    writes.count = 0;
    await storage.saveCheckpoint(checkpoint(75, ownData([...TEXT, 'a third line.'])), { id: 'auto-run' });
    expect(writes.count).toBe(2);
    const [second, ...more] = await ownKeysOf(store);
    expect(more).toEqual([]);
    expect(second).not.toBe(first);
    expect((await storage.loadCheckpoint('auto-run')).ownData?.corpus.examples).toHaveLength(3);

    // Another checkpoint of the same data has its own copy: deleting one leaves the other whole.
    await storage.saveCheckpoint(checkpoint(75, ownData([...TEXT, 'a third line.'])), { id: 'named' });
    expect(await ownKeysOf(store)).toHaveLength(2);
    await storage.deleteCheckpoint('auto-run');
    expect(await ownKeysOf(store)).toHaveLength(1);
    expect((await storage.loadCheckpoint('named')).ownData?.corpus.examples).toHaveLength(3);
    await storage.deleteCheckpoint('named');
    expect((await keys<string>(store)).sort()).toEqual(['index']);
  });

  it('an interrupted save leaves neither a stray copy nor a changed checkpoint', async () => {
    const failAt = { step: 'update-index' as SaveStep, armed: false };
    const { store, storage } = freshStorage(failAt);
    await storage.saveCheckpoint(checkpoint(25, ownData(TEXT)), { id: 'auto-run' });
    const before = await ownKeysOf(store);
    failAt.armed = true;
    await expect(storage.saveCheckpoint(checkpoint(50, ownData(['other text.'])), { id: 'auto-run' })).rejects.toThrow();
    expect(await ownKeysOf(store)).toEqual(before);
    const loaded = await storage.loadCheckpoint('auto-run');
    expect(loaded.update).toBe(25);
    expect(loaded.ownData?.corpus.examples).toEqual(TEXT);
  });

  it('two tabs saving the same checkpoint never leave it pointing at a copy the other deleted', async () => {
    const store = createStore(`rewardlab-own-storage-${Date.now()}-${counter++}`, 'checkpoints');
    const tabB = openCheckpointStorage({ store });
    let meanwhile: (() => Promise<unknown>) | null = null;
    const tabA = openCheckpointStorage({
      store,
      beforeStep: async (step) => {
        if (step !== 'write-record' || !meanwhile) return;
        const run = meanwhile;
        meanwhile = null;
        await run();
      },
    });
    await tabA.saveCheckpoint(checkpoint(25, ownData(TEXT)), { id: 'auto-run' });
    // Tab A decides to point at its existing copy; before it switches the index, tab B saves other data under the same
    // id, which replaces that copy and deletes it.
    meanwhile = () => tabB.saveCheckpoint(checkpoint(30, ownData(['tab b wrote this.'])), { id: 'auto-run' });
    await tabA.saveCheckpoint(checkpoint(50, ownData([...TEXT])), { id: 'auto-run' });
    expect(meanwhile).toBeNull();
    const loaded = await tabB.loadCheckpoint('auto-run');
    expect(loaded.update).toBe(50);
    expect(loaded.ownData?.corpus.examples).toEqual(TEXT);
    expect(await ownKeysOf(store)).toHaveLength(1);
    expect(await tabA.sweepOrphans(0)).toBe(0);
  });

  it('a missing copy drops only the data, and says why', async () => {
    const { store, storage } = freshStorage();
    await storage.saveCheckpoint(checkpoint(25, ownData(TEXT)), { id: 'auto-run' });
    for (const k of await ownKeysOf(store)) await del(k, store);
    const loaded = await storage.loadCheckpoint('auto-run');
    expect(loaded.update).toBe(25);
    expect(loaded.ownData).toBeUndefined();
    expect(loaded.ownDataProblem).toBe("the copy of your data this checkpoint carries is damaged (it is missing from this browser's storage)");
  });

  it('a record of the earlier layout, with the data inline, still loads, and its next save moves the data out', async () => {
    const { store, writes, storage } = freshStorage();
    await storage.saveCheckpoint(checkpoint(25, ownData(TEXT)), { id: 'auto-run' });
    // Rewrite it the way earlier versions stored it: the data inside the record, no key for it in record or index.
    const [ownKey] = await ownKeysOf(store);
    const recordKey = (await keys<string>(store)).find((k) => k.startsWith('record:'))!;
    const { ownDataKey: _key, ...record } = (await get(recordKey, store)) as Record<string, unknown>;
    await set(recordKey, { ...record, ownData: await get(ownKey, store) }, store);
    await del(ownKey, store);
    const index = (await get('index', store)) as { entries: Record<string, Record<string, unknown>> };
    const { ownKey: _ownKey, ownChecksum: _checksum, ...entry } = index.entries['auto-run'];
    index.entries['auto-run'] = entry;
    await set('index', index, store);

    expect((await storage.loadCheckpoint('auto-run')).ownData?.corpus.examples).toEqual(TEXT);
    writes.count = 0;
    await storage.saveCheckpoint(checkpoint(50, ownData(TEXT)), { id: 'auto-run' });
    expect(writes.count).toBe(2);
    expect(await ownKeysOf(store)).toHaveLength(1);
    expect((await storage.loadCheckpoint('auto-run')).ownData?.corpus.examples).toEqual(TEXT);
  });
});
