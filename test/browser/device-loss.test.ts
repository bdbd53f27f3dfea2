// A lost WebGPU device (here: destroyed on purpose, as a driver reset would lose it) stops the session with a message
// and a 'device-lost' event, so the page can restart the Worker on a fresh device and resume from the last autosave.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';

describe('GPU device loss', () => {
  it('is noticed, reported with a hint, and leaves the session faulted instead of hanging', async () => {
    const events: WorkerEvent[] = [];
    const session = new TrainingSession();
    const info = await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/` });
    expect(info.name, 'this test needs WebGPU (SwiftShader in CI)').toBe('webgpu');
    expect((await session.configure({ seed: 3, batchSize: 8 })).ok).toBe(true);
    await session.step(1);
    expect(session.currentTrainer!.updates).toBe(1);

    (tf.backend() as unknown as { device: GPUDevice }).device.destroy();
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'device-lost') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const lost = events.find((e) => e.type === 'device-lost');
    expect(lost, 'a device-lost event').toBeTruthy();
    const error = events.find((e) => e.type === 'error');
    expect(error && error.type === 'error' && error.message).toMatch(/GPU device was lost/);
    expect(error && error.type === 'error' && error.hint).toMatch(/restarts the training Worker/);
    expect(session.runState).toBe('faulted');
  });
});
