// Batch metrics of generated molecules, as reported in the molecule task's plots.
//
//   validity            valid / generated
//   uniqueness          distinct canonical SMILES / valid
//   novelty             distinct valid molecules absent from the training set / distinct valid (null without a set)
//   internal diversity  1 - mean pairwise Tanimoto similarity (Morgan r=2, 2048 bits) over the distinct valid molecules
//   unique scaffolds    number of distinct Bemis-Murcko scaffolds among the valid molecules (acyclic ones share "")
// Ratios over an empty denominator are 0 (nothing valid: nothing unique, novel or diverse).
import type { Chem } from './index';
import { tanimoto } from './fingerprint';

/** Anything that answers "is this canonical SMILES in the training set?": a BloomFilter, a Set<string>, ... */
export interface Membership {
  has(canonicalSmiles: string): boolean;
}

export interface MoleculeMetrics {
  generated: number;
  valid: number;
  validity: number;
  uniqueness: number;
  /** null when no training-set membership structure was given. */
  novelty: number | null;
  internalDiversity: number;
  uniqueScaffolds: number;
}

/** Canonical SMILES of each sample, null where invalid. */
export function canonicalize(chem: Chem, smiles: readonly string[]): (string | null)[] {
  return smiles.map((s) => chem.canonical(s));
}

export function validity(canonical: readonly (string | null)[]): number {
  return canonical.length === 0 ? 0 : canonical.filter((c) => c !== null).length / canonical.length;
}

export function uniqueness(canonical: readonly (string | null)[]): number {
  const valid = canonical.filter((c): c is string => c !== null);
  return valid.length === 0 ? 0 : new Set(valid).size / valid.length;
}

export function novelty(canonical: readonly (string | null)[], training: Membership): number {
  const distinct = new Set(canonical.filter((c): c is string => c !== null));
  if (distinct.size === 0) return 0;
  let novel = 0;
  for (const c of distinct) if (!training.has(c)) novel++;
  return novel / distinct.size;
}

/** 1 - mean Tanimoto over all unordered pairs; 0 with fewer than two fingerprints. */
export function internalDiversity(fingerprints: readonly Uint8Array[]): number {
  const n = fingerprints.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += tanimoto(fingerprints[i], fingerprints[j]);
  return 1 - sum / ((n * (n - 1)) / 2);
}

export function uniqueScaffolds(scaffolds: readonly (string | null)[]): number {
  return new Set(scaffolds.filter((s): s is string => s !== null)).size;
}

/** All metrics of one batch of generated SMILES. `training` enables novelty. */
export function moleculeMetrics(chem: Chem, smiles: readonly string[], training?: Membership): MoleculeMetrics {
  const canonical = canonicalize(chem, smiles);
  const distinct = [...new Set(canonical.filter((c): c is string => c !== null))];
  const fingerprints = distinct.map((c) => chem.morganFingerprint(c)).filter((f): f is Uint8Array => f !== null);
  const scaffolds = canonical.map((c) => (c === null ? null : chem.murckoScaffold(c)));
  const valid = canonical.filter((c) => c !== null).length;
  return {
    generated: smiles.length,
    valid,
    validity: validity(canonical),
    uniqueness: uniqueness(canonical),
    novelty: training ? novelty(canonical, training) : null,
    internalDiversity: internalDiversity(fingerprints),
    uniqueScaffolds: uniqueScaffolds(scaffolds),
  };
}
