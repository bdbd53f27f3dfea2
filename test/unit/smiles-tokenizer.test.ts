/// <reference types="node" />
// REINVENT-style SMILES tokenizer: token rules, vocabulary, encode/decode, and a round trip over the whole shared train set.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  buildVocabulary,
  EOS_INDEX,
  EOS_TOKEN,
  SmilesTokenizer,
  tokenizeSmiles,
  UnknownTokenError,
} from '../../src/core/tasks/smilesTokenizer';

const DATA_DIR = process.env.SMILES_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data/smiles/', import.meta.url));
const hasData = existsSync(`${DATA_DIR}/train.smi`) && existsSync(`${DATA_DIR}/test.smi`);
if (!hasData) console.warn(`SMILES data not found in ${DATA_DIR} (set SMILES_DATA_DIR): whole-set round trip skipped`);

describe('tokenizeSmiles', () => {
  test.each([
    ['CCO', ['C', 'C', 'O']],
    ['ClCBr', ['Cl', 'C', 'Br']],
    ['c1ccc[nH]1', ['c', '1', 'c', 'c', 'c', '[nH]', '1']],
    ['C[C@@H](N)C(=O)[O-]', ['C', '[C@@H]', '(', 'N', ')', 'C', '(', '=', 'O', ')', '[O-]']],
    ['C%12CC%12', ['C', '%12', 'C', 'C', '%12']],
    ['CC/C=C\\C', ['C', 'C', '/', 'C', '=', 'C', '\\', 'C']],
    ['Sc1ccccc1', ['S', 'c', '1', 'c', 'c', 'c', 'c', 'c', '1']],
  ])('%s', (s, tokens) => {
    expect(tokenizeSmiles(s)).toEqual(tokens);
    expect(tokenizeSmiles(s).join('')).toBe(s);
  });
});

describe('vocabulary and codec', () => {
  const data = ['CCO', 'c1ccccc1Cl', 'CC(=O)[O-]', 'CCBr'];
  const tok = SmilesTokenizer.fromData(data);

  test('index 0 is end-of-sequence, then tokens by descending frequency', () => {
    expect(tok.vocabulary.tokens[EOS_INDEX]).toBe(EOS_TOKEN);
    expect(tok.vocabulary.tokens[1]).toBe('C'); // 6 times, the most frequent
    expect(tok.vocabulary.tokens[2]).toBe('c');
    expect(buildVocabulary(data)).toEqual(buildVocabulary([...data].reverse())); // order of the data does not matter
    expect(tok.size).toBe(1 + new Set(data.flatMap(tokenizeSmiles)).size);
  });

  test('encode appends EOS; decode stops at EOS and can skip the start token', () => {
    const ids = tok.encode('CC(=O)[O-]');
    expect(ids[ids.length - 1]).toBe(EOS_INDEX);
    expect(ids.slice(0, -1).includes(EOS_INDEX)).toBe(false);
    expect(tok.decode(ids)).toBe('CC(=O)[O-]');
    expect(tok.decode([EOS_INDEX, ...ids], true)).toBe('CC(=O)[O-]');
    expect(tok.decode([...tok.encode('CCO'), ...tok.encode('CCBr')])).toBe('CCO');
    expect(() => tok.decode([999])).toThrow(/outside the vocabulary/);
  });

  test('unknown tokens are reported, never silently dropped', () => {
    expect(() => tok.encode('CCN')).toThrow(UnknownTokenError);
    expect(tok.unknownToken('CC[NH3+]')).toBe('[NH3+]');
    expect(tok.unknownToken('CCO')).toBeNull();
  });

  test('minMolecules drops rare tokens; the vocabulary is plain JSON', () => {
    const v = buildVocabulary(data, { minMolecules: 2 });
    expect(v.tokens).not.toContain('Br');
    expect(new SmilesTokenizer(JSON.parse(JSON.stringify(tok.toJSON()))).encode('CCO')).toEqual(tok.encode('CCO'));
    expect(() => new SmilesTokenizer({ kind: 'smiles-reinvent', version: 1, tokens: ['C', EOS_TOKEN] })).toThrow(/start with/);
  });
});

describe.skipIf(!hasData)(`whole shared data set${hasData ? '' : ' (skipped: ../shared/data/smiles not found)'}`, () => {
  test('every training SMILES round-trips; the vocabulary is 42 tokens + EOS and covers test.smi', () => {
    const train = readFileSync(`${DATA_DIR}/train.smi`, 'utf8').split('\n').filter(Boolean);
    const test = readFileSync(`${DATA_DIR}/test.smi`, 'utf8').split('\n').filter(Boolean);
    expect(train.length).toBe(90_000);
    const tok = SmilesTokenizer.fromData(train);
    expect(tok.size).toBe(43); // SOURCES.md: 42 distinct tokens
    const failures: string[] = [];
    let maxLen = 0;
    for (const s of train) {
      const ids = tok.encode(s);
      maxLen = Math.max(maxLen, ids.length);
      if (tok.decode(ids) !== s) failures.push(s);
    }
    expect(failures).toEqual([]);
    expect(maxLen).toBeLessThanOrEqual(100); // at most 99 tokens + EOS (SOURCES.md)
    expect(test.filter((s) => tok.unknownToken(s) !== null)).toEqual([]);
  });
});
