// The speed cap (slow motion for a lecture): updates start no faster than the cap, Pause stays prompt inside a long
// slot, and an out-of-range cap is refused. WASM backend: this is about the loop, not the GPU.
import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';

async function readySession() {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession();
  await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' });
  expect((await session.configure({ seed: 5, batchSize: 8 })).ok).toBe(true);
  await session.step(1); // build, warm up
  return session;
}

describe('speed cap', () => {
  it('spaces updates by at least 1/cap and Pause ends a long slot early', async () => {
    const session = await readySession();
    session.setSpeedCap(4);
    const started = performance.now();
    await session.step(3);
    // Three updates: the second and third each wait for their 250 ms slot.
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    expect(session.currentTrainer!.updates).toBe(4);

    session.setSpeedCap(0.2); // one update per 5 s
    await session.start();
    while (session.currentTrainer!.updates < 5) await new Promise((r) => setTimeout(r, 20));
    const pausing = performance.now();
    await session.pause();
    expect(performance.now() - pausing).toBeLessThan(4_000);
    expect(session.currentTrainer!.updates).toBe(5);
    session.dispose();
  });

  it('refuses a cap that is not a positive number up to 100, and accepts none', async () => {
    const session = new TrainingSession();
    for (const bad of [0, -1, NaN, Infinity, 1000]) expect(() => session.setSpeedCap(bad)).toThrow(/speed cap/);
    expect(() => session.setSpeedCap(null)).not.toThrow();
  });
});
