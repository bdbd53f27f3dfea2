#!/usr/bin/env node
// Build the novelty membership set: a Bloom filter of the canonical SMILES of the SMILES training set.
//
//   node scripts/build-novelty-set.mjs [path/to/train.smi] [--out public/priors/smiles-train.bloom] [--fpr 0.001]
//
// Every line is canonicalised with RDKit.js (the same library and call the app uses, so look-ups of generated molecules
// match), then added to src/core/chem/bloom.ts's filter, which is serialised to the output file. The data set itself is
// never copied into the repository: the default input is ../shared/data/smiles/train.smi next to the repo.
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import initRDKitModule from '@rdkit/rdkit';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const out = resolve(repo, option('--out', 'public/priors/smiles-train.bloom'));
const fpr = Number(option('--fpr', '0.001'));
const input = resolve(args[0] ?? join(repo, '..', 'shared', 'data', 'smiles', 'train.smi'));

// Load bloom.ts without a bundler: it has no imports, so a plain TypeScript transpile is enough.
async function loadBloom() {
  const source = readFileSync(join(repo, 'src/core/chem/bloom.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = mkdtempSync(join(tmpdir(), 'rewardlab-bloom-'));
  const file = join(dir, 'bloom.mjs');
  writeFileSync(file, js);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let text;
try {
  text = readFileSync(input, 'utf8');
} catch {
  console.error(`Cannot read ${input}. Pass the path to train.smi (see ../shared/data/smiles/SOURCES.md).`);
  process.exit(1);
}
const { BloomFilter } = await loadBloom();
const rdkit = await initRDKitModule();
rdkit.disable_logging();

const lines = text.split(/\r?\n/).map((l) => l.trim().split(/\s+/)[0]).filter((l) => l && l.length > 0);
const canonical = new Set();
let changed = 0;
let invalid = 0;
const t0 = Date.now();
for (const smiles of lines) {
  const mol = /[{}]/.test(smiles) ? null : rdkit.get_mol(smiles);
  if (!mol || !mol.is_valid()) {
    invalid++;
    mol?.delete();
    continue;
  }
  const c = mol.get_smiles();
  mol.delete();
  if (c !== smiles) changed++;
  canonical.add(c);
}
const filter = BloomFilter.create(canonical.size, fpr);
for (const c of canonical) filter.add(c);
const bytes = filter.toBytes();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(
  [
    `input            ${input} (${lines.length} lines)`,
    `RDKit.js         ${rdkit.version()}; ${invalid} invalid, ${changed} re-canonicalised differently, ${canonical.size} distinct`,
    `Bloom filter     m = ${filter.m} bits, k = ${filter.k}, target FPR ${fpr}, expected FPR ${filter.expectedFalsePositiveRate.toExponential(2)}`,
    `output           ${out} (${bytes.length} bytes, ${(bytes.length / 1024).toFixed(1)} KiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  ].join('\n'),
);
