// Built-in target images as Float32Array [size, size, 3] in [0, 1], row-major (row 0 at the top).
// Procedural targets are computed with math (so they run in Node and in Workers alike), anti-aliased by averaging
// SUPERSAMPLE² points per pixel. Their colours come from the default palette, so a discrete policy can match them.
import { DEFAULT_PALETTE, type Rgb } from './palette';

export const PROCEDURAL_TARGETS = ['circle', 'square', 'stripes', 'smiley'] as const;
export type ProceduralTarget = (typeof PROCEDURAL_TARGETS)[number];

export const TARGET_SIZE = { min: 8, max: 512 } as const;
const SUPERSAMPLE = 4;

const [BLACK, WHITE, RED, , YELLOW, GREEN, BLUE] = DEFAULT_PALETTE;

/** Colour of the picture at a point (x, y) ∈ [0, 1]², x to the right, y down. */
type Picture = (x: number, y: number) => Rgb;

const inDisc = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

const PICTURES: Record<ProceduralTarget, Picture> = {
  circle: (x, y) => (inDisc(x, y, 0.5, 0.5, 0.3) ? RED : WHITE),
  square: (x, y) => (Math.abs(x - 0.5) <= 0.25 && Math.abs(y - 0.5) <= 0.25 ? BLUE : WHITE),
  stripes: (x) => (Math.floor(x * 6) % 2 === 1 ? GREEN : WHITE),
  smiley: (x, y) => {
    if (!inDisc(x, y, 0.5, 0.5, 0.4)) return WHITE;
    if (inDisc(x, y, 0.36, 0.38, 0.06) || inDisc(x, y, 0.64, 0.38, 0.06)) return BLACK;
    const r = Math.hypot(x - 0.5, y - 0.5);
    if (y > 0.56 && r >= 0.2 && r <= 0.26) return BLACK; // the mouth: the lower part of a ring
    return YELLOW;
  },
};

export function checkTargetSize(size: number): void {
  if (!Number.isInteger(size) || size < TARGET_SIZE.min || size > TARGET_SIZE.max) {
    throw new Error(`Target size must be a whole number from ${TARGET_SIZE.min} to ${TARGET_SIZE.max}, got ${size}`);
  }
}

export function proceduralTarget(name: ProceduralTarget, size: number): Float32Array {
  checkTargetSize(size);
  const picture = PICTURES[name];
  if (!picture) throw new Error(`Unknown target "${name}"; built-in targets: ${PROCEDURAL_TARGETS.join(', ')}`);
  const out = new Float32Array(size * size * 3);
  const weight = 1 / (SUPERSAMPLE * SUPERSAMPLE);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const p = (i * size + j) * 3;
      for (let si = 0; si < SUPERSAMPLE; si++) {
        for (let sj = 0; sj < SUPERSAMPLE; sj++) {
          const rgb = picture((j + (sj + 0.5) / SUPERSAMPLE) / size, (i + (si + 0.5) / SUPERSAMPLE) / size);
          for (let c = 0; c < 3; c++) out[p + c] += rgb[c] * weight;
        }
      }
    }
  }
  return out;
}

export const LETTERS_MAX_LENGTH = 3;

/** Black letters on white, drawn with canvas text. Needs OffscreenCanvas: a browser page or a Worker, not Node. */
export function lettersTarget(text: string, size: number): Float32Array {
  checkTargetSize(size);
  const letters = text.trim();
  if (letters.length === 0 || letters.length > LETTERS_MAX_LENGTH) {
    throw new Error(`Letters target needs 1 to ${LETTERS_MAX_LENGTH} characters, got "${text}"`);
  }
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error('Letters targets are drawn with OffscreenCanvas, which exists in browsers and Workers but not here (Node)');
  }
  const ctx = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('Could not get a 2D context from OffscreenCanvas to draw the letters');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  // Start tall, then shrink so the text fits 85% of the width.
  let fontPx = Math.round(size * 0.8);
  ctx.font = `bold ${fontPx}px sans-serif`;
  const measured = ctx.measureText(letters).width;
  if (measured > size * 0.85) {
    fontPx = Math.max(4, Math.floor((fontPx * size * 0.85) / measured));
    ctx.font = `bold ${fontPx}px sans-serif`;
  }
  ctx.fillStyle = '#000000';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(letters, size / 2, size / 2);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const out = new Float32Array(size * size * 3);
  for (let k = 0; k < size * size; k++) for (let c = 0; c < 3; c++) out[k * 3 + c] = rgba[k * 4 + c] / 255;
  return out;
}
