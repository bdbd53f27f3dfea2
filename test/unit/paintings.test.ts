import { describe, expect, it } from 'vitest';
import { decodePainting, encodePainting, isPainting, PAINTING_SIDE, toPaintingSide } from '../../src/core/learned/paintings';
import { PreferenceStore, readLabelledPairs, MAX_PAINTING_LABELS } from '../../src/core/learned/preferences';

const canvas = (side: number, f: (x: number, y: number, c: number) => number) => {
  const out = new Float32Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) for (let c = 0; c < 3; c++) out[(y * side + x) * 3 + c] = f(x, y, c);
  return out;
};

describe('stored paintings', () => {
  it('round-trip a 32×32 canvas to within one byte step', () => {
    const rgb = canvas(32, (x, y, c) => ((x * 7 + y * 3 + c * 11) % 256) / 255);
    const stored = encodePainting(rgb, 32);
    expect(isPainting(stored)).toBe(true);
    expect(stored.length).toBe('painting:'.length + 4096);
    const back = decodePainting(stored);
    for (let k = 0; k < rgb.length; k++) expect(Math.abs(back[k] - rgb[k])).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });

  it('average a 64×64 canvas over 2×2 blocks, and clamp out-of-range values', () => {
    const rgb = canvas(64, (x, y) => (x % 2 === 0 && y % 2 === 0 ? 1 : 0));
    const small = toPaintingSide(rgb, 64);
    expect(small.length).toBe(PAINTING_SIDE * PAINTING_SIDE * 3);
    expect(Array.from(new Set(small))).toEqual([0.25]);
    const back = decodePainting(encodePainting(canvas(32, () => 1.7), 32));
    expect(Array.from(new Set(back))).toEqual([1]);
    expect(() => toPaintingSide(new Float32Array(48 * 48 * 3), 48)).toThrow(/cannot be stored/);
  });

  it('are accepted as labelled samples; other long strings are not', () => {
    const p = encodePainting(canvas(32, () => 0.5), 32);
    expect(readLabelledPairs([{ a: p, b: p, choice: 'a', source: 'annotator', update: 1 }]).ok).toBe(true);
    expect(readLabelledPairs([{ a: 'x'.repeat(600), b: 'y', choice: 'a', source: 'human', update: 1 }]).ok).toBe(false);
    expect(() => decodePainting('painting:abc')).toThrow(/Not a stored painting/);
  });

  it('a painter run keeps at most MAX_PAINTING_LABELS labels, oldest dropped first', () => {
    const store = new PreferenceStore(MAX_PAINTING_LABELS);
    for (let i = 0; i < MAX_PAINTING_LABELS + 3; i++) store.add({ a: `a${i}`, b: 'b', choice: 'a', source: 'annotator', update: i });
    expect(store.count).toBe(MAX_PAINTING_LABELS);
    expect(store.all()[0].update).toBe(3);
  });
});
