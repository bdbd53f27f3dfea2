// Diversity filter, in-batch deduplication, replay memory (pure TypeScript) and the batch metrics (with RDKit).
import { beforeAll, describe, expect, test } from 'vitest';
import { DiversityFilter, inBatchDuplicates } from '../../src/core/chem/diversityFilter';
import { ReplayMemory } from '../../src/core/chem/replayMemory';
import { internalDiversity, moleculeMetrics, novelty, uniqueness, validity } from '../../src/core/chem/metrics';
import { initChem, type Chem } from '../../src/core/chem/index';

describe('diversity filter (identical Murcko scaffold buckets)', () => {
  test('defaults: bucket size 25, minimum score 0.4', () => {
    const f = new DiversityFilter();
    expect(f.options).toMatchObject({ bucketSize: 25, minScore: 0.4, penalizeSameSmiles: false });
  });

  test("a scaffold's first bucketSize good molecules keep their score, later ones score 0", () => {
    const f = new DiversityFilter({ bucketSize: 3 });
    const smiles = ['A1', 'A2', 'A3', 'A4', 'B1'];
    const scaffolds = ['a', 'a', 'a', 'a', 'b'];
    const out = f.apply([0.9, 0.8, 0.7, 0.6, 0.5], smiles, scaffolds);
    expect(Array.from(out)).toEqual([0.9, 0.8, 0.7, 0, 0.5].map(Math.fround));
    expect(f.bucketCount('a')).toBe(4);
    // The bucket stays full across batches.
    expect(Array.from(f.apply([0.95, 0.95], ['A5', 'B2'], ['a', 'b']))).toEqual([0, 0.95].map(Math.fround));
    expect(f.fullBuckets).toBe(1);
  });

  test('molecules below the minimum score are neither counted nor changed', () => {
    const f = new DiversityFilter({ bucketSize: 1, minScore: 0.4 });
    const out = f.apply([0.1, 0.39, 0.4, 0.9], ['A1', 'A2', 'A3', 'A4'], ['a', 'a', 'a', 'a']);
    expect(Array.from(out)).toEqual([0.1, 0.39, 0.4, 0].map(Math.fround));
    expect(f.bucketCount('a')).toBe(2);
  });

  test('invalid samples keep their score and are not remembered', () => {
    const f = new DiversityFilter({ bucketSize: 1 });
    const out = f.apply([0, 0.9, 0.9], [null, 'A1', null], [null, 'a', null]);
    expect(Array.from(out)).toEqual([0, 0.9, 0.9].map(Math.fround));
    expect(f.scaffoldCount).toBe(1);
  });

  test('"penalise same SMILES" multiplies repeats by the penalty; 0 zeroes them as REINVENT does', () => {
    const f = new DiversityFilter({ bucketSize: 100, penalizeSameSmiles: true, sameSmilesPenalty: 0.5 });
    expect(Array.from(f.apply([0.8, 0.8], ['X', 'X'], ['x', 'x']))).toEqual([0.8, 0.4].map(Math.fround));
    // 0.4 ≥ minScore, so the second X was memorised too; a third is penalised again.
    expect(Array.from(f.apply([0.8], ['X'], ['x']))).toEqual([Math.fround(0.4)]);
    const strict = new DiversityFilter({ penalizeSameSmiles: true, sameSmilesPenalty: 0 });
    expect(Array.from(strict.apply([0.8, 0.8, 0.8], ['X', 'X', 'Y'], ['x', 'x', 'x']))).toEqual([0.8, 0, 0.8].map(Math.fround));
    // Without the option, repeats are only limited by their scaffold's bucket.
    const off = new DiversityFilter();
    expect(Array.from(off.apply([0.8, 0.8], ['X', 'X'], ['x', 'x']))).toEqual([0.8, 0.8].map(Math.fround));
  });

  test('state survives a JSON round trip (checkpoints)', () => {
    const f = new DiversityFilter({ bucketSize: 2 });
    f.apply([0.9, 0.9], ['A1', 'A2'], ['a', 'a']);
    const g = DiversityFilter.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(Array.from(g.apply([0.9], ['A3'], ['a']))).toEqual([0]);
  });

  test('mismatched lengths are an error', () => {
    expect(() => new DiversityFilter().apply([1, 1], ['A'], ['a'])).toThrow(/2 scores/);
  });
});

describe('in-batch deduplication', () => {
  test('marks later copies of a canonical SMILES, never invalid samples', () => {
    expect(inBatchDuplicates(['CCO', 'c1ccccc1', 'CCO', null, null, 'CCO'])).toEqual([false, false, true, false, false, true]);
  });
});

describe('replay memory (best molecules)', () => {
  test('defaults: memory 50, replay 10', () => {
    expect(new ReplayMemory().options).toEqual({ capacity: 50, replay: 10 });
  });

  test('keeps the highest scores, distinct, best first', () => {
    const m = new ReplayMemory({ capacity: 3, replay: 2 });
    m.add([
      { smiles: 'A', score: 0.5 },
      { smiles: 'B', score: 0.9 },
      { smiles: null, score: 1 },
      { smiles: 'C', score: 0.1 },
    ]);
    m.add([
      { smiles: 'B', score: 0.2 }, // already held: ignored
      { smiles: 'D', score: 0.7 },
      { smiles: 'E', score: Number.NaN },
    ]);
    expect(m.best().map((e) => [e.smiles, e.score])).toEqual([
      ['B', 0.9],
      ['D', 0.7],
      ['A', 0.5],
    ]);
  });

  test('samples distinct entries with the caller\'s random source, deterministically', () => {
    const m = new ReplayMemory({ capacity: 50, replay: 10 });
    m.add(Array.from({ length: 60 }, (_, i) => ({ smiles: `M${i}`, score: i / 60, priorLogLik: -i })));
    expect(m.size).toBe(50);
    const lcg = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const a = m.sample(lcg(7));
    const b = m.sample(lcg(7));
    expect(a).toHaveLength(10);
    expect(new Set(a.map((e) => e.smiles)).size).toBe(10);
    expect(a).toEqual(b);
    expect(a.every((e) => e.score >= 10 / 60)).toBe(true); // the 10 worst were evicted
    expect(new ReplayMemory().sample(Math.random)).toEqual([]);
  });
});

describe('metrics', () => {
  let chem: Chem;
  beforeAll(async () => {
    chem = await initChem();
  });

  test('validity, uniqueness and novelty on canonical SMILES', () => {
    const canonical = ['CCO', 'CCO', 'c1ccccc1', null];
    expect(validity(canonical)).toBe(0.75);
    expect(uniqueness(canonical)).toBeCloseTo(2 / 3, 12);
    expect(novelty(canonical, new Set(['CCO']))).toBe(0.5);
    expect(validity([])).toBe(0);
    expect(uniqueness([null])).toBe(0);
  });

  test('internal diversity is 1 - mean pairwise Tanimoto', () => {
    const a = Uint8Array.of(0b1111);
    const b = Uint8Array.of(0b0011);
    const c = Uint8Array.of(0b1100);
    // pairs: (a,b) 0.5, (a,c) 0.5, (b,c) 0
    expect(internalDiversity([a, b, c])).toBeCloseTo(1 - 1 / 3, 12);
    expect(internalDiversity([a])).toBe(0);
  });

  test('moleculeMetrics on a small generated batch', () => {
    const batch = ['OC1=CC=CC=C1', 'c1ccccc1O', 'Cc1ccccc1', 'CCCCO', 'C1CC', 'c1ccc2ccccc2c1'];
    const m = moleculeMetrics(chem, batch, new Set(['Oc1ccccc1']));
    expect(m.generated).toBe(6);
    expect(m.valid).toBe(5);
    expect(m.validity).toBeCloseTo(5 / 6, 12);
    expect(m.uniqueness).toBeCloseTo(4 / 5, 12); // phenol twice
    expect(m.novelty).toBeCloseTo(3 / 4, 12);
    expect(m.uniqueScaffolds).toBe(3); // benzene, naphthalene, "" (acyclic butanol)
    expect(m.internalDiversity).toBeGreaterThan(0.5);
    expect(m.internalDiversity).toBeLessThan(1);
    expect(moleculeMetrics(chem, batch).novelty).toBeNull();
  });
});
