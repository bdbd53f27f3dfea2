// The shared algorithms (REINFORCE, A2C with GAE, PPO) on the molecule task, from the shipped SMILES prior.
// Reward: validity alone, a clear objective for an undertrained prior: the share of valid SMILES must rise.
// WASM backend for the same reason as algorithms.test.ts (our kernels' CPU twins run there; WebGPU on SwiftShader is
// about ten times slower on this GPU-less machine).
import { TASK_DEFAULTS } from '../../src/core/config';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import type { Prior } from '../../src/core/priors';
import { MOLECULES_TASK } from '../../src/core/tasks/sequenceTasks';
import { shippedPrior, trainerFromPrior } from './priorKit';

let prior: Prior;

beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  prior = await shippedPrior(MOLECULES_TASK, TASK_DEFAULTS.molecules.model);
});

function trainer(config: object) {
  const t = trainerFromPrior(MOLECULES_TASK, prior, { task: 'molecules', seed: 7, batchSize: 32, maxLength: 60, rewards: [{ id: 'validity', weight: 1 }] }, config);
  t.setNoveltySet(null);
  return t;
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

/** Budget per algorithm and the rise of the valid share it must show (or a share already ≥ 0.9, for a better prior). */
const UPDATES = 30;
const RISE = 0.15;

describe('the shared algorithms raise the share of valid SMILES (WASM, seed 7, batch 32)', () => {
  it.each([
    ['REINFORCE, batch-mean baseline', { algorithm: { name: 'reinforce', baseline: 'mean' }, learningRate: 1e-3 }],
    ['A2C with GAE', { algorithm: { name: 'a2c', gamma: 1, lambda: 0.95 }, learningRate: 1e-3 }],
    ['PPO', { algorithm: { name: 'ppo', ppoEpochs: 2, ppoMinibatches: 2 }, learningRate: 5e-4 }],
  ] as [string, object][])('%s', async (name, config) => {
    const t = trainer(config);
    const validity: number[] = [];
    let tensorsAfterFirst = 0;
    for (let u = 1; u <= UPDATES; u++) {
      const r = await t.update();
      validity.push(r.metrics.diagnostics!.validity);
      if (u === 1) tensorsAfterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors, `${name} leaks tensors`).toBe(tensorsAfterFirst);
    const first = mean(validity.slice(0, 3));
    const final = mean(validity.slice(-3));
    console.log(`${name} on molecules: valid share ${first.toFixed(2)} → ${final.toFixed(2)} in ${UPDATES} updates; per update ${validity.map((x) => x.toFixed(2)).join(' ')}`);
    expect(final >= 0.9 || final >= first + RISE, `${name}: valid share ${first.toFixed(2)} → ${final.toFixed(2)}`).toBe(true);
    t.dispose();
  });
});
