// REINVENT's batch before the loss: invalid molecules score 0, repeats are dropped (and not offered to the diversity
// filter), full scaffold buckets score 0, and replayed memories the model cannot write are skipped.
import { describe, expect, it } from 'vitest';
import { replayedMolecules, scoreReinventBatch } from '../../src/core/algorithms/reinventBatch';
import { DiversityFilter } from '../../src/core/chem/diversityFilter';
import { ReplayMemory } from '../../src/core/chem/replayMemory';

describe('scoreReinventBatch', () => {
  it('gives invalid molecules 0 and drops repeats of the same molecule, however it was written', () => {
    const texts = ['OCC', 'CCO', 'C1CC', 'c1ccccc1'];
    const molecules = { canonical: ['CCO', 'CCO', null, 'c1ccccc1'], scaffolds: ['', '', null, 'c1ccccc1'] };
    const { scores, keep } = scoreReinventBatch([0.9, 0.8, 0.7, 0.6], texts, molecules, null);
    expect(Array.from(scores)).toEqual([0.9, 0.8, 0, 0.6].map(Math.fround));
    expect(Array.from(keep)).toEqual([1, 0, 1, 1]);
  });

  it('on a task without chemistry keeps every score and drops only repeated texts', () => {
    const { scores, keep } = scoreReinventBatch([1, 2, 3], ['ann', 'ann', 'bo'], null, new DiversityFilter());
    expect(Array.from(scores)).toEqual([1, 2, 3]);
    expect(Array.from(keep)).toEqual([1, 0, 1]);
  });

  it('offers only first occurrences to the diversity filter, so a repeat does not fill a bucket', () => {
    const filter = new DiversityFilter({ bucketSize: 2, minScore: 0.4 });
    // Three rows share scaffold S; the second is a repeat of the first. Without the deduplication the third row would
    // be the bucket's third molecule and score 0; with it, it is the second and keeps its score.
    const molecules = { canonical: ['A', 'A', 'B', 'C'], scaffolds: ['S', 'S', 'S', 'S'] };
    const { scores, keep } = scoreReinventBatch([0.5, 0.5, 0.5, 0.5], ['a', 'a', 'b', 'c'], molecules, filter);
    expect(Array.from(keep)).toEqual([1, 0, 1, 1]);
    expect(Array.from(scores)).toEqual([0.5, 0.5, 0.5, 0]);
    expect(filter.bucketCount('S')).toBe(3);
  });
});

describe('replayedMolecules', () => {
  const tokenizer = {
    encode: (s: string) => [...s].map((c) => c.charCodeAt(0)),
    canEncode: (s: string) => !s.includes('X'),
  };

  it('encodes the drawn memories and skips those with unknown tokens or without room for the end token', () => {
    const memory = new ReplayMemory({ capacity: 10, replay: 10 });
    memory.add([
      { smiles: 'CCO', score: 0.9 },
      { smiles: 'CXC', score: 0.8 },
      { smiles: 'CCCCC', score: 0.7 },
      { smiles: 'CCCC', score: 0.6 },
    ]);
    const replayed = replayedMolecules(memory, () => 0, tokenizer, 5);
    expect(replayed.map((e) => String.fromCharCode(...e.ids)).sort()).toEqual(['CCCC', 'CCO']);
    expect(replayed.find((e) => e.ids.length === 3)?.score).toBe(0.9);
  });

  it('draws at most the memory’s replay count, reproducibly for the same random source', () => {
    const memory = new ReplayMemory({ capacity: 10, replay: 2 });
    memory.add(['C', 'CC', 'CCC', 'CCCC', 'CCCCC'].map((smiles, i) => ({ smiles, score: i })));
    const draw = (seed: number) => {
      let x = seed;
      return replayedMolecules(memory, () => ((x = (x * 16807) % 2147483647) / 2147483647), tokenizer, 100);
    };
    expect(draw(7)).toHaveLength(2);
    expect(draw(7)).toEqual(draw(7));
  });
});
