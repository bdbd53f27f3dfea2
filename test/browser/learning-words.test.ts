// Learning test of the Words task on the WASM backend (fixed seed): from the shipped Moby-Dick words prior, REINFORCE
// with "ends with 'ing'" plus half the real-words share must lift the share of words ending in "ing" and the mean reward,
// while most samples stay words of the book. The corpus is loaded as the Worker loads it (task.load()).
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import type { Prior } from '../../src/core/priors';
import { WORDS_TASK } from '../../src/core/tasks/corpusTasks';
import { shippedPrior, trainerFromPrior } from './priorKit';

let prior: Prior;
beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  prior = await shippedPrior(WORDS_TASK, { embedding: 32, hidden: 128 });
  await WORDS_TASK.load();
});

// Measured on seed 5 (2 shared cores, 24 s): share 0.081 → 0.994, real words 0.20 → 0.98, mean reward 0.18 → 1.48 over
// 80 updates (first 5 vs last 5). The thresholds leave a margin for another machine's float rounding.
const UPDATES = 80;
const ING_BEFORE = 0.25;
const ING_AFTER = 0.8;
const REWARD_GAIN = 0.5;
const REAL_AFTER = 0.6;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('REINFORCE on the Words task (WASM)', () => {
  it('raises the share of words ending in "ing" and the mean reward, keeping most samples real words', async () => {
    const trainer = trainerFromPrior(WORDS_TASK, prior, { seed: 5, batchSize: 32 }, {
      task: 'words',
      learningRate: 3e-3,
      rewards: [
        { id: 'ends_with', weight: 1, params: { suffix: 'ing' } },
        { id: 'real_words', weight: 0.5 },
      ],
    });
    const vocabulary = new Set(WORDS_TASK.corpus());
    const ing: number[] = [];
    const real: number[] = [];
    const rewards: number[] = [];
    const started = performance.now();
    for (let u = 1; u <= UPDATES; u++) {
      const { metrics, samples } = await trainer.update();
      const texts = samples.map((s) => s.text);
      ing.push(texts.filter((t) => t.endsWith('ing')).length / texts.length);
      real.push(texts.filter((t) => vocabulary.has(t)).length / texts.length);
      rewards.push(metrics.rewardMean);
      expect(Number.isFinite(metrics.kl)).toBe(true);
    }
    const seconds = (performance.now() - started) / 1000;
    const first = { ing: mean(ing.slice(0, 5)), real: mean(real.slice(0, 5)), reward: mean(rewards.slice(0, 5)) };
    const last = { ing: mean(ing.slice(-5)), real: mean(real.slice(-5)), reward: mean(rewards.slice(-5)) };
    console.log(
      `words ends-with-ing: first 5 updates share ${first.ing.toFixed(3)}, real ${first.real.toFixed(3)}, reward ${first.reward.toFixed(3)}; ` +
        `last 5 of ${UPDATES}: share ${last.ing.toFixed(3)}, real ${last.real.toFixed(3)}, reward ${last.reward.toFixed(3)}; ${seconds.toFixed(1)} s`,
    );
    expect(first.ing).toBeLessThan(ING_BEFORE);
    expect(last.ing).toBeGreaterThanOrEqual(ING_AFTER);
    expect(last.reward).toBeGreaterThan(first.reward + REWARD_GAIN);
    expect(last.real).toBeGreaterThanOrEqual(REAL_AFTER);
    trainer.dispose();
  }, 90_000);
});
