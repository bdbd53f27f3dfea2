// The painter's settings in the ExperimentConfig (config.paint), and what they turn into: a stroke space and a target.
// A custom target (an upload or the draw-your-own pad) is stored in the config itself as CUSTOM_SIDE² palette indices,
// one character per pixel ("0".."7", row-major): small enough for a link (it compresses well), a checkpoint and the
// Worker message, and it can never carry anything but colours.
import * as v from 'valibot';
import { DEFAULT_PALETTE, type Rgb } from './palette';
import { LETTERS_MAX_LENGTH, PROCEDURAL_TARGETS, lettersTarget, proceduralTarget, type ProceduralTarget } from './targets';

export const PAINT_TARGETS = [...PROCEDURAL_TARGETS, 'letters', 'custom'] as const;
export type PaintTarget = (typeof PAINT_TARGETS)[number];
export const CANVAS_SIDES = [32, 64] as const;
/**
 * Discrete is the default. Measured with A2C (seed 3, batch 16, 20 strokes, 32×32; final L2 as a share of the blank
 * canvas's at update 150): circle 0.26 discrete vs 0.37 continuous, stripes 0.60 vs 0.63. The Gaussian policy starts
 * better (its initial strokes are mid-grey and central, 0.68 on the circle before any update, against 2.0 for random
 * grid strokes) and is ahead for the first 30–40 updates, but then plateaus or swings (0.34–0.73 on the circle between
 * updates 40 and 150): its one state-independent σ per parameter is slow to narrow, while the grid heads put their mass
 * on the few right cells and colours independently and kept improving.
 */
export const ACTION_MODES = ['discrete', 'continuous'] as const;
export const STROKES_PER_EPISODE = { min: 1, max: 64 } as const;
/** Side of a custom target as stored in the config; it is resized to the canvas side. */
export const CUSTOM_SIDE = 32;
const CUSTOM_IMAGE = new RegExp(`^([0-7]{${CUSTOM_SIDE * CUSTOM_SIDE}})?$`);

export const PaintSchema = v.object({
  /** Canvas side in pixels. 32 trains several times faster than 64 on a GPU-less machine. */
  canvas: v.optional(v.picklist(CANVAS_SIDES, 'The canvas side must be 32 or 64 pixels'), 32),
  strokes: v.optional(
    v.pipe(
      v.number(),
      v.integer('Strokes per episode must be a whole number'),
      v.minValue(STROKES_PER_EPISODE.min, `Strokes per episode must be at least ${STROKES_PER_EPISODE.min}`),
      v.maxValue(STROKES_PER_EPISODE.max, `Strokes per episode must be at most ${STROKES_PER_EPISODE.max}`),
    ),
    20,
  ),
  action: v.optional(v.picklist(ACTION_MODES, 'The action must be "discrete" (grid and palette) or "continuous" (Gaussian)'), 'discrete'),
  /**
   * Whether the policy may skip a stroke (a "draw" head). Off by default: with it, an untrained painter learns first
   * that drawing nothing scores 0 while random strokes score below 0, and stops drawing (measured: it collapsed to all
   * skips within 20 updates). Turn it on together with the stroke budget to learn when to stop.
   */
  skip: v.optional(v.boolean(), false),
  target: v.optional(v.picklist(PAINT_TARGETS, `The target must be one of ${PAINT_TARGETS.join(', ')}`), 'circle'),
  letters: v.optional(
    v.pipe(v.string(), v.regex(new RegExp(`^\\S.{0,${LETTERS_MAX_LENGTH - 1}}$`, 'u'), `Letters must be 1 to ${LETTERS_MAX_LENGTH} characters, not starting with a space`)),
    'A',
  ),
  image: v.optional(v.pipe(v.string(), v.regex(CUSTOM_IMAGE, `A custom target must be ${CUSTOM_SIDE * CUSTOM_SIDE} palette indices 0–7`)), ''),
});

export type PaintSettings = v.InferOutput<typeof PaintSchema>;

/** Problems the schema cannot see on its own (they need two fields at once), with their paths under "paint.". */
export function paintSettingsProblems(paint: PaintSettings): { path: string; message: string }[] {
  if (paint.target === 'custom' && paint.image === '') {
    return [{ path: 'paint.image', message: 'The custom target is empty: upload an image or draw one on the pad first' }];
  }
  return [];
}

/** A custom target's palette indices as RGB [side, side, 3] at the stored side. */
export function decodeCustomImage(image: string, palette: readonly Rgb[] = DEFAULT_PALETTE): Float32Array {
  if (!CUSTOM_IMAGE.test(image) || image === '') throw new Error(`A custom target must be ${CUSTOM_SIDE * CUSTOM_SIDE} palette indices 0–7`);
  const out = new Float32Array(image.length * 3);
  for (let k = 0; k < image.length; k++) out.set(palette[image.charCodeAt(k) - 48], k * 3);
  return out;
}

/** Nearest palette colour of each pixel of an RGB image [n, 3] in [0, 1]: the custom-target encoding. */
export function encodeCustomImage(rgb: ArrayLike<number>, palette: readonly Rgb[] = DEFAULT_PALETTE): string {
  if (rgb.length !== CUSTOM_SIDE * CUSTOM_SIDE * 3) throw new Error(`expected ${CUSTOM_SIDE}×${CUSTOM_SIDE}×3 values, got ${rgb.length}`);
  let out = '';
  for (let k = 0; k < rgb.length / 3; k++) {
    let best = 0;
    let bestD = Infinity;
    palette.forEach(([r, g, b], i) => {
      const d = (rgb[k * 3] - r) ** 2 + (rgb[k * 3 + 1] - g) ** 2 + (rgb[k * 3 + 2] - b) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    out += String(best);
  }
  return out;
}

/** Nearest-neighbour resize of a square RGB image (used for custom targets; they are flat palette colours). */
function resizeNearest(rgb: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return rgb;
  const out = new Float32Array(to * to * 3);
  for (let i = 0; i < to; i++) {
    for (let j = 0; j < to; j++) {
      const src = (Math.floor((i * from) / to) * from + Math.floor((j * from) / to)) * 3;
      out.set(rgb.subarray(src, src + 3), (i * to + j) * 3);
    }
  }
  return out;
}

/** The target image [canvas, canvas, 3] in [0, 1]. Letters need OffscreenCanvas (browsers and Workers). */
export function paintTargetImage(paint: PaintSettings): Float32Array {
  const side = paint.canvas;
  if (paint.target === 'letters') return lettersTarget(paint.letters, side);
  if (paint.target === 'custom') return resizeNearest(decodeCustomImage(paint.image), CUSTOM_SIDE, side);
  return proceduralTarget(paint.target as ProceduralTarget, side);
}
