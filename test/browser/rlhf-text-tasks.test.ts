// Learned rewards on the Moby-Dick tasks, from their shipped priors, on fixed seeds (WASM backend):
//  - Words, RLHF hands-free: a noise-free simulated annotator that prefers words ending in "ing" labels 8 pairs per
//    update, the Bradley–Terry reward model is fitted on them, and REINFORCE optimises the learned reward alone.
//  - Free text, SeqGAN: the discriminator's D(x) is the only reward; real data are the book's lines.
// Measured (2 shared cores, a pretraining job alongside): Words 480 labels, held-out accuracy 1.00 on 12 decided pairs,
// "ing" share 0.06 → 1.00 in 60 updates; Free text discriminator accuracy 0.52 (first 5) → 0.62 (last 15), D(real) −
// D(generated) 0.15, unique share 1.00. The thresholds leave a margin for another machine's float rounding.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import type { Prior } from '../../src/core/priors';
import { TEXT_TASK, WORDS_TASK } from '../../src/core/tasks/corpusTasks';
import type { UpdateResult } from '../../src/core/trainer';
import { shippedPrior, trainerFromPrior } from './priorKit';

const SIZE = { embedding: 32, hidden: 128 };
let wordsPrior: Prior;
let textPrior: Prior;
beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  [wordsPrior, textPrior] = await Promise.all([shippedPrior(WORDS_TASK, SIZE), shippedPrior(TEXT_TASK, SIZE)]);
  await Promise.all([WORDS_TASK.load(), TEXT_TASK.load()]);
});

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const share = (r: UpdateResult, f: (t: string) => boolean) => r.samples.filter((s) => f(s.text)).length / r.samples.length;

describe('RLHF on the Words task (WASM, seed 5, batch 32)', () => {
  it('fits a reward model to the annotator\'s labels and RL against it raises the true "ends with ing" share', async () => {
    const t = trainerFromPrior(WORDS_TASK, wordsPrior, { seed: 5, batchSize: 32 }, {
      task: 'words',
      rewards: [{ id: 'preference', weight: 1 }],
      learningRate: 3e-3,
      learned: { rewardModelSteps: 4, annotator: { term: 'ends_with', params: { suffix: 'ing' }, noise: 'flip', flip: 0, pairsPerUpdate: 8 } },
    });
    const results: UpdateResult[] = [];
    const tensorsAt: number[] = [];
    for (let u = 1; u <= 60; u++) {
      results.push(await t.update());
      if (u === 2 || u === 8) tensorsAt.push(tf.memory().numTensors);
    }
    const endsIng = (s: string) => s.endsWith('ing');
    const before = meanOf(results.slice(0, 3).map((r) => share(r, endsIng)));
    const after = meanOf(results.slice(-5).map((r) => share(r, endsIng)));
    const last = results[results.length - 1].metrics.diagnostics!;
    const summary = t.learned.summary();
    console.log(
      `Words RLHF: ${summary.labels} labels, held-out accuracy ${summary.heldOutAccuracy?.toFixed(3)} on ${summary.heldOutPairs} pairs; ` +
        `"ing" share ${before.toFixed(2)} → ${after.toFixed(2)}; last proxy ${last.proxyReward.toFixed(2)}, true ${last.trueReward.toFixed(2)}`,
    );
    expect(tensorsAt[1], 'the learned rewards leak tensors').toBe(tensorsAt[0]);
    expect(summary.heldOutPairs).toBeGreaterThanOrEqual(5);
    expect(summary.heldOutAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(after - before).toBeGreaterThanOrEqual(0.4);
    // The "true reward" diagnostic is the annotator's rule on the same samples.
    expect(last.trueReward).toBeCloseTo(share(results[results.length - 1], endsIng), 5);
    t.dispose();
  });
});

describe('SeqGAN on the Free text task (WASM, seed 5, batch 32)', () => {
  it('the discriminator learns to tell the book\'s lines from generated ones, and the generator keeps up', async () => {
    const t = trainerFromPrior(TEXT_TASK, textPrior, { seed: 5, batchSize: 32 }, {
      task: 'text',
      rewards: [{ id: 'discriminator', weight: 1 }],
      learningRate: 1e-3,
      learned: { discriminatorSteps: 4, discriminatorLearningRate: 1e-2 },
    });
    const results: UpdateResult[] = [];
    for (let u = 1; u <= 30; u++) results.push(await t.update());
    const accuracy = results.map((r) => r.metrics.diagnostics!.discriminatorAccuracy);
    const late = meanOf(accuracy.slice(-15));
    const gap = meanOf(results.slice(-15).map((r) => r.metrics.diagnostics!.discriminatorReal - r.metrics.diagnostics!.discriminatorFake));
    const unique = meanOf(results.slice(-10).map((r) => r.metrics.uniqueShare));
    console.log(
      `Free text SeqGAN: discriminator accuracy first 5 ${meanOf(accuracy.slice(0, 5)).toFixed(3)}, last 15 ${late.toFixed(3)}; ` +
        `D(real) − D(generated) over the last 15 ${gap.toFixed(3)}; unique share (last 10) ${unique.toFixed(2)}`,
    );
    expect(late).toBeGreaterThan(0.52);
    expect(late).toBeLessThan(0.95);
    expect(gap).toBeGreaterThan(0);
    expect(unique).toBeGreaterThanOrEqual(0.8);
    t.dispose();
  });
});
