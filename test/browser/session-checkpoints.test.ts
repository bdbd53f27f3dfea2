// The Worker's checkpoint commands, driven on a TrainingSession directly: Pause autosaves the run under its run id,
// resuming rebuilds it and continues the update counter with the metrics history re-sent, and a full disk becomes a
// 'storage' event while training goes on.
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { openCheckpointStorage, QUOTA_MESSAGE, type CheckpointStorage } from '../../src/core/checkpoints';
import { CheckpointError } from '../../src/core/checkpoints/types';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';

const CONFIG = { seed: 3, batchSize: 16, maxLength: 12 };
let dbCounter = 0;

async function openSession(storage: CheckpointStorage) {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession(() => storage);
  await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/` });
  const configured = await session.configure(CONFIG);
  expect(configured.ok).toBe(true);
  return { session, events };
}

const until = async (check: () => boolean, ms = 120_000) => {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('session checkpoints', () => {
  it('Pause autosaves; resume in a new session continues the counter with the same next samples', async () => {
    const storage = openCheckpointStorage({ store: createStore(`rewardlab-session-${Date.now()}-${dbCounter++}`, 'checkpoints') });
    const { session, events } = await openSession(storage);
    await session.step(2);
    await session.start();
    await until(() => (session.currentTrainer?.updates ?? 0) >= 3);
    await session.pause();
    const updates = session.currentTrainer!.updates;
    const listed = await session.listCheckpoints();
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.value).toHaveLength(1);
    expect(listed.value[0].id).toMatch(/^auto-/);
    expect(listed.value[0].update).toBe(updates);
    await until(() => events.some((e) => e.type === 'storage' && e.ok));

    // What the original run does next, for comparison.
    await session.step(1);
    const nextMetrics = events.filter((e) => e.type === 'metrics').flatMap((e) => e.metrics).at(-1)!;
    await until(() => events.some((e) => e.type === 'samples' && e.update === updates + 1));
    session.dispose();

    const fresh = await openSession(storage);
    const resumed = await fresh.session.resumeCheckpoint(listed.value[0].id);
    if (!resumed.ok) throw new Error(resumed.message);
    expect(fresh.session.currentTrainer!.updates).toBe(updates);
    await until(() => fresh.events.some((e) => e.type === 'restored'));
    const restored = fresh.events.find((e) => e.type === 'restored')!;
    if (restored.type !== 'restored') throw new Error('unreachable');
    expect(restored.update).toBe(updates);
    expect(restored.metrics.map((m) => m.update)).toEqual(Array.from({ length: updates }, (_, i) => i + 1));

    await fresh.session.step(1);
    const after = fresh.events.filter((e) => e.type === 'metrics').flatMap((e) => e.metrics).at(-1)!;
    expect(after.update).toBe(updates + 1);
    expect(after.rewardMean).toBe(nextMetrics.rewardMean);
    // The autosave id is the run's: pausing the resumed run replaces it instead of adding one.
    await fresh.session.start();
    await until(() => (fresh.session.currentTrainer?.updates ?? 0) >= updates + 2);
    await fresh.session.pause();
    const again = await fresh.session.listCheckpoints();
    expect(again.ok && again.value.map((m) => m.id)).toEqual([listed.value[0].id]);
    fresh.session.dispose();
  });

  it('a full disk on autosave becomes a quota event and training goes on', async () => {
    const real = openCheckpointStorage({ store: createStore(`rewardlab-session-${Date.now()}-${dbCounter++}`, 'checkpoints') });
    const full: CheckpointStorage = {
      ...real,
      saveCheckpoint: async () => {
        throw new CheckpointError('quota', QUOTA_MESSAGE);
      },
    };
    const { session, events } = await openSession(full);
    await session.start();
    await until(() => (session.currentTrainer?.updates ?? 0) >= 1);
    await session.pause();
    await until(() => events.some((e) => e.type === 'storage'));
    const failure = events.find((e) => e.type === 'storage');
    expect(failure).toMatchObject({ type: 'storage', ok: false, kind: 'quota', message: QUOTA_MESSAGE, auto: true });
    const before = session.currentTrainer!.updates;
    await session.step(1);
    expect(session.currentTrainer!.updates).toBe(before + 1);
    expect(session.runState).toBe('paused');
    const manual = await session.saveCheckpoint('by hand');
    expect(manual).toEqual({ ok: false, kind: 'quota', message: QUOTA_MESSAGE });
    session.dispose();
  });
});
