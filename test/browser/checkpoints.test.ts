// Checkpoint storage against real IndexedDB in Chromium. Each test opens its own database.
import { createStore, get, keys, set, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import {
  CheckpointError,
  FILE_MAGIC,
  MAX_FILE_BYTES,
  QUOTA_MESSAGE,
  exportFileName,
  openCheckpointStorage,
  type CheckpointStorageOptions,
  type NewCheckpoint,
  type SaveStep,
  type SerializedTensor,
} from '../../src/core/checkpoints';

let dbCounter = 0;
function freshStorage(options: Omit<CheckpointStorageOptions, 'store'> = {}) {
  const store = createStore(`rewardlab-test-${Date.now()}-${dbCounter++}`, 'checkpoints');
  return { store, storage: openCheckpointStorage({ ...options, store }) };
}

function float32(name: string, shape: number[], seed: number): SerializedTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i) * 3);
  if (n > 3) data.set([-0, NaN, Infinity], 0); // odd values must survive byte for byte
  return { name, shape, dtype: 'float32', data };
}

function sampleCheckpoint(seed = 1, overrides: Partial<NewCheckpoint> = {}): NewCheckpoint {
  const config = parseConfig({ seed, model: { hidden: 16, embedding: 8 } });
  if (!config.ok) throw new Error('bad test config');
  return {
    name: `run ${seed}`,
    createdAt: 1_700_000_000_000 + seed,
    config: config.config,
    update: 100 * seed,
    weights: [float32('gru/kernel', [8, 48], seed), float32('head/bias', [30], seed + 1)],
    optimizer: [
      { name: 'adam/step', shape: [1], dtype: 'int32', data: Int32Array.of(100 * seed) },
      float32('adam/m/gru/kernel', [8, 48], seed + 2),
    ],
    rng: [seed, 0xdeadbeef, 7, 0],
    metrics: [{ update: 1, reward: 0.1 }, { update: 2, reward: 0.25 }],
    meanReward: 0.25,
    ...overrides,
  };
}

const bytesOf = (t: SerializedTensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
const expectSameTensors = (a: SerializedTensor[], b: SerializedTensor[]) => {
  expect(a.map((t) => [t.name, t.shape, t.dtype])).toEqual(b.map((t) => [t.name, t.shape, t.dtype]));
  a.forEach((t, i) => {
    expect(t.data.constructor).toBe(b[i].data.constructor);
    expect(bytesOf(t)).toEqual(bytesOf(b[i]));
  });
};

async function snapshot(store: UseStore) {
  const all = (await keys<string>(store)).sort();
  return { keys: all, index: JSON.stringify(await get('index', store)) };
}

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return err as CheckpointError;
  }
  throw new Error('expected a CheckpointError, but the call succeeded');
}

/** Makes one save step fail once, the way a crash or a full disk would. */
function failAt(step: SaveStep, error: () => Error = () => new Error('simulated interruption')) {
  let armed = false;
  return {
    arm: () => void (armed = true),
    beforeStep: (s: SaveStep) => {
      if (armed && s === step) {
        armed = false;
        throw error();
      }
    },
  };
}

describe('checkpoint round trip', () => {
  it('loads exactly what was saved, bytes included', async () => {
    const { storage } = freshStorage();
    const cp = sampleCheckpoint(3);
    const meta = await storage.saveCheckpoint(cp);
    expect(meta).toMatchObject({ name: 'run 3', task: 'names', update: 300, meanReward: 0.25, createdAt: cp.createdAt });
    expect(meta.sizeBytes).toBeGreaterThan((8 * 48 * 2 + 30 + 1) * 4);

    const loaded = await storage.loadCheckpoint(meta.id);
    expect(loaded.id).toBe(meta.id);
    expect(loaded.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.config).toEqual(cp.config);
    expect([loaded.update, loaded.rng, loaded.metrics, loaded.meanReward]).toEqual([cp.update, cp.rng, cp.metrics, cp.meanReward]);
    expectSameTensors(loaded.weights, cp.weights);
    expectSameTensors(loaded.optimizer, cp.optimizer);
  });

  it('stores a tensor that is a view into a larger buffer without the rest of that buffer', async () => {
    const { storage } = freshStorage();
    const big = new Float32Array(10_000).fill(1);
    const view: SerializedTensor = { name: 'w', shape: [2, 5], dtype: 'float32', data: big.subarray(100, 110) };
    const meta = await storage.saveCheckpoint(sampleCheckpoint(1, { weights: [view] }));
    const [w] = (await storage.loadCheckpoint(meta.id)).weights;
    expect(w.data.buffer.byteLength).toBe(40);
    expect(Array.from(w.data)).toEqual(Array.from(view.data));
  });

  it('refuses to save inconsistent tensors or state that could not be exported', async () => {
    const { storage, store } = freshStorage();
    const before = await snapshot(store);
    const wrongLength = sampleCheckpoint(1, { weights: [{ name: 'w', shape: [3, 3], dtype: 'float32', data: new Float32Array(8) }] });
    expect((await rejection(storage.saveCheckpoint(wrongLength))).kind).toBe('invalid');
    const wrongType = sampleCheckpoint(1, { weights: [{ name: 'w', shape: [2], dtype: 'int32', data: new Float32Array(2) as never }] });
    expect((await rejection(storage.saveCheckpoint(wrongType))).message).toMatch(/dtype/);
    expect((await rejection(storage.saveCheckpoint(sampleCheckpoint(1, { update: 2.5 })))).message).toMatch(/update count/);
    expect((await rejection(storage.saveCheckpoint(sampleCheckpoint(1, { metrics: [{ n: 1n }] })))).message).toMatch(/plain JSON/);
    expect(await snapshot(store)).toEqual(before);
  });
});

describe('corruption', () => {
  it('detects a flipped byte in a stored tensor by its checksum', async () => {
    const { storage, store } = freshStorage();
    const meta = await storage.saveCheckpoint(sampleCheckpoint(2));
    const key = (await keys<string>(store)).find((k) => k.startsWith('record:'));
    if (!key) throw new Error('no record stored');
    const record = await get(key, store);
    record.weights[0].data[5] += 1e-3;
    await set(key, record, store);

    const err = await rejection(storage.loadCheckpoint(meta.id));
    expect(err.kind).toBe('corrupt');
    expect(err.message).toMatch(/run 2.*damaged.*checksum/);
    expect((await rejection(storage.exportCheckpoint(meta.id))).kind).toBe('corrupt');
  });

  it('detects changed training state and unreadable records', async () => {
    const { storage, store } = freshStorage();
    const meta = await storage.saveCheckpoint(sampleCheckpoint(2));
    const key = (await keys<string>(store)).find((k) => k.startsWith('record:')) as string;
    const record = await get(key, store);
    await set(key, { ...record, update: record.update + 1 }, store);
    expect((await rejection(storage.loadCheckpoint(meta.id))).message).toMatch(/checksum/);
    await set(key, { ...record, weights: 'garbage' }, store);
    expect((await rejection(storage.loadCheckpoint(meta.id))).kind).toBe('corrupt');
    await set(key, 42, store);
    expect((await rejection(storage.loadCheckpoint(meta.id))).kind).toBe('corrupt');
  });
});

describe('interrupted saves keep the previous checkpoint', () => {
  it.each(['write-record', 'update-index'] as const)('a failure at %s leaves the old one listed, loadable and alone', async (step) => {
    const fault = failAt(step);
    const { storage, store } = freshStorage({ beforeStep: fault.beforeStep });
    const first = sampleCheckpoint(1);
    await storage.saveCheckpoint(first, { id: 'auto' });
    const before = await snapshot(store);

    fault.arm();
    const err = await rejection(storage.saveCheckpoint(sampleCheckpoint(2), { id: 'auto' }));
    expect(err.kind).toBe('storage');

    expect(await snapshot(store)).toEqual(before); // no half-written record left behind either
    const [meta] = await storage.listCheckpoints();
    expect(meta).toMatchObject({ id: 'auto', update: 100 });
    expectSameTensors((await storage.loadCheckpoint('auto')).weights, first.weights);
  });

  it('a failure after the switch keeps the new one and leaves an orphan for the sweep', async () => {
    const fault = failAt('delete-old');
    const { storage, store } = freshStorage({ beforeStep: fault.beforeStep });
    await storage.saveCheckpoint(sampleCheckpoint(1), { id: 'auto' });
    fault.arm();
    const second = sampleCheckpoint(2);
    await storage.saveCheckpoint(second, { id: 'auto' });
    expectSameTensors((await storage.loadCheckpoint('auto')).weights, second.weights);
    expect((await keys(store)).length).toBe(3);
    expect(await storage.sweepOrphans()).toBe(0); // too young: could be another tab's save in progress
    expect(await storage.sweepOrphans(0)).toBe(1);
    expect((await keys(store)).length).toBe(2);
    expectSameTensors((await storage.loadCheckpoint('auto')).weights, second.weights);
  });

  it('a successful overwrite removes the replaced record', async () => {
    const { storage, store } = freshStorage();
    await storage.saveCheckpoint(sampleCheckpoint(1), { id: 'auto' });
    await storage.saveCheckpoint(sampleCheckpoint(2), { id: 'auto' });
    expect((await keys(store)).length).toBe(2);
    expect(await storage.listCheckpoints()).toHaveLength(1);
  });
});

describe('quota', () => {
  const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

  it.each(['write-record', 'update-index'] as const)('maps QuotaExceededError at %s to the clear message and keeps old checkpoints', async (step) => {
    const fault = failAt(step, quotaError);
    const { storage, store } = freshStorage({ beforeStep: fault.beforeStep });
    const kept = await storage.saveCheckpoint(sampleCheckpoint(1));
    const before = await snapshot(store);
    fault.arm();
    const err = await rejection(storage.saveCheckpoint(sampleCheckpoint(2)));
    expect(err.kind).toBe('quota');
    expect(err.message).toBe(QUOTA_MESSAGE);
    expect(err.message).toMatch(/Delete old checkpoints/);
    expect(await snapshot(store)).toEqual(before);
    // The user deletes from the message's list, then saving works again.
    await storage.deleteCheckpoint(kept.id);
    await storage.saveCheckpoint(sampleCheckpoint(2));
    expect((await storage.listCheckpoints()).map((m) => m.update)).toEqual([200]);
  });
});

describe('list, rename, delete, latest', () => {
  it('lists newest first, renames without touching data, deletes cleanly', async () => {
    const { storage, store } = freshStorage();
    expect(await storage.latestCheckpoint()).toBeNull();
    const a = await storage.saveCheckpoint(sampleCheckpoint(1));
    const b = await storage.saveCheckpoint(sampleCheckpoint(5));
    const c = await storage.saveCheckpoint(sampleCheckpoint(3));
    expect((await storage.listCheckpoints()).map((m) => m.id)).toEqual([b.id, c.id, a.id]);
    expect((await storage.latestCheckpoint())?.id).toBe(b.id);

    const renamed = await storage.renameCheckpoint(a.id, '  my   best run ');
    expect(renamed.name).toBe('my best run');
    const loaded = await storage.loadCheckpoint(a.id);
    expect(loaded.name).toBe('my best run'); // still passes its checksum: the name is not part of it
    expect(exportFileName(renamed)).toBe('rewardlab-names-u100-my-best-run.rlckpt');
    expect((await rejection(storage.renameCheckpoint('nope', 'x'))).kind).toBe('missing');

    await storage.deleteCheckpoint(b.id);
    expect((await storage.listCheckpoints()).map((m) => m.id)).toEqual([c.id, a.id]);
    expect((await rejection(storage.loadCheckpoint(b.id))).kind).toBe('missing');
    expect((await keys(store)).length).toBe(3); // the index and two records
    await storage.deleteCheckpoint(b.id); // deleting twice is harmless
  });

  it('names an unnamed checkpoint after its date', async () => {
    const { storage } = freshStorage();
    const meta = await storage.saveCheckpoint(sampleCheckpoint(1, { name: '   ', createdAt: Date.UTC(2026, 0, 2, 3, 4) }));
    expect(meta.name).toBe('Checkpoint 2026-01-02 03:04');
  });
});

describe('export and import', () => {
  const shapesFor = () => ({ 'gru/kernel': [8, 48], 'head/bias': [30] });

  it('round-trips through a single file with identical bytes', async () => {
    const { storage } = freshStorage();
    const cp = sampleCheckpoint(4);
    const meta = await storage.saveCheckpoint(cp);
    const file = await storage.exportCheckpoint(meta.id);
    expect(new TextDecoder().decode(new Uint8Array(await file.slice(0, 8).arrayBuffer()))).toBe(FILE_MAGIC);

    const { storage: other } = freshStorage();
    const imported = await other.importCheckpoint(file, shapesFor);
    expect(imported.id).not.toBe(meta.id);
    expect(imported).toMatchObject({ name: 'run 4', update: 400, createdAt: cp.createdAt, sizeBytes: meta.sizeBytes });
    const loaded = await other.loadCheckpoint(imported.id);
    expect(loaded.checksum).toBe((await storage.loadCheckpoint(meta.id)).checksum);
    expect(loaded.metrics).toEqual(cp.metrics);
    expectSameTensors(loaded.weights, cp.weights);
    expectSameTensors(loaded.optimizer, cp.optimizer);
  });

  describe('refuses bad files and changes nothing', () => {
    // Builds a file the way the exporter does, with a hook to damage the header or the bytes.
    async function craft(edit: (header: Record<string, unknown>) => void = () => {}, tail = new Uint8Array(0), version = 1) {
      const { storage } = freshStorage();
      const good = new Uint8Array(await (await storage.exportCheckpoint((await storage.saveCheckpoint(sampleCheckpoint(6))).id)).arrayBuffer());
      const headerLength = new DataView(good.buffer).getUint32(12, true);
      const header = JSON.parse(new TextDecoder().decode(good.subarray(16, 16 + headerLength)));
      edit(header);
      const headerBytes = new TextEncoder().encode(JSON.stringify(header));
      const pre = good.slice(0, 16);
      new DataView(pre.buffer).setUint32(8, version, true);
      new DataView(pre.buffer).setUint32(12, headerBytes.length, true);
      return new Uint8Array(await new Blob([pre, headerBytes, good.subarray(16 + headerLength), tail]).arrayBuffer());
    }
    const flipLast = (bytes: Uint8Array) => {
      const copy = bytes.slice();
      copy[copy.length - 1] ^= 0xff;
      return copy;
    };

    const cases: [string, () => Promise<Blob>, RegExp][] = [
      ['empty file', async () => new Blob([]), /too short/],
      ['not a checkpoint', async () => new Blob(['{"hello": "world"} and more text']), /not a RewardLab checkpoint/],
      ['newer format', async () => new Blob([await craft(undefined, undefined, 2)]), /format 2/],
      ['truncated', async () => new Blob([(await craft()).slice(0, 400)]), /cut short/],
      ['truncated tensors', async () => new Blob([(await craft()).slice(0, -10)]), /cut short/],
      ['trailing bytes', async () => new Blob([await craft(undefined, new Uint8Array(4))]), /unexpected bytes/],
      ['header not JSON', async () => { const b = await craft(); b[16] = 0x78; return new Blob([b]); }, /header is not readable/],
      ['header missing a field', async () => new Blob([await craft((h) => delete h.update)]), /header is invalid at update/],
      ['script as a tensor dtype', async () => new Blob([await craft((h) => ((h.tensors as { dtype: string }[])[0].dtype = '<script>'))]), /header is invalid/],
      ['invalid config', async () => new Blob([await craft((h) => ((h.config as { batchSize: number }).batchSize = 0))]), /settings are invalid: batchSize/],
      ['byte length against shape', async () => new Blob([await craft((h) => ((h.tensors as { shape: number[] }[])[1].shape = [31]))]), /does not fit its shape/],
      ['checksum mismatch', async () => new Blob([flipLast(await craft())]), /checksum does not match/],
      ['changed metadata', async () => new Blob([await craft((h) => (h.update = 1))]), /checksum does not match/],
      ['weights for another model', async () => new Blob([await craft((h) => { const t = (h.tensors as { name: string; shape: number[]; byteLength: number }[])[0]; t.shape = [48, 8]; })]), /gru\/kernel.*\[48, 8\].*\[8, 48\]/],
      ['oversized', async () => ({ size: MAX_FILE_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('must not be read')) }) as unknown as Blob, /larger than the 200\.0 MB limit/],
    ];
    it.each(cases)('%s', async (_name, makeFile, message) => {
      const { storage, store } = freshStorage();
      await storage.saveCheckpoint(sampleCheckpoint(1));
      const before = await snapshot(store);
      const err = await rejection(storage.importCheckpoint(await makeFile(), shapesFor));
      expect(err.kind).toBe('invalid');
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/Nothing was changed/);
      expect(await snapshot(store)).toEqual(before);
    });
  });

  it('accepts a crafted but intact file (the crafting itself is sound)', async () => {
    const { storage } = freshStorage();
    const meta = await storage.saveCheckpoint(sampleCheckpoint(6));
    const bytes = await (await storage.exportCheckpoint(meta.id)).arrayBuffer();
    const { storage: other } = freshStorage();
    await expect(other.importCheckpoint(new Blob([bytes]), shapesFor)).resolves.toMatchObject({ update: 600 });
  });

  it('checks weight shapes against what the config needs', async () => {
    const { storage } = freshStorage();
    const file = await storage.exportCheckpoint((await storage.saveCheckpoint(sampleCheckpoint(1))).id);
    const err = await rejection(storage.importCheckpoint(file, (config) => ({ 'gru/kernel': [config.model.embedding, 3 * config.model.hidden], 'head/bias': [30], 'head/kernel': [16, 30] })));
    expect(err.message).toMatch(/lack "head\/kernel"/);
  });
});

describe('inside a Worker', () => {
  it('saves and loads from a module Worker, and the page sees the same checkpoint', async () => {
    // A throwaway module Worker that imports the real module through the dev server, as the trainer Worker will.
    const moduleUrl = new URL('/src/core/checkpoints.ts', location.origin).href;
    const dbName = `rewardlab-test-worker-${Date.now()}`;
    const source = `
      import { createStore } from ${JSON.stringify(new URL('/node_modules/idb-keyval/dist/index.js', location.origin).href)};
      const m = await import(${JSON.stringify(moduleUrl)});
      const storage = m.openCheckpointStorage({ store: createStore(${JSON.stringify(dbName)}, 'checkpoints') });
      onmessage = async (e) => {
        try {
          const meta = await storage.saveCheckpoint(e.data);
          const loaded = await storage.loadCheckpoint(meta.id);
          postMessage({ meta, checksum: loaded.checksum, first: Array.from(loaded.weights[0].data.slice(0, 8)) });
        } catch (err) {
          postMessage({ error: String(err) });
        }
      };
      postMessage('ready');`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
    const next = () =>
      new Promise<any>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
      });
    try {
      expect(await next()).toBe('ready');
      const cp = sampleCheckpoint(7);
      const reply = next();
      worker.postMessage(cp);
      const result = await reply;
      expect(result.error).toBeUndefined();
      expect(result.meta.update).toBe(700);
      expect(result.first).toEqual(Array.from(cp.weights[0].data.slice(0, 8)));
      const page = openCheckpointStorage({ store: createStore(dbName, 'checkpoints') });
      expect((await page.loadCheckpoint(result.meta.id)).checksum).toBe(result.checksum);
    } finally {
      worker.terminate();
    }
  });
});

describe('two tabs on the same checkpoints', () => {
  it('concurrent saves, overwrites and deletes from two storages on one database lose nothing and corrupt nothing', async () => {
    const { store, storage: tabA } = freshStorage();
    const tabB = openCheckpointStorage({ store }); // a second tab: its own handle on the same database
    const doomed = await tabA.saveCheckpoint(sampleCheckpoint(99), { id: 'doomed' });
    // Ten manual saves from each tab, both tabs overwriting one shared autosave id, and a delete, all at once.
    const saves = [
      ...Array.from({ length: 10 }, (_, i) => tabA.saveCheckpoint(sampleCheckpoint(i + 1), { id: `a-${i}` })),
      ...Array.from({ length: 10 }, (_, i) => tabB.saveCheckpoint(sampleCheckpoint(i + 11), { id: `b-${i}` })),
      ...Array.from({ length: 6 }, (_, i) => (i % 2 ? tabA : tabB).saveCheckpoint(sampleCheckpoint(30 + i), { id: 'auto-shared' })),
      tabB.deleteCheckpoint(doomed.id),
    ];
    await Promise.all(saves);

    const listA = await tabA.listCheckpoints();
    const listB = await tabB.listCheckpoints();
    expect(listA.map((m) => m.id).sort()).toEqual(listB.map((m) => m.id).sort());
    const ids = listA.map((m) => m.id).sort();
    expect(ids).toEqual([...Array.from({ length: 10 }, (_, i) => `a-${i}`), 'auto-shared', ...Array.from({ length: 10 }, (_, i) => `b-${i}`)].sort());
    // Every listed checkpoint loads (checksums verified) and holds the weights of the save that wrote it.
    for (const meta of listA) {
      const loaded = await tabB.loadCheckpoint(meta.id);
      expectSameTensors(loaded.weights, sampleCheckpoint(loaded.update / 100).weights);
    }
    // The shared autosave is one of the six whole versions, not a mix of two.
    const shared = await tabA.loadCheckpoint('auto-shared');
    expect(shared.update / 100).toBeGreaterThanOrEqual(30);
    expect(shared.update / 100).toBeLessThanOrEqual(35);
    expect(shared.name).toBe(`run ${shared.update / 100}`);
    // Overwritten records are removed as each save completes: one record per checkpoint plus the index, nothing stray.
    expect((await keys(store)).length).toBe(listA.length + 1);
    expect(await tabA.sweepOrphans(0)).toBe(0);
  });
});
