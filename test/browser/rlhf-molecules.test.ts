// The preference loop on molecules (WASM, shipped SMILES prior): the simulated annotator labels pairs by a molecule
// rule (validity, scored by RDKit in the Worker), the reward model reads SMILES with the molecules prior's encoder,
// and pairs can be offered to a person as SMILES text.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { parseConfig, TASK_DEFAULTS } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem, type Prior } from '../../src/core/priors';
import { MOLECULES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';

const SIZE = { vocab: MOLECULES_TASK.tokenizer.vocab.length, ...TASK_DEFAULTS.molecules.model };
let prior: Prior;
beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  prior = (await fetchPrior(`${location.origin}/`, priorStem('molecules', SIZE)))!;
});

describe('RLHF on molecules', () => {
  it('labels pairs by a molecule rule, fits the reward model, scores the batch, and offers SMILES pairs', async () => {
    const parsed = parseConfig({
      task: 'molecules',
      seed: 7,
      batchSize: 16,
      maxLength: 60,
      rewards: [{ id: 'molecule_preference', weight: 1 }],
      learned: { annotator: { term: 'validity', pairsPerUpdate: 8 } },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const t = new SequenceTrainer(parsed.config, MOLECULES_TASK, CharGru.fromValues(SIZE, prior.values, true, 'policy'), CharGru.fromValues(SIZE, prior.values, false, 'prior'));
    t.setNoveltySet(null);
    const first = await t.update();
    expect(first.metrics.terms.molecule_preference).toBe(0); // no labels before the first update: r(x) = 0
    const second = await t.update();
    const d = second.metrics.diagnostics!;
    expect(d.labels).toBe(16);
    expect(Number.isFinite(d.rewardModelLoss)).toBe(true);
    expect(second.samples.some((s) => s.terms.molecule_preference !== 0)).toBe(true);
    expect(d.trueReward).toBeGreaterThanOrEqual(0);
    const pairs = await t.learned.offerPairs(3);
    expect(pairs.length).toBeGreaterThan(0);
    for (const p of pairs) expect(p.a).not.toBe(p.b);
    t.dispose();
  });
});
