// Labels are saved with the run: in IndexedDB checkpoints (covered by the checksum), in exported files, and in the
// trainer's state; checkpoints from before labels existed still load. Labels from a person travel the same way.
import { createStore, get, keys, set } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { openCheckpointStorage, type NewCheckpoint } from '../../src/core/checkpoints';
import { parseConfig } from '../../src/core/config';
import type { LabelledPair } from '../../src/core/learned/preferences';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem, type Prior } from '../../src/core/priors';
import { NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';

const LABELS: LabelledPair[] = [
  { a: 'anna', b: 'bob', choice: 'a', source: 'human', update: 0 },
  { a: 'carl', b: 'dora', choice: 'b', source: 'annotator', update: 3 },
  { a: 'eve', b: 'fay', choice: 'tie', source: 'human', update: 4 },
];

function checkpoint(preferences?: LabelledPair[]): NewCheckpoint {
  const config = parseConfig({ seed: 3, model: { hidden: 16, embedding: 8 }, rewards: [{ id: 'preference' }] });
  if (!config.ok) throw new Error('bad test config');
  return {
    name: 'labelled run',
    createdAt: 1_700_000_000_000,
    config: config.config,
    update: 7,
    weights: [{ name: 'w', shape: [2], dtype: 'float32', data: Float32Array.of(1, 2) }],
    optimizer: [],
    rng: [0.02],
    metrics: [],
    meanReward: 0.5,
    ...(preferences ? { preferences } : {}),
  };
}

let counter = 0;
const fresh = () => {
  const store = createStore(`rewardlab-rlhf-${Date.now()}-${counter++}`, 'checkpoints');
  return { store, storage: openCheckpointStorage({ store }) };
};

describe('labels in checkpoints', () => {
  it('survive save and load, and a changed label fails the checksum', async () => {
    const { store, storage } = fresh();
    const meta = await storage.saveCheckpoint(checkpoint(LABELS));
    expect((await storage.loadCheckpoint(meta.id)).preferences).toEqual(LABELS);
    const recordKey = (await keys(store)).find((k) => String(k).startsWith('record:'))!;
    const record = (await get(recordKey, store)) as { preferences: LabelledPair[] };
    record.preferences[0].choice = 'b';
    await set(recordKey, record, store);
    await expect(storage.loadCheckpoint(meta.id)).rejects.toThrow(/checksum does not match/);
  });

  it('a checkpoint without labels (as saved before labels existed) loads with none', async () => {
    const { storage } = fresh();
    const meta = await storage.saveCheckpoint(checkpoint());
    expect((await storage.loadCheckpoint(meta.id)).preferences).toBeUndefined();
  });

  it('travel in the export file', async () => {
    const a = fresh();
    const b = fresh();
    const meta = await a.storage.saveCheckpoint(checkpoint(LABELS));
    const imported = await b.storage.importCheckpoint(await a.storage.exportCheckpoint(meta.id));
    expect((await b.storage.loadCheckpoint(imported.id)).preferences).toEqual(LABELS);
  });

  it('malformed labels are refused on save with a reason', async () => {
    const { storage } = fresh();
    const bad = [{ ...LABELS[0], choice: 'maybe' }] as unknown as LabelledPair[];
    await expect(storage.saveCheckpoint(checkpoint(bad))).rejects.toThrow(/labelled pairs are invalid at 0\.choice/);
  });
});

describe('labels in the trainer state (WASM)', () => {
  let prior: Prior;
  beforeAll(async () => {
    expect((await chooseBackend('wasm')).name).toBe('wasm');
    const size = { vocab: NAMES_TASK.tokenizer.vocab.length, embedding: 32, hidden: 128 };
    prior = (await fetchPrior(`${location.origin}/`, priorStem('names', size)))!;
  });

  function trainer() {
    const parsed = parseConfig({ seed: 5, batchSize: 16, rewards: [{ id: 'preference', weight: 1 }] });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const size = { vocab: NAMES_TASK.tokenizer.vocab.length, ...parsed.config.model };
    return new SequenceTrainer(parsed.config, NAMES_TASK, CharGru.fromValues(size, prior.values, true, 'policy'), CharGru.fromValues(size, prior.values, false, 'prior'));
  }

  it("a person's labels of offered pairs are exported with the state and restored by importState", async () => {
    const t = trainer();
    const pairs = await t.learned.offerPairs(6);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    for (const p of pairs) expect(p.a).not.toBe(p.b);
    const answers = ['a', 'b', 'tie', 'skip', 'a'] as const;
    for (const [i, answer] of answers.entries()) await t.learned.label(pairs[i].id, answer, 0);
    await expect(t.learned.label(pairs[0].id, 'a', 0)).rejects.toThrow(/no longer on offer/);
    const summary = t.learned.summary();
    expect(summary).toMatchObject({ labels: 4, human: 4, annotator: 0 });
    const state = await t.exportState();
    expect(state.preferences?.map((p) => p.choice)).toEqual(['a', 'b', 'tie', 'a']);

    const restored = trainer();
    await restored.importState(state);
    expect(restored.learned.summary()).toMatchObject({ labels: 4, human: 4 });
    // The restored run trains against the refitted reward model.
    const r = await restored.update();
    expect(Number.isFinite(r.metrics.terms.preference)).toBe(true);
    expect(r.metrics.diagnostics!.labels).toBe(4);
    t.dispose();
    restored.dispose();
  });
});
