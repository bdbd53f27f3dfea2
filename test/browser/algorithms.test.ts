// Each algorithm learns the names "ends with 'a'" preset from the shipped prior, on fixed seeds.
// These run on the WASM backend: the algorithms are backend-independent tfjs code, our kernels run their CPU twins
// there (paired with the WGSL versions in kernels-*.test.ts), and on this GPU-less machine WASM is ~10x faster than
// WebGPU on SwiftShader. The WebGPU path is covered end to end by learning-names.test.ts.
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

/** Trains until the 5-update mean of `score` reaches `target` (then 5 more updates), at most `budget` updates. */
async function trainUntil(t: SequenceTrainer, score: (r: UpdateResult) => number, target: number, budget: number, afterUpdate?: (u: number) => void) {
  const scores: number[] = [];
  const results: UpdateResult[] = [];
  let reachedAt = -1;
  for (let u = 1; u <= budget; u++) {
    const r = await t.update();
    afterUpdate?.(u);
    results.push(r);
    scores.push(score(r));
    const recent = scores.slice(-5);
    if (reachedAt < 0 && u >= 5 && recent.reduce((a, b) => a + b, 0) / 5 >= target) reachedAt = u;
    if (reachedAt > 0 && u >= reachedAt + 5) break;
  }
  const final = scores.slice(-5).reduce((a, b) => a + b, 0) / 5;
  return { reachedAt, final, first: scores[0], results };
}

const endsWithA = (r: UpdateResult) => r.samples.filter((s) => s.text.endsWith('a')).length / r.samples.length;
const ENDS_WITH_A = { rewards: [{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }] };

const ALGORITHMS: [string, object, number][] = [
  ['REINFORCE, batch-mean baseline', { algorithm: { name: 'reinforce', baseline: 'mean' }, learningRate: 3e-3 }, 120],
  ['REINFORCE, moving-average baseline', { algorithm: { name: 'reinforce', baseline: 'ema' }, learningRate: 3e-3 }, 120],
  ['REINFORCE, self-critical baseline', { algorithm: { name: 'reinforce', baseline: 'self-critical' }, learningRate: 3e-3 }, 120],
  ['REINFORCE, learned value baseline', { algorithm: { name: 'reinforce', baseline: 'value' }, learningRate: 3e-3 }, 120],
  ['A2C with GAE', { algorithm: { name: 'a2c', gamma: 1, lambda: 0.95 }, learningRate: 3e-3 }, 120],
  ['PPO', { algorithm: { name: 'ppo', ppoEpochs: 4, ppoMinibatches: 2 }, learningRate: 1e-3 }, 80],
];

describe('every algorithm learns "ends with a" (WASM backend, seed 11, batch 32)', () => {
  it.each(ALGORITHMS)('%s', async (name, config, budget) => {
    const t = trainer({ ...ENDS_WITH_A, ...config });
    // The tensor count after the first update (which creates Adam's slots) and after the fifth must match.
    const tensorsAt: number[] = [];
    const run = await trainUntil(t, endsWithA, 0.9, budget, (u) => {
      if (u === 1 || u === 5) tensorsAt.push(tf.memory().numTensors);
    });
    expect(tensorsAt[1], `${name} leaks tensors`).toBe(tensorsAt[0]);
    const last = run.results[run.results.length - 1].metrics;
    console.log(`${name}: share ${run.first.toFixed(2)} → ${run.final.toFixed(2)}, reached 0.9 at update ${run.reachedAt}, KL ${last.kl.toFixed(2)}`);
    expect(run.reachedAt, `${name} did not reach a 0.9 share within ${budget} updates (final ${run.final})`).toBeGreaterThan(0);
    expect(run.final).toBeGreaterThanOrEqual(0.9);
    expect(Number.isFinite(last.kl)).toBe(true);
    t.dispose();
  });
});

describe('a harder preset: short names containing "an"', () => {
  // Reward: contains "an" + a Gaussian bump at length 5. Score = share of samples with both.
  const HARDER = {
    rewards: [
      { id: 'contains', weight: 1, params: { substring: 'an' } },
      { id: 'target_length', weight: 1, params: { length: 5, width: 0.5 } },
    ],
  };
  const both = (r: UpdateResult) => r.samples.filter((s) => s.text.includes('an') && s.text.length === 5).length / r.samples.length;
  it.each([
    ['REINFORCE', { algorithm: { name: 'reinforce', baseline: 'mean' }, learningRate: 3e-3 }],
    ['A2C', { algorithm: { name: 'a2c' }, learningRate: 3e-3 }],
    ['PPO', { algorithm: { name: 'ppo' }, learningRate: 1e-3 }],
  ] as [string, object][])('%s', async (name, config) => {
    const t = trainer({ ...HARDER, ...config });
    const run = await trainUntil(t, both, 0.7, 150);
    console.log(`${name} (contains "an", length 5): share ${run.first.toFixed(2)} → ${run.final.toFixed(2)}, reached 0.7 at update ${run.reachedAt}`);
    expect(run.first).toBeLessThan(0.2);
    expect(run.final).toBeGreaterThanOrEqual(0.7);
    t.dispose();
  });
});

describe('per-token advantages for the teaching view', () => {
  it.each(['reinforce', 'a2c', 'ppo'])('%s: the first samples carry their tokens and finite advantages', async (name) => {
    const t = trainer({ ...ENDS_WITH_A, algorithm: { name } });
    const { samples } = await t.update();
    const withSteps = samples.filter((s) => s.steps);
    expect(withSteps.length).toBe(16);
    for (const s of withSteps) {
      expect(s.steps!.map((x) => x.token).join('').replace('⏎', '')).toBe(s.text);
      for (const x of s.steps!) expect(Number.isFinite(x.advantage)).toBe(true);
    }
    // REINFORCE at its first update: the policy still equals the prior (KL = 0), so the last step's advantage is the
    // sample's reward minus one shared baseline.
    if (name === 'reinforce') {
      const spread = withSteps.map((s) => s.steps![s.steps!.length - 1].advantage - s.reward);
      expect(Math.max(...spread) - Math.min(...spread)).toBeLessThan(1e-3);
    }
    t.dispose();
  });
});

describe('critics and PPO diagnostics', () => {
  it('the value loss of A2C and PPO falls on a near-constant reward', async () => {
    for (const name of ['a2c', 'ppo']) {
      const t = trainer({ rewards: [{ id: 'target_length', weight: 1, params: { length: 6, width: 20 } }], algorithm: { name, klCoef: 0 } });
      const losses: number[] = [];
      for (let u = 0; u < 30; u++) losses.push((await t.update()).metrics.diagnostics!.valueLoss);
      const early = (losses[0] + losses[1] + losses[2]) / 3;
      const late = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
      console.log(`${name} value loss ${early.toFixed(4)} → ${late.toFixed(4)}`);
      expect(late).toBeLessThan(early * 0.5);
      t.dispose();
    }
  });

  it('PPO reports a finite, bounded approximate KL, clip fraction and ratio range, and stops early on a tiny target', async () => {
    const t = trainer({ ...ENDS_WITH_A, algorithm: { name: 'ppo', ppoEpochs: 8, ppoMinibatches: 4, ppoTargetKl: 1e-4 }, learningRate: 1e-2 });
    let tensors = -1;
    for (let u = 0; u < 5; u++) {
      if (u === 1) tensors = tf.memory().numTensors; // after the first update, which creates Adam's moment slots
      const d = (await t.update()).metrics.diagnostics!;
      expect(d.approxKl).toBeGreaterThanOrEqual(0);
      expect(d.approxKl).toBeLessThan(5);
      expect(d.clipFraction).toBeGreaterThanOrEqual(0);
      expect(d.clipFraction).toBeLessThanOrEqual(1);
      expect(d.ratioMin).toBeGreaterThan(0);
      expect(d.ratioMax).toBeGreaterThanOrEqual(d.ratioMin);
      expect(d.stoppedEarly).toBe(1);
      expect(d.minibatchSteps).toBeLessThan(32);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    t.dispose();
  });

  it('the adaptive KL controller moves β toward the target', async () => {
    const t = trainer({ ...ENDS_WITH_A, algorithm: { klCoef: 0.05, klTarget: 0.5 }, learningRate: 3e-3 });
    const betas: number[] = [];
    const kls: number[] = [];
    for (let u = 0; u < 25; u++) {
      const m = (await t.update()).metrics;
      betas.push(m.beta!);
      kls.push(m.kl);
    }
    // The KL climbs past the target as the policy learns; β must then grow.
    expect(Math.max(...kls)).toBeGreaterThan(0.5);
    expect(betas[betas.length - 1]).toBeGreaterThan(betas[0]);
    t.dispose();
  });
});
