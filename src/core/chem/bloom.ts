// A Bloom filter of strings (canonical SMILES of the training set, for the novelty metric).
//
// Sized for n items and a target false-positive rate p: m = ceil(-n ln p / (ln 2)^2) bits and k = round(m/n · ln 2)
// hash functions. A query answers "maybe present" (false positives at rate ≈ p) or "certainly absent" (no false
// negatives). Positions come from double hashing, g_i(x) = h1(x) + i·h2(x) mod m (Kirsch & Mitzenmacher 2006), with
// h1, h2 two seeds of 32-bit MurmurHash3 over the string's UTF-8 bytes.
//
// Serialised form (little-endian), 32-byte header then the bit array:
//   0  "RLBF" magic            4  u32 format version (1)
//   8  u32 k (hash count)     12  u32 m (bits)
//  16  u32 n (items added)    20  u32 seed of h1
//  24  u32 seed of h2         28  f32 target false-positive rate
//  32  ceil(m/8) bytes: bit j is bit (j & 7) of byte (j >> 3)
// This file has no imports so that scripts can load it without a bundler.

const MAGIC = 0x46424c52; // "RLBF" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 32;

const utf8 = new TextEncoder();

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3 (x86, 32-bit) of a byte array; returns an unsigned 32-bit integer. */
export function murmur3(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = rotl32(k, 15);
    k = Math.imul(k, c2);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, c1);
    k = rotl32(k, 15);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bits needed for n items at false-positive rate p. */
export function bloomBits(n: number, p: number): number {
  return Math.max(8, Math.ceil((-Math.max(1, n) * Math.log(p)) / (Math.LN2 * Math.LN2)));
}

export class BloomFilter {
  private constructor(
    readonly bits: Uint8Array,
    /** Number of bits, m. */
    readonly m: number,
    /** Number of hash functions, k. */
    readonly k: number,
    private readonly seed1: number,
    private readonly seed2: number,
    /** The false-positive rate the filter was sized for. */
    readonly targetFalsePositiveRate: number,
    private added: number,
  ) {}

  /** An empty filter sized for `capacity` items at false-positive rate `p` (≤ 1e-3 for the novelty set). */
  static create(capacity: number, p = 1e-3, seeds: [number, number] = [0x9747b28c, 0x5bd1e995]): BloomFilter {
    if (!(p > 0 && p < 1)) throw new Error(`Bloom filter: false-positive rate must be in (0, 1), got ${p}`);
    const m = bloomBits(capacity, p);
    const k = Math.max(1, Math.round((m / Math.max(1, capacity)) * Math.LN2));
    return new BloomFilter(new Uint8Array(Math.ceil(m / 8)), m, k, seeds[0] >>> 0, seeds[1] >>> 0, p, 0);
  }

  /** A filter holding every string of `items`. */
  static from(items: Iterable<string>, p = 1e-3): BloomFilter {
    const list = Array.isArray(items) ? (items as string[]) : [...items];
    const f = BloomFilter.create(list.length, p);
    for (const s of list) f.add(s);
    return f;
  }

  /** Number of `add` calls. */
  get size(): number {
    return this.added;
  }

  /** The false-positive rate expected at the current fill: (1 - e^(-k n / m))^k. */
  get expectedFalsePositiveRate(): number {
    return (1 - Math.exp((-this.k * this.added) / this.m)) ** this.k;
  }

  private positions(s: string, visit: (bit: number) => boolean): boolean {
    const bytes = utf8.encode(s);
    const h1 = murmur3(bytes, this.seed1);
    const h2 = murmur3(bytes, this.seed2) | 1; // odd, so the probe sequence never collapses to one bit
    for (let i = 0; i < this.k; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      if (!visit(bit % this.m)) return false;
    }
    return true;
  }

  add(s: string): void {
    this.positions(s, (bit) => {
      this.bits[bit >>> 3] |= 1 << (bit & 7);
      return true;
    });
    this.added++;
  }

  /** False: certainly never added. True: added, or a false positive (rate ≈ the target). */
  has(s: string): boolean {
    return this.positions(s, (bit) => (this.bits[bit >>> 3] & (1 << (bit & 7))) !== 0);
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + this.bits.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, this.k, true);
    view.setUint32(12, this.m, true);
    view.setUint32(16, this.added, true);
    view.setUint32(20, this.seed1, true);
    view.setUint32(24, this.seed2, true);
    view.setFloat32(28, this.targetFalsePositiveRate, true);
    out.set(this.bits, HEADER_BYTES);
    return out;
  }

  static fromBytes(data: ArrayBuffer | Uint8Array): BloomFilter {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (bytes.length < HEADER_BYTES) throw new Error('Bloom filter: file too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw new Error('Bloom filter: not a RewardLab Bloom filter (bad magic)');
    const version = view.getUint32(4, true);
    if (version !== VERSION) throw new Error(`Bloom filter: unsupported format version ${version}`);
    const k = view.getUint32(8, true);
    const m = view.getUint32(12, true);
    const n = view.getUint32(16, true);
    const expected = HEADER_BYTES + Math.ceil(m / 8);
    if (bytes.length !== expected || k < 1 || k > 64) throw new Error(`Bloom filter: corrupt file (${bytes.length} bytes, expected ${expected})`);
    return new BloomFilter(
      bytes.slice(HEADER_BYTES),
      m,
      k,
      view.getUint32(20, true),
      view.getUint32(24, true),
      view.getFloat32(28, true),
      n,
    );
  }
}
