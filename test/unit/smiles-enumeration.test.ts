// SMILES enumeration for pretraining: random SMILES are other writings of the same molecule, varied, and filtered.
import { beforeAll, describe, expect, test } from 'vitest';
import { initChem, type Chem } from '../../src/core/chem/index';
import { enumerateSmiles } from '../../src/core/tasks/smilesEnumeration';
import { moleculesTokenizer } from '../../src/core/tasks/molecules';

let chem: Chem;
beforeAll(async () => {
  chem = await initChem();
});

const corpus = ['CC(=O)Nc1ccc(O)cc1', 'O=C(O)c1ccccc1OC(C)=O', 'Cn1cnc2c1c(=O)n(C)c(=O)n2C'];

describe('Chem.randomSmiles', () => {
  test('gives the asked number of SMILES, all of the same molecule, and not all the same string', () => {
    for (const smiles of corpus) {
      const variants = chem.randomSmiles(smiles, 20);
      expect(variants).toHaveLength(20);
      for (const v of variants) expect(chem.canonical(v)).toBe(chem.canonical(smiles));
      expect(new Set(variants).size).toBeGreaterThan(3);
    }
  });

  test('gives nothing for an invalid SMILES', () => {
    expect(chem.randomSmiles('C1CC', 5)).toEqual([]);
  });
});

describe('enumerateSmiles', () => {
  test('keeps every original in order, each followed by its kept variants', () => {
    const { examples, dropped } = enumerateSmiles(chem, corpus, 4, (s) => moleculesTokenizer.canEncode(s));
    expect(dropped).toBe(0);
    expect(examples).toHaveLength(corpus.length * 5);
    corpus.forEach((smiles, i) => {
      expect(examples[i * 5]).toBe(smiles);
      for (const v of examples.slice(i * 5 + 1, i * 5 + 5)) expect(chem.canonical(v)).toBe(chem.canonical(smiles));
    });
  });

  test('drops and counts the variants `keep` refuses, never the originals', () => {
    const { examples, dropped } = enumerateSmiles(chem, corpus, 6, (s) => !s.startsWith('C'));
    expect(examples.slice(0, 1)).toEqual([corpus[0]]);
    expect(examples.filter((s) => s.startsWith('C')).length).toBe(2); // the two originals that start with C
    expect(dropped).toBe(corpus.length * 6 - (examples.length - corpus.length));
    expect(dropped).toBeGreaterThan(0);
  });

  test('with 0 variants the corpus is unchanged; a negative or fractional count is refused', () => {
    expect(enumerateSmiles(chem, corpus, 0, () => true)).toEqual({ examples: corpus, dropped: 0 });
    expect(() => enumerateSmiles(chem, corpus, -1, () => true)).toThrow(/whole number/);
    expect(() => enumerateSmiles(chem, corpus, 1.5, () => true)).toThrow(/whole number/);
  });
});
