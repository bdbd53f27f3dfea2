// Resuming an RLHF run through the Worker's session (the painter, WASM): its learned reward right after resume is the
// one before the save; a checkpoint whose learned-models section was damaged in storage still resumes at its update,
// the status line says the reward model is refitted from the saved labels, and training goes on. A Reset keeps the
// labels; another target drops them (they judged paintings against the old one).
import { createStore, get, keys, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { openCheckpointStorage, type CheckpointStorage, type SerializedTensor } from '../../src/core/checkpoints';
import type { PaintPreferences } from '../../src/core/learned/paintPreferences';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';

const CONFIG = {
  task: 'paint',
  seed: 5,
  batchSize: 8,
  paint: { strokes: 4 },
  rewards: [{ id: 'paint_preference', weight: 1 }],
  learned: { annotator: { term: 'l2_gain', noise: 'flip', flip: 0, pairsPerUpdate: 4 } },
};

async function openSession(storage: CheckpointStorage) {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession(() => storage);
  expect((await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' })).name).toBe('wasm');
  expect((await session.configure(CONFIG)).ok).toBe(true);
  return { session, events };
}

const learnedOf = (session: TrainingSession) => session.currentTrainer!.learned as PaintPreferences;
const lastStatus = (events: WorkerEvent[]) => events.filter((e) => e.type === 'status').at(-1) as Extract<WorkerEvent, { type: 'status' }>;

describe('resuming an RLHF painter run', () => {
  it('restores the learned reward exactly; a damaged learned section resumes the run with a refit and says so', async () => {
    const store = createStore(`rewardlab-rlhf-session-${Date.now()}`, 'checkpoints');
    const storage = openCheckpointStorage({ store });
    const { session } = await openSession(storage);
    await session.step(3);
    const fixed = learnedOf(session).preferences.all().slice(0, 4).map((p) => p.b);
    const before = await learnedOf(session).rewardModelScores(fixed);
    const saved = await session.saveCheckpoint('rlhf painter');
    if (!saved.ok) throw new Error(saved.message);
    session.dispose();

    const clean = await openSession(storage);
    const resumed = await clean.session.resumeCheckpoint(saved.value.id);
    if (!resumed.ok) throw new Error(resumed.message);
    expect(lastStatus(clean.events).message).toBe('Resumed "rlhf painter" at update 3');
    expect(await learnedOf(clean.session).rewardModelScores(fixed)).toEqual(before);
    clean.session.dispose();

    // Damage one learned weight in storage: the run is intact, its learned models are not.
    const recordKey = (await keys(store)).find((k) => String(k).startsWith('record:'))!;
    const record = (await get(recordKey, store)) as { learnedModels: SerializedTensor[] };
    record.learnedModels[0].data[0] += 1;
    await set(recordKey, record, store);
    const damaged = await openSession(storage);
    const again = await damaged.session.resumeCheckpoint(saved.value.id);
    if (!again.ok) throw new Error(again.message);
    expect(damaged.session.currentTrainer!.updates).toBe(3);
    expect(lastStatus(damaged.events).message).toMatch(
      /^Resumed "rlhf painter" at update 3\. Note: the saved weights of its learned reward models are damaged \(their checksum does not match\), so they were not used; the reward model is refitted from the \d+ saved labels/,
    );
    await damaged.session.step(1);
    expect(damaged.session.currentTrainer!.updates).toBe(4);
    const labels = learnedOf(damaged.session).summary().labels;
    expect(labels).toBeGreaterThan(12);
    // A Reset keeps the labels (the new run's reward model is refitted on them); a new target drops them.
    await damaged.session.reset();
    expect(damaged.session.currentTrainer!.updates).toBe(0);
    expect(learnedOf(damaged.session).summary().labels).toBe(labels);
    expect((await damaged.session.configure({ ...CONFIG, paint: { ...CONFIG.paint, target: 'stripes' } })).ok).toBe(true);
    expect(learnedOf(damaged.session).summary().labels).toBe(0);
    damaged.session.dispose();
  });
});
