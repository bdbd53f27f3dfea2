// Action spaces of the stroke painter, and their decoding into stroke parameters (layout: kernels/rasterStrokesCpu.ts).
//
// Discrete space (categorical policy, one independent head per row, sampled by our WGSL sampler):
//   head      size      meaning
//   start     G·G       start point: cell c of a G×G grid, row = floor(c / G), column = c mod G, at the cell's centre
//   control   G·G       Bézier control point, same grid
//   end       G·G       end point, same grid
//   width     widths.length    index into the width buckets (fractions of the canvas side)
//   colour    palette.length   index into the palette
//   draw      2         only when allowSkip: 0 leaves this step's canvas unchanged (an inactive stroke), 1 draws
// Actions are int32 [B, heads] in that column order.
//
// Continuous space (Gaussian policy): u ∈ ℝ^D, D = 10 (+1 with allowSkip), columns in stroke-layout order
//   x0 y0 x1 y1 x2 y2 width r g b [draw]. Each u is squashed, v = (tanh(u) + 1) / 2 ∈ (0, 1), then mapped to its range:
//   coordinates and colours to (0, 1), width to (minWidth, maxWidth). draw: the stroke is drawn when u > 0.
//   The algorithm owns the log-probability; for the squash it adds log|dv/du| = log(1 − tanh²(u)) − log 2 per column
//   (plus log(range) for width) if it wants densities of v rather than of u.
import * as tf from '@tensorflow/tfjs';
import { STROKE_PARAMS } from '../../kernels/rasterStrokesCpu';

import { DEFAULT_PALETTE, type Rgb } from './palette';

export { DEFAULT_PALETTE, DEFAULT_PALETTE_HEX, parsePalette, type Rgb } from './palette';

export interface DiscreteStrokeSpace {
  kind: 'discrete';
  /** G: cells per side of the grid that start, control and end points snap to. */
  grid: number;
  /** Width buckets, as fractions of the shorter canvas side. */
  widths: readonly number[];
  palette: readonly Rgb[];
  allowSkip: boolean;
}

export interface ContinuousStrokeSpace {
  kind: 'continuous';
  /** Width range, as fractions of the shorter canvas side. */
  minWidth: number;
  maxWidth: number;
  allowSkip: boolean;
}

export type StrokeSpace = DiscreteStrokeSpace | ContinuousStrokeSpace;

export function defaultDiscreteSpace(): DiscreteStrokeSpace {
  return { kind: 'discrete', grid: 8, widths: [0.03, 0.06, 0.12, 0.25], palette: DEFAULT_PALETTE, allowSkip: true };
}

export function defaultContinuousSpace(): ContinuousStrokeSpace {
  return { kind: 'continuous', minWidth: 0.02, maxWidth: 0.3, allowSkip: true };
}

export interface Head {
  name: 'start' | 'control' | 'end' | 'width' | 'colour' | 'draw';
  size: number;
}

/** The categorical heads of a discrete space, in action-column order: the policy needs one logits block per head. */
export function discreteHeads(space: DiscreteStrokeSpace): Head[] {
  const cells = space.grid * space.grid;
  const heads: Head[] = [
    { name: 'start', size: cells },
    { name: 'control', size: cells },
    { name: 'end', size: cells },
    { name: 'width', size: space.widths.length },
    { name: 'colour', size: space.palette.length },
  ];
  if (space.allowSkip) heads.push({ name: 'draw', size: 2 });
  return heads;
}

/** Centre of grid cell c as (x, y) fractions of the canvas. */
export function cellCentre(grid: number, cell: number): [number, number] {
  return [((cell % grid) + 0.5) / grid, (Math.floor(cell / grid) + 0.5) / grid];
}

function checkDiscrete(space: DiscreteStrokeSpace): void {
  if (!Number.isInteger(space.grid) || space.grid < 2) throw new Error(`grid must be a whole number ≥ 2, got ${space.grid}`);
  if (space.widths.length === 0) throw new Error('a discrete stroke space needs at least one width bucket');
  if (space.palette.length === 0) throw new Error('a discrete stroke space needs at least one palette colour');
}

/** Decodes int actions [B, heads] (row-major) into stroke parameters [B, STROKE_PARAMS]. */
export function decodeDiscrete(space: DiscreteStrokeSpace, actions: ArrayLike<number>, B: number): Float32Array {
  checkDiscrete(space);
  const heads = discreteHeads(space);
  if (actions.length !== B * heads.length) throw new Error(`expected ${B}×${heads.length} actions, got ${actions.length}`);
  const out = new Float32Array(B * STROKE_PARAMS);
  for (let b = 0; b < B; b++) {
    const a = heads.map((h, k) => {
      const v = actions[b * heads.length + k];
      if (!Number.isInteger(v) || v < 0 || v >= h.size) throw new Error(`action ${v} of head "${h.name}" is outside 0..${h.size - 1}`);
      return v;
    });
    const o = b * STROKE_PARAMS;
    out.set([...cellCentre(space.grid, a[0]), ...cellCentre(space.grid, a[1]), ...cellCentre(space.grid, a[2])], o);
    out[o + 6] = space.widths[a[3]];
    out.set(space.palette[a[4]], o + 7);
    out[o + 10] = space.allowSkip ? a[5] : 1;
  }
  return out;
}

/** decodeDiscrete on tensors, without a readback: int32 [B, heads] → float32 [B, STROKE_PARAMS]. Actions must be in range. */
export function decodeDiscreteTensor(space: DiscreteStrokeSpace, actions: tf.Tensor2D): tf.Tensor2D {
  checkDiscrete(space);
  const nHeads = discreteHeads(space).length;
  if (actions.shape[1] !== nHeads) throw new Error(`expected actions [B, ${nHeads}], got [${actions.shape}]`);
  return tf.tidy(() => {
    const cells = Array.from({ length: space.grid * space.grid }, (_, c) => cellCentre(space.grid, c));
    const cellTable = tf.tensor2d(cells, [cells.length, 2]);
    const widthTable = tf.tensor2d(space.widths.map((w) => [w]), [space.widths.length, 1]);
    const paletteTable = tf.tensor2d(space.palette.map((c) => [...c]), [space.palette.length, 3]);
    const cols = tf.unstack(tf.cast(actions, 'int32'), 1);
    const B = actions.shape[0];
    const active = space.allowSkip ? tf.reshape(tf.cast(cols[5], 'float32'), [B, 1]) : tf.ones([B, 1]);
    return tf.concat(
      [tf.gather(cellTable, cols[0]), tf.gather(cellTable, cols[1]), tf.gather(cellTable, cols[2]),
        tf.gather(widthTable, cols[3]), tf.gather(paletteTable, cols[4]), active],
      1,
    ) as tf.Tensor2D;
  });
}

/** Number of Gaussian outputs the policy needs for a continuous space. */
export function continuousDims(space: ContinuousStrokeSpace): number {
  return space.allowSkip ? 11 : 10;
}

/** Lower bound and span of each of the ten squashed columns, in stroke-layout order. */
function continuousRanges(space: ContinuousStrokeSpace): { lo: number[]; span: number[] } {
  const lo = [0, 0, 0, 0, 0, 0, space.minWidth, 0, 0, 0];
  const span = [1, 1, 1, 1, 1, 1, space.maxWidth - space.minWidth, 1, 1, 1];
  return { lo, span };
}

function checkContinuous(space: ContinuousStrokeSpace): void {
  if (!(space.minWidth >= 0 && space.maxWidth >= space.minWidth)) {
    throw new Error(`need 0 ≤ minWidth ≤ maxWidth, got ${space.minWidth} and ${space.maxWidth}`);
  }
}

/** Decodes raw Gaussian outputs u [B, D] (row-major) into stroke parameters [B, STROKE_PARAMS]. */
export function decodeContinuous(space: ContinuousStrokeSpace, u: ArrayLike<number>, B: number): Float32Array {
  checkContinuous(space);
  const D = continuousDims(space);
  if (u.length !== B * D) throw new Error(`expected ${B}×${D} outputs, got ${u.length}`);
  const { lo, span } = continuousRanges(space);
  const out = new Float32Array(B * STROKE_PARAMS);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < 10; k++) out[b * STROKE_PARAMS + k] = lo[k] + span[k] * 0.5 * (Math.tanh(u[b * D + k]) + 1);
    out[b * STROKE_PARAMS + 10] = space.allowSkip ? (u[b * D + 10] > 0 ? 1 : 0) : 1;
  }
  return out;
}

/** decodeContinuous on tensors, without a readback: float32 [B, D] → float32 [B, STROKE_PARAMS]. */
export function decodeContinuousTensor(space: ContinuousStrokeSpace, u: tf.Tensor2D): tf.Tensor2D {
  checkContinuous(space);
  const D = continuousDims(space);
  if (u.shape[1] !== D) throw new Error(`expected outputs [B, ${D}], got [${u.shape}]`);
  const { lo, span } = continuousRanges(space);
  return tf.tidy(() => {
    const B = u.shape[0];
    const squashed = tf.mul(tf.add(tf.tanh(tf.slice(u, [0, 0], [B, 10])), 1), 0.5);
    const params = tf.add(tf.mul(squashed, tf.tensor1d(span)), tf.tensor1d(lo));
    const active = space.allowSkip ? tf.cast(tf.greater(tf.slice(u, [0, 10], [B, 1]), 0), 'float32') : tf.ones([B, 1]);
    return tf.concat([params, active], 1) as tf.Tensor2D;
  });
}
