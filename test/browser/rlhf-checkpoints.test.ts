// Labels are saved with the run: in IndexedDB checkpoints (covered by the checksum), in exported files, and in the
// trainer's state; checkpoints from before labels existed still load. Labels from a person travel the same way.
// The learned models' weights (reward model, discriminator, with Adam's slots) travel too, under their own checksum:
// restored, they score fixed samples exactly as before the save; damaged or absent, the run still loads and the reward
// model is refitted from the labels, with a note saying so.
import { createStore, get, keys, set } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { openCheckpointStorage, type NewCheckpoint } from '../../src/core/checkpoints';
import { parseConfig } from '../../src/core/config';
import type { SerializedTensor } from '../../src/core/checkpoints';
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

const LEARNED: SerializedTensor[] = [
  { name: 'rewardModel/w/valueBias', shape: [1], dtype: 'float32', data: Float32Array.of(0.25) },
  { name: 'rewardModel/adam/0:iter', shape: [], dtype: 'float32', data: Float32Array.of(3) },
];

function checkpoint(preferences?: LabelledPair[], learnedModels?: SerializedTensor[]): NewCheckpoint {
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
    ...(learnedModels ? { learnedModels } : {}),
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

describe('learned-model weights in checkpoints', () => {
  it('survive save, load, export and import under their own checksum', async () => {
    const a = fresh();
    const b = fresh();
    const meta = await a.storage.saveCheckpoint(checkpoint(LABELS, LEARNED));
    const loaded = await a.storage.loadCheckpoint(meta.id);
    expect(loaded.learnedModels).toEqual(LEARNED);
    expect(loaded.learnedChecksum).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.learnedProblem).toBeUndefined();
    const imported = await b.storage.importCheckpoint(await a.storage.exportCheckpoint(meta.id));
    expect((await b.storage.loadCheckpoint(imported.id)).learnedModels).toEqual(LEARNED);
  });

  it('a damaged learned section is dropped with a reason; the run, its weights and labels still load', async () => {
    const { store, storage } = fresh();
    const meta = await storage.saveCheckpoint(checkpoint(LABELS, LEARNED));
    const recordKey = (await keys(store)).find((k) => String(k).startsWith('record:'))!;
    const record = (await get(recordKey, store)) as { learnedModels: SerializedTensor[] };
    record.learnedModels[0].data[0] = 99;
    await set(recordKey, record, store);
    const loaded = await storage.loadCheckpoint(meta.id);
    expect(loaded.learnedModels).toBeUndefined();
    expect(loaded.learnedProblem).toMatch(/learned reward models are damaged \(their checksum does not match\)/);
    expect(loaded.preferences).toEqual(LABELS);
    expect(loaded.weights[0].data).toEqual(Float32Array.of(1, 2));
    // A malformed section (data that does not fit its shape) is dropped the same way.
    record.learnedModels[0].shape = [5];
    await set(recordKey, record, store);
    expect((await storage.loadCheckpoint(meta.id)).learnedProblem).toMatch(/holds 1 values but its shape \[5\] needs 5/);
  });

  it('an exported file whose learned section was altered imports without it', async () => {
    const a = fresh();
    const b = fresh();
    const meta = await a.storage.saveCheckpoint(checkpoint(LABELS, LEARNED));
    const bytes = new Uint8Array(await (await a.storage.exportCheckpoint(meta.id)).arrayBuffer());
    // The learned tensors are the file's last bytes: flip one bit of the Adam step count.
    bytes[bytes.length - 1] ^= 0x01;
    const imported = await b.storage.importCheckpoint(new Blob([bytes]));
    const loaded = await b.storage.loadCheckpoint(imported.id);
    expect(loaded.learnedModels).toBeUndefined();
    expect(loaded.preferences).toEqual(LABELS);
  });
});

describe('labels in the trainer state (WASM)', () => {
  let prior: Prior;
  beforeAll(async () => {
    expect((await chooseBackend('wasm')).name).toBe('wasm');
    const size = { vocab: NAMES_TASK.tokenizer.vocab.length, embedding: 32, hidden: 128 };
    prior = (await fetchPrior(`${location.origin}/`, priorStem('names', size)))!;
  });

  function trainer(rewards: object[] = [{ id: 'preference', weight: 1 }]) {
    const parsed = parseConfig({ seed: 5, batchSize: 16, rewards });
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

  it('the learned models restored from a saved checkpoint score fixed samples exactly as before the save', async () => {
    const rewards = [{ id: 'preference', weight: 1 }, { id: 'discriminator', weight: 0.5 }];
    const t = trainer(rewards);
    const pairs = await t.learned.offerPairs(6);
    for (const p of pairs.slice(0, 5)) await t.learned.label(p.id, 'a', 0);
    await t.update(); // trains the discriminator and takes more reward-model steps (Adam's moments are non-zero)
    const fixed = ['anna', 'bob', 'kara', 'zzq', ''];
    const before = { r: await t.learned.rewardModelScores(fixed), d: await t.learned.discriminatorScores(fixed) };
    const { storage } = fresh();
    const state = await t.exportState();
    expect(state.learnedModels!.some((x) => x.name.startsWith('rewardModel/adam/'))).toBe(true);
    expect(state.learnedModels!.some((x) => x.name.startsWith('discriminator/w/'))).toBe(true);
    const meta = await storage.saveCheckpoint({ ...checkpoint(state.preferences, state.learnedModels), weights: state.weights, optimizer: state.optimizer, rng: state.rng, update: state.updates, config: t.currentConfig });
    const cp = await storage.loadCheckpoint(meta.id);

    const restored = trainer(rewards);
    await restored.importState({ updates: cp.update, weights: cp.weights, optimizer: cp.optimizer, rng: cp.rng, preferences: cp.preferences, learnedModels: cp.learnedModels });
    expect(restored.learnedRestoreNote).toBeNull();
    expect(await restored.learned.rewardModelScores(fixed)).toEqual(before.r);
    expect(await restored.learned.discriminatorScores(fixed)).toEqual(before.d);
    // The next update of both runs agrees, Adam's state included. Not bit for bit: tfjs's Adam restores β^t as a power
    // of the step count where the running run multiplied it step by step (a difference in the 7th digit). The
    // discriminator's scores are compared before its steps: its buffer of recent generated samples is not saved.
    const [x, y] = [await t.update(), await restored.update()];
    for (const key of ['rewardModelLoss', 'discriminatorReal', 'discriminatorFake']) {
      const [was, now] = [x.metrics.diagnostics![key], y.metrics.diagnostics![key]];
      expect(Math.abs(now - was)).toBeLessThan(1e-5 * Math.abs(was));
    }

    // Without the learned section (an older checkpoint, or a damaged one), the labels are refitted and the note says so.
    const old = trainer(rewards);
    await old.importState({ updates: cp.update, weights: cp.weights, optimizer: cp.optimizer, rng: cp.rng, preferences: cp.preferences });
    expect(old.learnedRestoreNote).toMatch(/reward model is refitted from the 5 saved labels.*discriminator starts afresh/);
    expect(await old.learned.rewardModelScores(fixed)).not.toEqual(before.r);
    // A section that does not fit the model is refused as a whole: nothing half-restored.
    const bad = cp.learnedModels!.map((x) => (x.name === 'rewardModel/w/valueBias' ? { ...x, shape: [2], data: new Float32Array(2) } : x));
    const mismatched = trainer(rewards);
    await mismatched.importState({ updates: cp.update, weights: cp.weights, optimizer: cp.optimizer, rng: cp.rng, preferences: cp.preferences, learnedModels: bad });
    expect(mismatched.learnedRestoreNote).toMatch(/weight "valueBias" has shape \[2\], the model needs \[1\]/);
    for (const x of [t, restored, old, mismatched]) x.dispose();
  });
});
