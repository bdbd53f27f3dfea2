// Learning test of the walking skeleton: from the shipped names prior, REINFORCE with reward "ends with 'a'"
// must raise the share of names ending in 'a' to ≥ 0.9 within 200 updates at batch 64, with a finite KL,
// and the tfjs tensor count must be flat across updates.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import { parseConfig } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem } from '../../src/core/priors';
import { NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';

async function namesTrainer(overrides: object) {
  const parsed = parseConfig({ seed: 1, batchSize: 64, rewards: [{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }], ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const config = parsed.config;
  const size = { vocab: NAMES_TASK.tokenizer.vocab.length, ...config.model };
  const prior = await fetchPrior(`${location.origin}/`, priorStem('names', size));
  if (!prior) throw new Error(`No shipped prior public/priors/${priorStem('names', size)}.json: run \`npm run pretrain -- names\``);
  return new SequenceTrainer(config, NAMES_TASK, CharGru.fromValues(size, prior.values, true, 'policy'), CharGru.fromValues(size, prior.values, false, 'prior'));
}

const shareEndingInA = (texts: string[]) => texts.filter((t) => t.endsWith('a')).length / texts.length;

describe('REINFORCE on the names task (WebGPU)', () => {
  it('raises the share of names ending in "a" to ≥ 0.9 within 200 updates, KL finite, tensor count flat', async () => {
    const backend = await chooseBackend();
    expect(backend.name).toBe('webgpu');
    const trainer = await namesTrainer({});
    const shares: number[] = [];
    let tensorsAt10 = -1;
    let tensorsAt50 = -1;
    let reachedAt = -1;
    let lastKl = NaN;
    const started = performance.now();
    // Train until the 5-update mean share passes 0.9, then 10 more updates to show it holds (at most 200 in all).
    for (let u = 1; u <= 200; u++) {
      const { metrics, samples } = await trainer.update();
      shares.push(shareEndingInA(samples.map((s) => s.text)));
      lastKl = metrics.kl;
      expect(Number.isFinite(metrics.kl)).toBe(true);
      if (u === 10) tensorsAt10 = tf.memory().numTensors;
      if (u === 50) tensorsAt50 = tf.memory().numTensors;
      const recent = shares.slice(-5);
      if (reachedAt < 0 && u >= 5 && recent.reduce((a, b) => a + b, 0) / 5 >= 0.9) reachedAt = u;
      if (reachedAt > 0 && u >= Math.max(reachedAt + 10, 50)) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const updates = shares.length;
    console.log(
      `names ends-with-a: prior share ${shares[0].toFixed(3)}, reached 5-update mean ≥ 0.9 at update ${reachedAt}, ` +
        `final 5-update share ${(shares.slice(-5).reduce((a, b) => a + b, 0) / 5).toFixed(3)}, KL ${lastKl.toFixed(3)} nats, ${(updates / seconds).toFixed(2)} updates/s`,
    );
    expect(shares[0]).toBeLessThan(0.5);
    expect(reachedAt).toBeGreaterThan(0);
    const finalShare = shares.slice(-5).reduce((a, b) => a + b, 0) / 5;
    expect(finalShare).toBeGreaterThanOrEqual(0.9);
    expect(Number.isFinite(lastKl)).toBe(true);
    expect(tensorsAt50).toBe(tensorsAt10);
    trainer.dispose();
  });
});
