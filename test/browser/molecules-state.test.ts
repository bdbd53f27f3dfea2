// REINVENT's memory between updates (the replay memory of the best molecules and the diversity filter's scaffold
// buckets) travels with a run's exported state: a restored run's next update is the one the original would have made.
// Runs on WASM with the shipped molecules prior, like learning-molecules.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { checkMoleculeLearnerState } from '../../src/core/chem/learnerState';
import { checkpointChecksum } from '../../src/core/checkpoints/checksum';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../src/core/checkpoints/fileFormat';
import { parseConfig, TASK_DEFAULTS } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem, type Prior } from '../../src/core/priors';
import { MOLECULES_TASK } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';

const SIZE = { vocab: MOLECULES_TASK.tokenizer.vocab.length, ...TASK_DEFAULTS.molecules.model };
let prior: Prior;

beforeAll(async () => {
  expect((await chooseBackend('wasm')).name).toBe('wasm');
  const found = await fetchPrior(`${location.origin}/`, priorStem('molecules', SIZE));
  if (!found) throw new Error('No shipped molecules prior in public/priors: run `npm run pretrain -- molecules --data ../shared/data/smiles/train.smi --hidden ${SIZE.hidden}`');
  prior = found;
});

function trainer() {
  const parsed = parseConfig({
    task: 'molecules',
    seed: 11,
    batchSize: 16,
    maxLength: 60,
    rewards: [{ id: 'qed', weight: 1, params: {} }],
    // Scaffold buckets and halving repeated SMILES: the filter's memory changes the next scores.
    algorithm: { name: 'reinvent', diversityFilter: 'scaffold-smiles', replay: 'on' },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return new SequenceTrainer(parsed.config, MOLECULES_TASK, CharGru.fromValues(SIZE, prior.values, true, 'policy'), CharGru.fromValues(SIZE, prior.values, false, 'prior'));
}

describe('REINVENT memory in the trainer state (WASM)', () => {
  it('a run restored from its state (replay memory and diversity filter included) makes the same next update', async () => {
    const original = trainer();
    for (let i = 0; i < 3; i++) await original.update();
    const state = await original.exportState();
    expect(state.molecules, 'the memory is exported').toBeDefined();
    expect(state.molecules!.replay.entries.length).toBeGreaterThan(0);
    expect(state.molecules!.diversityFilter!.seen.length).toBeGreaterThan(0);
    expect(checkMoleculeLearnerState(state.molecules).ok).toBe(true);
    // It crosses the Worker boundary and IndexedDB by structured clone.
    const cloned = structuredClone(state);

    const restored = trainer();
    await restored.importState(cloned);
    // An old checkpoint (no memory): the run continues with an empty memory, so its update differs.
    const forgetful = trainer();
    await forgetful.importState({ ...structuredClone(state), molecules: undefined });

    const a = await original.update();
    const b = await restored.update();
    const c = await forgetful.update();
    expect(b.samples.map((s) => s.text)).toEqual(a.samples.map((s) => s.text));
    expect(b.metrics.diagnostics!.replayed).toBe(a.metrics.diagnostics!.replayed);
    expect(b.metrics.diagnostics!.replayed).toBeGreaterThan(0);
    expect(b.metrics.loss).toBe(a.metrics.loss);
    expect(c.metrics.diagnostics!.replayed ?? 0).toBeLessThan(a.metrics.diagnostics!.replayed);
    expect(c.metrics.loss).not.toBe(a.metrics.loss);
    const after = await original.exportState();
    expect((await restored.exportState()).molecules).toEqual(after.molecules);
    original.dispose();
    restored.dispose();
    forgetful.dispose();
  }, 240_000);

  it('the memory survives the export file and its checksum; a file without it (older) still reads, a damaged one is refused', async () => {
    const t = trainer();
    await t.update();
    await t.update();
    const state = await t.exportState();
    t.dispose();
    const fields = {
      createdAt: 1_700_000_000_000,
      config: t.currentConfig,
      update: state.updates,
      weights: state.weights,
      optimizer: state.optimizer,
      rng: state.rng,
      metrics: [],
      meanReward: null,
      molecules: state.molecules,
    };
    const checksum = await checkpointChecksum(fields);
    const decoded = await decodeCheckpointFile(encodeCheckpointFile({ id: 'x', name: 'n', ...fields, checksum }));
    expect(decoded.molecules).toEqual(state.molecules);
    expect(await checkpointChecksum(decoded)).toBe(checksum);

    // Dropping the memory changes the checksum (it is covered), and a file without it is still a valid older file.
    const { molecules: _m, ...old } = fields;
    const oldChecksum = await checkpointChecksum(old);
    expect(oldChecksum).not.toBe(checksum);
    const oldDecoded = await decodeCheckpointFile(encodeCheckpointFile({ id: 'y', name: 'old', ...old, checksum: oldChecksum }));
    expect(oldDecoded.molecules).toBeUndefined();
    expect(await checkpointChecksum(oldDecoded)).toBe(oldChecksum);

    const damaged = { ...fields, molecules: { ...state.molecules!, replay: { entries: [{ smiles: 'C', score: 'high', order: 0 }], counter: 1 } } };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const file = encodeCheckpointFile({ id: 'z', name: 'bad', ...(damaged as any), checksum });
    await expect(decodeCheckpointFile(file)).rejects.toThrow(/molecules\.replay\.entries\.0\.score/);
  }, 240_000);
});
