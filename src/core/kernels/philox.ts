// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
// generator. The TypeScript twin of the RNG in shaders/sample_categorical.wgsl; the two must agree bit-for-bit,
// so every step is u32 arithmetic that JavaScript can do exactly (16-bit halves for the 64-bit products).

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/** Full 32x32 -> 64-bit product of two u32, as [hi, lo]. */
export function mulHiLo(a: number, b: number): [number, number] {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loLo = aLo * bLo; // each partial product < 2^32: exact in a double
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const hiHi = aHi * bHi;
  const cross = (loLo >>> 16) + (hiLo & 0xffff) + loHi; // < 2^32, no carry lost
  const hi = (hiHi + (hiLo >>> 16) + Math.floor(cross / 65536)) >>> 0;
  const lo = (((cross & 0xffff) << 16) | (loLo & 0xffff)) >>> 0;
  return [hi, lo];
}

/** Ten Philox rounds on a 4-word counter with a 2-word key. Returns four u32. */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number]): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((x) => x >>> 0) as [number, number, number, number];
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulHiLo(PHILOX_M0, c0);
    const [hi1, lo1] = mulHiLo(PHILOX_M1, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** Domain tag in the second key word, so sampling draws never collide with other uses of Philox and the same seed. */
export const SAMPLER_STREAM = 0x53414d50; // "SAMP"

/**
 * The uniform in [0, 1) that the sampler uses for one row: Philox keyed by (seed, SAMPLER_STREAM) at counter
 * (counter, row, 0, 0). 24 bits, so the value is exactly representable in f32 on both sides.
 */
export function samplerUniform(seed: number, counter: number, row: number): number {
  const [x] = philox4x32([counter >>> 0, row >>> 0, 0, 0], [seed >>> 0, SAMPLER_STREAM]);
  return (x >>> 8) / 16777216;
}
