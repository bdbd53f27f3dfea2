// Learned rewards on the names task from the shipped prior, on fixed seeds (WASM backend: the same tfjs code as WebGPU,
// about ten times faster on this GPU-less machine; see algorithms.test.ts).
//  - RLHF: a noise-free simulated annotator that prefers names ending in "a" labels 8 pairs per update; the reward
//    model (Bradley–Terry) is fitted on them, and REINFORCE with the KL penalty optimises the learned reward.
//  - SeqGAN: the discriminator's D(x) as the only reward, one discriminator step per generator update.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import type { Prior } from '../../src/core/priors';
import { NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import type { SequenceTrainer, UpdateResult } from '../../src/core/trainer';
import { shippedPrior, trainerFromPrior } from './priorKit';

let prior: Prior;
beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  prior = await shippedPrior(NAMES_TASK, { embedding: 32, hidden: 128 });
});

const trainer = (config: object) => trainerFromPrior(NAMES_TASK, prior, { seed: 11, batchSize: 32 }, config);

const share = (r: UpdateResult, f: (t: string) => boolean) => r.samples.filter((s) => f(s.text)).length / r.samples.length;
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Accuracy of the reward model on real names it never saw labelled: pairs of one name ending in "a" and one not. */
async function orderingAccuracy(t: SequenceTrainer): Promise<number> {
  const names = NAMES_TASK.corpus().filter((n) => n.length < 15);
  const withA = names.filter((n) => n.endsWith('a'));
  const without = names.filter((n) => !n.endsWith('a'));
  const pick = (xs: string[], i: number) => xs[(i * 7919) % xs.length];
  const a = Array.from({ length: 400 }, (_, i) => pick(withA, i));
  const b = Array.from({ length: 400 }, (_, i) => pick(without, i + 13));
  const scores = (await t.learned.rewardModelScores([...a, ...b]))!;
  let right = 0;
  for (let i = 0; i < 400; i++) if (scores[i] > scores[400 + i]) right++;
  return right / 400;
}

describe('RLHF with a simulated annotator (WASM, seed 11, batch 32)', () => {
  it('fits a reward model to 200 labels (held-out accuracy ≥ 0.85), and RL against it raises the true "ends with a" share by ≥ 0.4', async () => {
    const t = trainer({
      rewards: [{ id: 'preference', weight: 1 }],
      learningRate: 3e-3,
      learned: { rewardModelSteps: 4, annotator: { term: 'ends_with', params: { suffix: 'a' }, noise: 'flip', flip: 0, pairsPerUpdate: 8 } },
    });
    const results: UpdateResult[] = [];
    const tensorsAt: number[] = [];
    let accuracyAt200: number | undefined;
    let heldOutAt200 = 0;
    let independentAt200 = 0;
    for (let u = 1; u <= 60; u++) {
      const r = await t.update();
      results.push(r);
      if (u === 2 || u === 8) tensorsAt.push(tf.memory().numTensors);
      const d = r.metrics.diagnostics!;
      if (accuracyAt200 === undefined && d.labels >= 200) {
        accuracyAt200 = d.rewardModelAccuracy;
        heldOutAt200 = t.learned.summary().heldOutPairs;
        independentAt200 = await orderingAccuracy(t);
      }
    }
    const endsA = (s: string) => s.endsWith('a');
    const priorShare = share(results[0], endsA);
    const finalShare = meanOf(results.slice(-5).map((r) => share(r, endsA)));
    const last = results[results.length - 1].metrics;
    const summary = t.learned.summary();
    console.log(
      `RLHF: at 200 labels held-out accuracy ${accuracyAt200?.toFixed(3)} on ${heldOutAt200} decided held-out pairs, ` +
        `accuracy on 400 corpus pairs (one ends in "a", one not) ${independentAt200.toFixed(3)}; at the end ${summary.labels} labels; ` +
        `true share ${priorShare.toFixed(2)} → ${finalShare.toFixed(2)}, proxy ${last.diagnostics!.proxyReward.toFixed(2)}, true ${last.diagnostics!.trueReward.toFixed(2)}, KL ${last.kl.toFixed(2)}`,
    );
    expect(tensorsAt[1], 'the learned rewards leak tensors').toBe(tensorsAt[0]);
    expect(accuracyAt200).toBeGreaterThanOrEqual(0.85);
    // Most pairs late in the run are ties (both names end in "a"), so few held-out pairs are decided: hence the second,
    // independent measure on 400 corpus pairs.
    expect(heldOutAt200).toBeGreaterThanOrEqual(5);
    expect(independentAt200).toBeGreaterThanOrEqual(0.85);
    expect(finalShare - priorShare).toBeGreaterThanOrEqual(0.4);
    // The trainer's "true reward" diagnostic is the annotator's rule on the same samples.
    expect(last.diagnostics!.trueReward).toBeCloseTo(share(results[results.length - 1], endsA), 5);
    t.dispose();
  });
});

describe('RLHF with a noisy annotator (the "RLHF, hands-free" preset: one label in ten flipped)', () => {
  it('still raises the true "ends with a" share by ≥ 0.4, and the Goodhart numbers are recorded', async () => {
    const t = trainer({
      rewards: [{ id: 'preference', weight: 1 }],
      learningRate: 3e-3,
      learned: { annotator: { term: 'ends_with', params: { suffix: 'a' }, noise: 'flip', flip: 0.1, pairsPerUpdate: 8 } },
    });
    const results: UpdateResult[] = [];
    for (let u = 1; u <= 40; u++) results.push(await t.update());
    const endsA = (s: string) => s.endsWith('a');
    const priorShare = share(results[0], endsA);
    const finalShare = meanOf(results.slice(-5).map((r) => share(r, endsA)));
    const at = (u: number) => results[u - 1].metrics;
    const goodhart = [10, 20, 30, 40].map((u) => `update ${u}: KL ${at(u).kl.toFixed(2)}, proxy ${at(u).diagnostics!.proxyReward.toFixed(2)}, true ${at(u).diagnostics!.trueReward.toFixed(2)}`);
    const flipped = t.learned.preferences.all().filter((p) => p.choice !== 'tie' && p.choice !== (p.a.endsWith('a') ? 'a' : 'b')).length;
    console.log(`RLHF, 10% flips: ${flipped} of the decided labels are wrong; true share ${priorShare.toFixed(2)} → ${finalShare.toFixed(2)}; reward model held-out accuracy ${t.learned.summary().heldOutAccuracy?.toFixed(2)}; ${goodhart.join('; ')}`);
    expect(flipped).toBeGreaterThan(0);
    expect(finalShare - priorShare).toBeGreaterThanOrEqual(0.4);
    t.dispose();
  });
});

describe('SeqGAN discriminator reward (WASM, seed 11, batch 32)', () => {
  it('the discriminator learns (accuracy above chance, below perfect) and samples stay diverse', async () => {
    const t = trainer({ rewards: [{ id: 'discriminator', weight: 1 }], learningRate: 1e-3, learned: { discriminatorSteps: 4, discriminatorLearningRate: 1e-2 } });
    const results: UpdateResult[] = [];
    const tensorsAt: number[] = [];
    for (let u = 1; u <= 40; u++) {
      results.push(await t.update());
      if (u === 2 || u === 8) tensorsAt.push(tf.memory().numTensors);
    }
    const accuracy = results.map((r) => r.metrics.diagnostics!.discriminatorAccuracy);
    const early = meanOf(accuracy.slice(0, 5));
    const late = meanOf(accuracy.slice(-20));
    const gap = meanOf(results.slice(-20).map((r) => r.metrics.diagnostics!.discriminatorReal - r.metrics.diagnostics!.discriminatorFake));
    const unique = meanOf(results.slice(-10).map((r) => r.metrics.uniqueShare));
    const d = results[results.length - 1].metrics.diagnostics!;
    console.log(
      `SeqGAN: discriminator accuracy (on fresh samples, before fitting them) first 5 updates ${early.toFixed(3)}, last 20 ${late.toFixed(3)} (min ${Math.min(...accuracy.slice(-20)).toFixed(2)}, max ${Math.max(...accuracy.slice(-20)).toFixed(2)}); ` +
        `mean D(real) − D(generated) over the last 20 ${gap.toFixed(3)}; last D(real) ${d.discriminatorReal.toFixed(2)}, D(generated) ${d.discriminatorFake.toFixed(2)}; unique share (last 10) ${unique.toFixed(2)}; KL ${results[results.length - 1].metrics.kl.toFixed(2)}`,
    );
    expect(tensorsAt[1], 'the discriminator leaks tensors').toBe(tensorsAt[0]);
    // Above chance on samples it has not fitted (it learns), far from perfect (the generator keeps up with it).
    expect(late).toBeGreaterThan(0.52);
    expect(late).toBeLessThan(0.85);
    expect(gap).toBeGreaterThan(0);
    expect(unique).toBeGreaterThanOrEqual(0.8);
    t.dispose();
  });
});
