// A painting as a labelled pair stores it: its final canvas at 32×32 (a 64-pixel canvas is averaged over 2×2 blocks),
// RGB bytes in base64 after a "painting:" tag. 4 KB a painting keeps a run's labels well inside a checkpoint, and the
// image reward model reads exactly what was stored, so a restored run fits the same pixels it was labelled on.

/** The side the image reward model and stored labels use. */
export const PAINTING_SIDE = 32;
const TAG = 'painting:';
const BYTES = PAINTING_SIDE * PAINTING_SIDE * 3;
/** Base64 of BYTES bytes (a multiple of 3, so no padding). */
export const PAINTING_PATTERN = new RegExp(`^${TAG}[A-Za-z0-9+/]{${(BYTES / 3) * 4}}$`);

/** RGB in [0, 1] of one canvas [side, side, 3] → its stored form. */
export function encodePainting(rgb: ArrayLike<number>, side: number): string {
  const small = toPaintingSide(rgb, side);
  let binary = '';
  for (let k = 0; k < BYTES; k++) binary += String.fromCharCode(Math.round(Math.min(1, Math.max(0, small[k])) * 255));
  return TAG + btoa(binary);
}

/** The stored form → RGB in [0, 1], [PAINTING_SIDE, PAINTING_SIDE, 3]. */
export function decodePainting(painting: string): Float32Array {
  if (!PAINTING_PATTERN.test(painting)) throw new Error('Not a stored painting');
  const binary = atob(painting.slice(TAG.length));
  const out = new Float32Array(BYTES);
  for (let k = 0; k < BYTES; k++) out[k] = binary.charCodeAt(k) / 255;
  return out;
}

export function isPainting(text: string): boolean {
  return PAINTING_PATTERN.test(text);
}

/** A canvas [side, side, 3] at PAINTING_SIDE: unchanged, or averaged over (side / PAINTING_SIDE)² blocks. */
export function toPaintingSide(rgb: ArrayLike<number>, side: number): Float32Array {
  const f = side / PAINTING_SIDE;
  if (!Number.isInteger(f) || f < 1 || rgb.length !== side * side * 3) throw new Error(`A ${side}×${side} canvas cannot be stored at ${PAINTING_SIDE}×${PAINTING_SIDE}`);
  const out = new Float32Array(BYTES);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const to = (Math.floor(y / f) * PAINTING_SIDE + Math.floor(x / f)) * 3;
      const from = (y * side + x) * 3;
      for (let c = 0; c < 3; c++) out[to + c] += rgb[from + c] / (f * f);
    }
  }
  return out;
}
