// Molecule reward terms (RDKit.js in Node) and the weighted geometric mean combination.
import { beforeAll, describe, expect, test } from 'vitest';
import {
  countScore,
  hbdHba,
  logpWindow,
  MOLECULE_TERMS,
  mwWindow,
  qed,
  ringCount,
  similarity,
  substructure,
  tpsaWindow,
  validateMoleculeTerm,
  validity,
  windowScore,
  type MoleculeBatch,
} from '../../src/core/rewards/molecules';
import { composeRewardsGeometric, weightedGeometricMean } from '../../src/core/rewards/geometric';
import { initChem, type Chem } from '../../src/core/chem/index';
import type { ParamValues } from '../../src/core/rewards/types';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
const CELECOXIB = 'Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1';
const batch: MoleculeBatch = { smiles: [ASPIRIN, 'C1CC', CELECOXIB, '', 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'] };
const defaults = (t: { params: readonly { key: string; default: number | string | boolean }[] }): ParamValues =>
  Object.fromEntries(t.params.map((p) => [p.key, p.default]));

let chem: Chem;
beforeAll(async () => {
  chem = await initChem();
});

describe('every molecule term', () => {
  test('describes itself for the molecules task, with unique ids', () => {
    expect(new Set(MOLECULE_TERMS.map((t) => t.id)).size).toBe(MOLECULE_TERMS.length);
    for (const t of MOLECULE_TERMS) {
      expect(t.task).toBe('molecules');
      expect(t.label.length).toBeGreaterThan(0);
      expect(t.description.length).toBeGreaterThan(0);
    }
    expect(MOLECULE_TERMS.map((t) => t.id)).toEqual([
      'validity', 'qed', 'logp_window', 'mw_window', 'tpsa', 'hbd_hba', 'similarity', 'substructure', 'ring_count',
    ]);
  });

  test.each(MOLECULE_TERMS.map((t) => [t.id, t] as const))('%s: one score in [0, 1] per sample, 0 for invalid SMILES', async (_id, term) => {
    const scores = await term.score(batch, defaults(term), {});
    expect(scores).toBeInstanceOf(Float32Array);
    expect(scores).toHaveLength(batch.smiles.length);
    for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
    expect(scores[1]).toBe(0);
    expect(scores[3]).toBe(0);
  });

  test('"must not" substructure also scores 0 for an invalid SMILES', async () => {
    const s = await substructure.score({ smiles: ['C1CC', 'CCO'] }, { smarts: 'c1ccccc1', mode: 'must_not' }, {});
    expect(Array.from(s)).toEqual([0, 1]);
  });
});

describe('scores', () => {
  test('validity and QED', async () => {
    expect(Array.from(await validity.score(batch, {}, {}))).toEqual([1, 0, 1, 0, 1]);
    const q = await qed.score(batch, {}, {});
    expect(q[0]).toBeCloseTo(0.5501217966938848, 6); // RDKit's QED of aspirin (fixture)
  });

  test('windows: 1 inside, Gaussian fall-off outside, hard with softness 0', async () => {
    expect(windowScore(2, 1, 3, 0.5)).toBe(1);
    expect(windowScore(4, 1, 3, 1)).toBeCloseTo(Math.exp(-0.5), 12);
    expect(windowScore(0, 1, 3, 2)).toBeCloseTo(Math.exp(-0.125), 12);
    expect(windowScore(3.01, 1, 3, 0)).toBe(0);
    const logp = await logpWindow.score({ smiles: [ASPIRIN] }, { low: 1, high: 2, softness: 0.5 }, {}); // logP 1.3101
    expect(logp[0]).toBe(1);
    const narrow = await logpWindow.score({ smiles: [ASPIRIN] }, { low: 2, high: 3, softness: 0.5 }, {});
    expect(narrow[0]).toBeCloseTo(Math.exp(-0.5 * ((2 - 1.3101) / 0.5) ** 2), 5);
    const mw = await mwWindow.score({ smiles: [ASPIRIN] }, { low: 100, high: 200, softness: 0 }, {}); // 180.16
    expect(mw[0]).toBe(1);
    const tpsa = await tpsaWindow.score({ smiles: [ASPIRIN] }, { low: 70, high: 140, softness: 0 }, {}); // 63.6
    expect(tpsa[0]).toBe(0);
  });

  test('donor/acceptor limits halve the score per unit over', async () => {
    expect(countScore(3, 0, 5)).toBe(1);
    expect(countScore(7, 0, 5)).toBe(0.25);
    const d = chem.descriptors(ASPIRIN)!; // 1 donor, 3 acceptors
    expect([d.hbd, d.hba]).toEqual([1, 3]);
    expect((await hbdHba.score({ smiles: [ASPIRIN] }, { maxDonors: 0, maxAcceptors: 2 }, {}))[0]).toBe(0.25);
    expect((await hbdHba.score({ smiles: [ASPIRIN] }, { maxDonors: 5, maxAcceptors: 10 }, {}))[0]).toBe(1);
  });

  test('similarity is the Tanimoto to the query; the query itself scores 1', async () => {
    const s = await similarity.score({ smiles: [CELECOXIB, 'CC(=O)Nc1ccc(O)cc1'] }, { query: CELECOXIB }, {});
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo(0.09090909090909091, 6); // Python RDKit value
  });

  test('substructure must / must not', async () => {
    const smiles = { smiles: [ASPIRIN, 'CCO'] };
    expect(Array.from(await substructure.score(smiles, { smarts: 'C(=O)[OH]', mode: 'must' }, {}))).toEqual([1, 0]);
    expect(Array.from(await substructure.score(smiles, { smarts: 'C(=O)[OH]', mode: 'must_not' }, {}))).toEqual([0, 1]);
  });

  test('ring count range', async () => {
    const smiles = { smiles: ['CCO', ASPIRIN, 'c1ccc2ccccc2c1', 'C1CC1C1CC1C1CC1'] };
    expect(Array.from(await ringCount.score(smiles, { min: 1, max: 2 }, {}))).toEqual([0.5, 1, 1, 0.5]);
  });
});

describe('bad user input', () => {
  test('an invalid query SMILES is reported inline and scoring refuses to run', async () => {
    expect(await validateMoleculeTerm('similarity', { query: CELECOXIB })).toEqual([]);
    const problems = await validateMoleculeTerm('similarity', { query: 'c1ccc(' });
    expect(problems).toHaveLength(1);
    expect(problems[0].key).toBe('query');
    expect(problems[0].message).toMatch(/^Not a valid SMILES/);
    await expect(similarity.score(batch, { query: 'c1ccc(' }, {})).rejects.toThrow(/Not a valid SMILES/);
    expect((await validateMoleculeTerm('similarity', { query: '' }))[0].message).toMatch(/Enter a SMILES/);
  });

  test('an invalid SMARTS is reported inline and scoring refuses to run', async () => {
    expect(await validateMoleculeTerm('substructure', { smarts: '[#7;H1]', mode: 'must' })).toEqual([]);
    const problems = await validateMoleculeTerm('substructure', { smarts: '[C;X', mode: 'must' });
    expect(problems.map((p) => p.key)).toEqual(['smarts']);
    expect(problems[0].message).toMatch(/^Not a valid SMARTS/);
    await expect(substructure.score(batch, { smarts: '[C;X', mode: 'must' }, {})).rejects.toThrow(/Not a valid SMARTS/);
    expect((await validateMoleculeTerm('substructure', { smarts: 'C', mode: 'maybe' })).map((p) => p.key)).toEqual(['mode']);
  });

  test('window bounds in the wrong order are reported', async () => {
    expect(await validateMoleculeTerm('logp_window', { low: 4, high: 2, softness: 1 })).toEqual([{ key: 'high', message: 'High must be at least Low.' }]);
    expect(await validateMoleculeTerm('ring_count', { min: 3, max: 1 })).toHaveLength(1);
    expect(await validateMoleculeTerm('qed', {})).toEqual([]);
  });
});

describe('weighted geometric mean (REINVENT)', () => {
  test('the math: (Π s^w)^(1/Σw), zero anywhere gives zero, non-positive weights are left out', () => {
    const { total, factors } = weightedGeometricMean([[0.25, 1, 0.5], [1, 0, 0.5], [0.1, 0.1, 0.1]], [1, 3, 0], 3);
    expect(total[0]).toBeCloseTo(0.25 ** 0.25, 6);
    expect(total[1]).toBe(0);
    expect(total[2]).toBeCloseTo(0.5, 6);
    expect(factors[0][0] * factors[1][0] * factors[2][0]).toBeCloseTo(total[0], 6);
    expect(Array.from(factors[2])).toEqual([1, 1, 1]);
    expect(Array.from(weightedGeometricMean([[0.5]], [0], 1).total)).toEqual([0]);
    // Scores are clamped to [0, 1].
    expect(weightedGeometricMean([[2], [-1]], [1, 0], 1).total[0]).toBe(1);
  });

  test('composeRewardsGeometric runs registered terms and returns the breakdown', async () => {
    // Uses two registered text terms (the molecule terms are registered by the integrator).
    const r = await composeRewardsGeometric(
      [
        { id: 'ends_with', weight: 1, params: { suffix: 'a' } },
        { id: 'target_length', weight: 1, params: { length: 4, width: 1 } },
      ],
      { texts: ['anna', 'bob', 'maria'] },
      3,
      {},
    );
    expect(r.total[0]).toBeCloseTo(1, 6);
    expect(r.total[1]).toBe(0);
    expect(r.total[2]).toBeCloseTo(Math.sqrt(Math.exp(-0.5)), 6);
    expect(Object.keys(r.raw)).toEqual(['ends_with', 'target_length']);
    await expect(composeRewardsGeometric([{ id: 'nope', weight: 1, params: {} }], {}, 1, {})).rejects.toThrow(/Unknown reward term/);
  });
});
