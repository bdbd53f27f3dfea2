// SeqGAN's Monte-Carlo rollouts (WASM backend): every completion keeps its prefix and is a well-formed sequence, and a
// run with per-token discriminator rewards trains without leaking tensors.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/core/backend';
import { parseConfig } from '../../src/core/config';
import { MAX_COMPLETIONS, sampleCompletions } from '../../src/core/learned/monteCarlo';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem, type Prior } from '../../src/core/priors';
import { sampleSequences } from '../../src/core/rollout';
import { EOS } from '../../src/core/tasks/tokenizer';
import { NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';

let prior: Prior;
const size = { vocab: NAMES_TASK.tokenizer.vocab.length, embedding: 32, hidden: 128 };
beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  prior = (await fetchPrior(`${location.origin}/`, priorStem('names', size)))!;
});

describe('Monte-Carlo completions', () => {
  it('copy each prefix, then sample to the end-of-sequence token', async () => {
    const policy = CharGru.fromValues(size, prior.values, false, 'mc-policy');
    const B = 6;
    const T = 12;
    const N = 3;
    const rollout = sampleSequences(policy, { batchSize: B, maxLength: T, temperature: 1, seed: 4, counter: 0 });
    const completions = sampleCompletions(policy, rollout.tokens, { n: N, temperature: 1, seed: 9, counter: 0 });
    const [orig, origMask, toks, mask] = await Promise.all([rollout.tokens.data(), rollout.mask.data(), completions.tokens.data(), completions.mask.data()]);
    expect(completions.tokens.shape).toEqual([B * T * N, T]);
    let sampledDiffer = 0;
    for (let b = 0; b < B; b++) {
      const length = Array.from(origMask.subarray(b * T, (b + 1) * T)).reduce((a, x) => a + x, 0);
      for (let t = 0; t < T; t++) {
        for (let n = 0; n < N; n++) {
          const r = (b * T + t) * N + n;
          const keep = Math.min(t + 1, length);
          for (let s = 0; s < keep; s++) expect(toks[r * T + s], `row ${r} step ${s}`).toBe(orig[b * T + s]);
          // The mask covers exactly the steps up to the first end-of-sequence token.
          let ended = false;
          for (let s = 0; s < T; s++) {
            expect(mask[r * T + s]).toBe(ended ? 0 : 1);
            if (toks[r * T + s] === EOS) ended = true;
          }
          if (t + 1 < length && toks[r * T + t + 1] !== orig[b * T + t + 1]) sampledDiffer++;
        }
      }
    }
    // After the prefix the tokens are sampled, not copied: some differ from the original sample.
    expect(sampledDiffer).toBeGreaterThan(0);
    tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values, completions.tokens, completions.mask]);
    expect(() => sampleCompletions(policy, tf.zeros([MAX_COMPLETIONS, 2], 'int32') as tf.Tensor2D, { n: 1, temperature: 1, seed: 1, counter: 0 })).toThrow(/limit is 8192/);
    policy.dispose();
  });

  it("a SeqGAN run with N = 2 rollouts trains, with per-token rewards before each sample's end and a flat tensor count", async () => {
    const parsed = parseConfig({ seed: 11, batchSize: 16, rewards: [{ id: 'discriminator', weight: 1 }], learned: { monteCarloRollouts: 2, discriminatorSteps: 2 } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const t = new SequenceTrainer(parsed.config, NAMES_TASK, CharGru.fromValues(size, prior.values, true, 'policy'), CharGru.fromValues(size, prior.values, false, 'prior'));
    const counts: number[] = [];
    for (let u = 1; u <= 4; u++) {
      const r = await t.update();
      expect(Number.isFinite(r.metrics.loss)).toBe(true);
      expect(r.metrics.diagnostics!.discriminatorAccuracy).toBeGreaterThanOrEqual(0);
      if (u >= 2) counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size, 'tensors leak').toBe(1);
    // The per-token rewards themselves: nonzero before each sample's last step, zero from it on (D(x) arrives there as
    // part of the task reward).
    const rollout = sampleSequences(t.policy, { batchSize: 16, maxLength: 16, temperature: 1, seed: 3, counter: 0 });
    const d = t.learned.scoreRollout(rollout.tokens, rollout.mask, new Set(['discriminator'])).discriminator!;
    const perToken = t.learned.perTokenRewards(rollout, d, 99)!;
    const [r, mask] = await Promise.all([perToken.data(), rollout.mask.data()]);
    let early = 0;
    for (let b = 0; b < 16; b++) {
      const length = Array.from(mask.subarray(b * 16, (b + 1) * 16)).reduce((a, x) => a + x, 0);
      for (let s = 0; s < 16; s++) {
        if (s >= length - 1) expect(r[b * 16 + s]).toBe(0);
        else if (r[b * 16 + s] !== 0) early++;
      }
    }
    expect(early).toBeGreaterThan(0);
    tf.dispose([rollout.tokens, rollout.mask, rollout.logProbs, rollout.values, d, perToken]);
    t.dispose();
  });
});
