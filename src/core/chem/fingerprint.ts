// Bit fingerprints as packed bytes (bit i of the fingerprint is bit i%8 of byte i>>3, as RDKit's uint8array export),
// and the Tanimoto similarity between two of them. Pure TypeScript: no RDKit needed to compare fingerprints.

/** Morgan fingerprint settings used everywhere in the app (ECFP4-like). */
export const MORGAN_RADIUS = 2;
export const MORGAN_BITS = 2048;

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

export function popcount(fp: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < fp.length; i++) n += POPCOUNT[fp[i]];
  return n;
}

/**
 * Tanimoto (Jaccard) similarity |A ∩ B| / |A ∪ B| of two packed bit fingerprints of equal length.
 * Two empty fingerprints are identical and have similarity 1, as in RDKit's TanimotoSimilarity.
 */
export function tanimoto(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`tanimoto: fingerprints differ in length (${a.length} vs ${b.length} bytes)`);
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    both += POPCOUNT[a[i] & b[i]];
    either += POPCOUNT[a[i] | b[i]];
  }
  return either === 0 ? 1 : both / either;
}
