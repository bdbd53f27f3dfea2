// Same link, same backend ⇒ same run: two fresh trainers built from the shipped prior with the same config give the
// same mean reward on each of the first 20 updates, bit for bit (WebGPU). A different seed must give a different run,
// so the comparison can fail.
import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { parseConfig, type ExperimentConfig } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem } from '../../src/core/priors';
import { NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';
import { decodeHash, encodeConfig } from '../../src/share';

function configFrom(input: object): ExperimentConfig {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

async function firstRewards(config: ExperimentConfig, updates: number): Promise<number[]> {
  const size = { vocab: NAMES_TASK.tokenizer.vocab.length, ...config.model };
  const prior = await fetchPrior(`${location.origin}/`, priorStem('names', size));
  if (!prior) throw new Error(`No shipped prior public/priors/${priorStem('names', size)}.json: run \`npm run pretrain -- names\``);
  const trainer = new SequenceTrainer(config, NAMES_TASK, CharGru.fromValues(size, prior.values, true, 'policy'), CharGru.fromValues(size, prior.values, false, 'prior'));
  const means: number[] = [];
  try {
    for (let u = 0; u < updates; u++) means.push((await trainer.update()).metrics.rewardMean);
  } finally {
    trainer.dispose();
  }
  return means;
}

describe('reproducibility (WebGPU)', () => {
  it('the same link gives the same first 20 mean rewards, bit for bit', async () => {
    const backend = await chooseBackend();
    expect(backend.name).toBe('webgpu');
    const original = configFrom({
      seed: 11,
      batchSize: 32,
      learningRate: 0.003,
      rewards: [
        { id: 'ends_with', weight: 1, params: { suffix: 'a' } },
        { id: 'target_length', weight: 0.5, params: { length: 5, width: 1 } },
      ],
    });
    // The config travels through a link, as between two users.
    const opened = decodeHash(encodeConfig(original));
    expect(opened.error).toBeNull();
    expect(opened.config).toEqual(original);

    const a = await firstRewards(original, 20);
    const b = await firstRewards(opened.config, 20);
    console.log(`first 20 mean rewards: ${a.map((x) => x.toFixed(4)).join(' ')}`);
    for (let i = 0; i < 20; i++) expect(b[i], `update ${i + 1}`).toBe(a[i]);

    const otherSeed = await firstRewards({ ...original, seed: 12 }, 3);
    expect(otherSeed).not.toEqual(a.slice(0, 3));
  });
});
