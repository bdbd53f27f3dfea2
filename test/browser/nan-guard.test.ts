// Bad training must never damage the weights: an update with NaN/Inf is rejected before it touches them,
// and the session pauses with a message that says what happened and what to do.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import { parseConfig } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';
import { NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer, TrainingFault } from '../../src/core/trainer';

function smallTrainer(overrides: object = {}) {
  const parsed = parseConfig({ seed: 3, batchSize: 16, model: { hidden: 16, embedding: 8 }, ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const size = { vocab: NAMES_TASK.tokenizer.vocab.length, ...parsed.config.model };
  const policy = CharGru.init(size, 3);
  return new SequenceTrainer(parsed.config, NAMES_TASK, policy, policy.frozenCopy());
}

describe('NaN guard', () => {
  it('rejects an update whose policy produces NaN and keeps every weight as it was', async () => {
    await chooseBackend();
    const trainer = smallTrainer();
    await trainer.update();
    const poisoned = new Float32Array(trainer.policy.size.vocab).fill(NaN);
    trainer.policy.weights.logitsBias.assign(tf.tensor1d(poisoned));
    const before = await trainer.policy.readValues();
    await expect(trainer.update()).rejects.toThrow(TrainingFault);
    await expect(trainer.update()).rejects.toThrow(/NaN or infinite/);
    const after = await trainer.policy.readValues();
    for (const name of Object.keys(before)) expect(Array.from(after[name]), name).toEqual(Array.from(before[name]));
    expect(trainer.updates).toBe(1);
    trainer.dispose();
  });

  it('rejects an overflowing loss or gradient (an absurd reward scale) before Adam sees it', async () => {
    await chooseBackend();
    // With gradient clipping off and a reward of 1e38 per sample, the gradient overflows float32.
    const trainer = smallTrainer({ algorithm: { gradClip: 0, klCoef: 0 } });
    (trainer as unknown as { config: { rewards: unknown[] } }).config.rewards = [{ id: 'target_length', weight: 1e38, params: { length: 3, width: 20 } }];
    const before = await trainer.policy.readValues();
    const error = await trainer.update().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingFault);
    expect((error as TrainingFault).hint).toMatch(/learning rate|reward weights/);
    const after = await trainer.policy.readValues();
    for (const name of Object.keys(before)) expect(Array.from(after[name]), name).toEqual(Array.from(before[name]));
    trainer.dispose();
  });

  it('pauses the session with an error event naming the problem and a hint', async () => {
    const events: WorkerEvent[] = [];
    const session = new TrainingSession();
    await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/` });
    // The default model size, so the shipped prior is used (another size would pretrain one first).
    const result = await session.configure({ seed: 3, batchSize: 8 });
    expect(result.ok).toBe(true);
    await session.step(1);
    const trainer = session.currentTrainer as SequenceTrainer;
    trainer.policy.weights.logitsBias.assign(tf.fill([trainer.policy.size.vocab], NaN));
    await session.step(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(session.runState).toBe('faulted');
    const error = events.find((e) => e.type === 'error');
    expect(error && error.type === 'error' && error.message).toMatch(/NaN or infinite/);
    expect(error && error.type === 'error' && error.hint.length).toBeGreaterThan(10);
    expect(trainer.updates).toBe(1);
    session.dispose();
  });
});
