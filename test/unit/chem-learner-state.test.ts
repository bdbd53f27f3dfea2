// REINVENT's memory as plain data for checkpoints: the replay memory and the diversity filter round-trip exactly,
// a damaged state is refused with the path of the bad field, and an old checkpoint (no memory) empties the memory.
import { describe, expect, test } from 'vitest';
import { DiversityFilter } from '../../src/core/chem/diversityFilter';
import { checkMoleculeLearnerState, exportMoleculeLearner, importMoleculeLearner } from '../../src/core/chem/learnerState';
import { ReplayMemory } from '../../src/core/chem/replayMemory';

function filled() {
  const replay = new ReplayMemory({ capacity: 3, replay: 2 });
  replay.add([
    { smiles: 'CCO', score: 0.5 },
    { smiles: 'c1ccccc1', score: 0.9, priorLogLik: -12.5 },
    { smiles: null, score: 1 },
    { smiles: 'CCN', score: 0.5 },
    { smiles: 'CCC', score: 0.1 },
  ]);
  const filter = new DiversityFilter({ bucketSize: 2 });
  filter.apply([0.9, 0.8, 0.7], ['c1ccccc1', 'c1ccccc1C', 'CCO'], ['c1ccccc1', 'c1ccccc1', '']);
  return { replay, filter };
}

describe('molecule learner state', () => {
  test('export → JSON → import gives the same memory, the same draws and the same filtered scores', () => {
    const { replay, filter } = filled();
    const state = JSON.parse(JSON.stringify(exportMoleculeLearner(replay, filter)));
    expect(checkMoleculeLearnerState(state).ok).toBe(true);
    const replay2 = new ReplayMemory({ capacity: 3, replay: 2 });
    replay2.add([{ smiles: 'OCCO', score: 0.99 }]); // replaced, not merged
    const filter2 = importMoleculeLearner(state, replay2, new DiversityFilter({ bucketSize: 2 }))!;
    expect(replay2.best()).toEqual(replay.best().map((e) => JSON.parse(JSON.stringify(e))));
    let a = 0.3;
    let b = 0.3;
    expect(replay2.sample(() => (a = (a * 7.1) % 1))).toEqual(JSON.parse(JSON.stringify(replay.sample(() => (b = (b * 7.1) % 1)))));
    // Later additions keep the age order: a tie with an old entry ranks after it in both memories.
    replay.add([{ smiles: 'CCCl', score: 0.5 }]);
    replay2.add([{ smiles: 'CCCl', score: 0.5 }]);
    expect(replay2.best().map((e) => e.smiles)).toEqual(replay.best().map((e) => e.smiles));
    const next = (f: DiversityFilter) => Array.from(f.apply([0.9, 0.9], ['c1ccccc1CC', 'CCO'], ['c1ccccc1', '']));
    expect(next(filter2)).toEqual(next(filter));
    expect(filter2.bucketCount('c1ccccc1')).toBe(3);
  });

  test('nothing to keep gives undefined; an old checkpoint (undefined) empties the memory and the filter', () => {
    expect(exportMoleculeLearner(new ReplayMemory(), null)).toBeUndefined();
    expect(exportMoleculeLearner(new ReplayMemory(), new DiversityFilter())).toBeUndefined();
    const { replay, filter } = filled();
    const same = importMoleculeLearner(undefined, replay, filter);
    expect(replay.size).toBe(0);
    expect(same).toBe(filter);
    expect(filter.scaffoldCount).toBe(0);
    // A run without a filter stays without one, even if the saved state had one.
    const { replay: r, filter: f } = filled();
    expect(importMoleculeLearner(exportMoleculeLearner(r, f), new ReplayMemory(), null)).toBeNull();
  });

  test('a damaged state is refused with the path of the first bad field', () => {
    const { replay, filter } = filled();
    const state = exportMoleculeLearner(replay, filter)!;
    const bad = structuredClone(state) as unknown as { replay: { entries: { score: unknown }[] } };
    bad.replay.entries[1].score = 'high';
    const checked = checkMoleculeLearnerState(bad);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(/replay\.entries\.1\.score/);
    expect(checkMoleculeLearnerState({ ...state, diversityFilter: { ...state.diversityFilter!, buckets: [['c1ccccc1', -1]] } }).ok).toBe(false);
    expect(checkMoleculeLearnerState(null).ok).toBe(false);
  });
});
