/// <reference types="node" />
// The Bloom filter of training-set SMILES: hashing, sizing, serialisation, measured false-positive rate, and the committed
// file public/priors/smiles-train.bloom against the shared data set.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { BloomFilter, bloomBits, murmur3 } from '../../src/core/chem/bloom';
import { initChem } from '../../src/core/chem/index';

const enc = new TextEncoder();
const DATA_DIR = process.env.SMILES_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data/smiles/', import.meta.url));
const BLOOM_FILE = fileURLToPath(new URL('../../public/priors/smiles-train.bloom', import.meta.url));
const hasData = existsSync(`${DATA_DIR}/train.smi`) && existsSync(`${DATA_DIR}/test.smi`);
if (!hasData) console.warn(`SMILES data not found in ${DATA_DIR} (set SMILES_DATA_DIR): committed-file checks skipped`);

describe('MurmurHash3 x86_32', () => {
  test.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['hello', 0, 0x248bfa47],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ])('murmur3(%j, %d) = %d (published test vectors)', (s, seed, expected) => {
    expect(murmur3(enc.encode(s), seed)).toBe(expected);
  });
});

describe('Bloom filter', () => {
  test('sizing: m = -n ln p / ln² 2 bits, k = m/n ln 2', () => {
    const f = BloomFilter.create(90_000, 1e-3);
    expect(f.m).toBe(bloomBits(90_000, 1e-3));
    expect(f.m).toBeGreaterThan(1.29e6);
    expect(f.m).toBeLessThan(1.3e6);
    expect(f.k).toBe(10);
  });

  test('no false negatives, and a measured false-positive rate at the 1e-3 target', () => {
    const members = Array.from({ length: 20_000 }, (_, i) => `C${i}N(=O)c1ccccc1${(i * 7919) % 1000}`);
    const f = BloomFilter.from(members, 1e-3);
    expect(members.every((s) => f.has(s))).toBe(true);
    const trials = 200_000;
    let falsePositives = 0;
    for (let i = 0; i < trials; i++) if (f.has(`O${i}S(=O)n1cccc1-${i % 97}`)) falsePositives++;
    const rate = falsePositives / trials;
    console.info(`synthetic: ${falsePositives} false positives in ${trials} queries, rate ${rate.toExponential(2)} (target 1e-3)`);
    expect(rate).toBeLessThan(1.5e-3);
    expect(rate).toBeGreaterThan(0); // the filter really is approximate: a set answering exactly would be too big
  });

  test('bytes round trip, and corrupt files are refused', () => {
    const f = BloomFilter.from(['CCO', 'c1ccccc1', 'CC(=O)O'], 1e-3);
    const bytes = f.toBytes();
    const g = BloomFilter.fromBytes(bytes);
    expect([g.m, g.k, g.size]).toEqual([f.m, f.k, 3]);
    expect(g.has('CCO') && g.has('c1ccccc1') && g.has('CC(=O)O')).toBe(true);
    expect(g.targetFalsePositiveRate).toBeCloseTo(1e-3, 8);
    expect(() => BloomFilter.fromBytes(bytes.slice(0, bytes.length - 1))).toThrow(/corrupt/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => BloomFilter.fromBytes(bad)).toThrow(/magic/);
  });
});

describe.skipIf(!hasData)(`committed novelty set vs the shared data${hasData ? '' : ' (skipped: ../shared/data/smiles not found)'}`, () => {
  test('holds training molecules (canonicalised by our chem module) and rejects held-out ones at ≤ 1e-3', async () => {
    const bytes = readFileSync(BLOOM_FILE);
    const bloom = BloomFilter.fromBytes(bytes);
    console.info(`${BLOOM_FILE}: ${bytes.length} bytes, m=${bloom.m} bits, k=${bloom.k}, n=${bloom.size}`);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const chem = await initChem();
    const train = readFileSync(`${DATA_DIR}/train.smi`, 'utf8').split('\n').filter(Boolean);
    expect(bloom.size).toBe(train.length);
    const sample = train.filter((_, i) => i % 45 === 0); // 2,000 molecules
    const missing = sample.filter((s) => !bloom.has(chem.canonical(s)!));
    expect(missing).toEqual([]);
    // test.smi is disjoint from train.smi: every hit is a false positive.
    const test = readFileSync(`${DATA_DIR}/test.smi`, 'utf8').split('\n').filter(Boolean);
    const hits = test.filter((s) => bloom.has(chem.canonical(s)!)).length;
    const rate = hits / test.length;
    console.info(`held-out test.smi: ${hits} false positives in ${test.length}, rate ${rate.toExponential(2)}`);
    expect(rate).toBeLessThanOrEqual(2e-3);
  }, 60_000);
});
