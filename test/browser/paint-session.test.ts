// The Paint task through the Worker's session: it builds a PaintTrainer (no prior to fetch), refuses REINVENT, and a
// saved checkpoint resumes into the same next update. WASM backend, for speed on a GPU-less machine.
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { openCheckpointStorage } from '../../src/core/checkpoints';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';
import { PaintTrainer } from '../../src/core/training/paintTrainer';

const CONFIG = { task: 'paint', seed: 5, batchSize: 8, paint: { strokes: 5 } };

describe('paint session', () => {
  it('trains, saves, and resumes a checkpoint into the identical next update', async () => {
    const storage = openCheckpointStorage({ store: createStore(`rewardlab-paint-${Date.now()}`, 'checkpoints') });
    const events: WorkerEvent[] = [];
    const session = new TrainingSession(() => storage);
    const backend = await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' });
    expect(backend.name).toBe('wasm');

    const refused = await session.configure({ ...CONFIG, algorithm: { name: 'reinvent' } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0].path).toBe('algorithm.name');

    expect((await session.configure(CONFIG)).ok).toBe(true);
    expect(session.currentTrainer).toBeInstanceOf(PaintTrainer);
    await session.step(2);
    const saved = await session.saveCheckpoint('two updates');
    if (!saved.ok) throw new Error(saved.message);
    expect(saved.value.task).toBe('paint');

    const samplesOf = (update: number) => {
      const found = events.filter((e): e is WorkerEvent & { type: 'samples' } => e.type === 'samples' && e.update === update);
      return found[found.length - 1]?.samples.map((s) => s.reward);
    };
    await session.step(1);
    await new Promise((r) => setTimeout(r, 200)); // events are flushed on a timer
    const original = samplesOf(3);
    expect(original).toHaveLength(8);

    const resumed = await session.resumeCheckpoint(saved.value.id);
    if (!resumed.ok) throw new Error(resumed.message);
    expect(session.currentTrainer!.updates).toBe(2);
    events.length = 0;
    await session.step(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(samplesOf(3)).toEqual(original);
    session.dispose();
  });
});
