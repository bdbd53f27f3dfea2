// Rule rewards for the stroke painter. Every term is defined per step (one stroke); a sample's score is the sum of its
// steps. Actor-critic methods take the per-step rewards from stepRewards: Float32Array [B, K] row-major (b·K + t).
import { STROKE, STROKE_PARAMS } from '../kernels/rasterStrokesCpu';
import { DEFAULT_PALETTE_HEX, parsePalette } from '../tasks/paint/palette';
import type { ParamValues, RewardTerm } from './types';

/** What the painter hands the reward terms after an episode of K strokes on B canvases. */
export interface PaintBatch {
  /** B: episodes (samples) in the batch. */
  size: number;
  /** K: strokes per episode. */
  steps: number;
  /** Mean squared canvas–target difference before the first stroke (t = 0) and after each stroke: [B, K + 1]. */
  l2: Float32Array;
  /** Mean absolute canvas–target difference, same shape [B, K + 1]. */
  l1: Float32Array;
  /** Every step's stroke parameters, [B, K, STROKE_PARAMS] (layout in kernels/rasterStrokesCpu.ts). */
  strokes: Float32Array;
  /**
   * The image reward model's r of the canvas before the first stroke and after each one, [B, K + 1], when a learned
   * preference is in play (learned/paintPreferences.ts).
   */
  preference?: Float32Array;
}

export interface PaintRewardTerm extends RewardTerm<PaintBatch> {
  /** Reward of every step, [B, K] row-major; score() is its sum over steps. */
  stepRewards(batch: PaintBatch, params: ParamValues): Float32Array;
}

/** Keeps the same guard as Learning to Paint's environment against a target the blank canvas already matches. */
const EPSILON = 1e-8;

function checkBatch(batch: PaintBatch): void {
  const { size: B, steps: K } = batch;
  if (batch.l2.length !== B * (K + 1) || batch.l1.length !== B * (K + 1)) {
    throw new Error(`PaintBatch distances must be [B, K + 1] = [${B}, ${K + 1}], got ${batch.l2.length} and ${batch.l1.length} values`);
  }
  if (batch.strokes.length !== B * K * STROKE_PARAMS) {
    throw new Error(`PaintBatch strokes must be [B, K, ${STROKE_PARAMS}], got ${batch.strokes.length} values for B=${B}, K=${K}`);
  }
}

/** r_t = (d_{t−1} − d_t) / d_0: each step's share of the initial distance it removed; the episode sums to 1 − d_K / d_0. */
function distanceGain(batch: PaintBatch, distances: Float32Array): Float32Array {
  checkBatch(batch);
  const { size: B, steps: K } = batch;
  const out = new Float32Array(B * K);
  for (let b = 0; b < B; b++) {
    const row = b * (K + 1);
    const initial = distances[row] + EPSILON;
    for (let t = 0; t < K; t++) out[b * K + t] = (distances[row + t] - distances[row + t + 1]) / initial;
  }
  return out;
}

/** f(stroke) for each active stroke, 0 for inactive ones: [B, K]. */
function perActiveStroke(batch: PaintBatch, f: (strokes: Float32Array, offset: number) => number): Float32Array {
  checkBatch(batch);
  const out = new Float32Array(batch.size * batch.steps);
  for (let s = 0; s < out.length; s++) {
    const o = s * STROKE_PARAMS;
    out[s] = batch.strokes[o + STROKE.active] > 0.5 ? f(batch.strokes, o) : 0;
  }
  return out;
}

/** Sum over the K steps of each sample: [B, K] → [B]. */
export function sumSteps(stepRewards: Float32Array, B: number, K: number): Float32Array {
  const out = new Float32Array(B);
  for (let b = 0; b < B; b++) for (let t = 0; t < K; t++) out[b] += stepRewards[b * K + t];
  return out;
}

function perStepTerm(term: Omit<PaintRewardTerm, 'score'>): PaintRewardTerm {
  return { ...term, score: (batch, params) => sumSteps(term.stepRewards(batch, params), batch.size, batch.steps) };
}

export const l2Gain = perStepTerm({
  id: 'l2_gain',
  task: 'paint',
  label: 'L2 gain',
  description: 'Per stroke, the drop in mean squared distance to the target, as a fraction of the blank canvas’s distance.',
  use: 'objective',
  params: [],
  defaultWeight: 1,
  stepRewards: (batch) => distanceGain(batch, batch.l2),
});

export const l1Gain = perStepTerm({
  id: 'l1_gain',
  task: 'paint',
  label: 'L1 gain',
  description: 'Per stroke, the drop in mean absolute distance to the target, as a fraction of the blank canvas’s distance.',
  use: 'objective',
  params: [],
  defaultWeight: 1,
  stepRewards: (batch) => distanceGain(batch, batch.l1),
});

export const strokeBudget = perStepTerm({
  id: 'stroke_budget',
  task: 'paint',
  label: 'Stroke budget',
  description: '−1 for every stroke drawn: with a small weight, the painter learns to stop when more strokes barely help.',
  use: 'objective',
  params: [],
  defaultWeight: 0.02,
  stepRewards: (batch) => perActiveStroke(batch, () => -1),
});

const SQRT3 = Math.sqrt(3);

export const paletteConstraint = perStepTerm({
  id: 'palette',
  task: 'paint',
  label: 'Palette',
  description: 'For every stroke drawn, minus the RGB distance from its colour to the nearest palette colour (0 to −1).',
  use: 'objective',
  params: [
    {
      kind: 'text', key: 'colours', label: 'Palette', maxLength: 200, default: DEFAULT_PALETTE_HEX.join(','),
      pattern: /^\s*#[0-9a-fA-F]{6}(\s*[,\s]\s*#[0-9a-fA-F]{6})*\s*$/, patternHint: 'colours like #ff0000, separated by commas',
    },
  ],
  defaultWeight: 0.1,
  stepRewards: (batch, params) => {
    const palette = parsePalette(String(params.colours ?? DEFAULT_PALETTE_HEX.join(',')));
    return perActiveStroke(batch, (s, o) => {
      let nearest = Infinity;
      for (const [r, g, b] of palette) {
        nearest = Math.min(nearest, Math.hypot(s[o + STROKE.r] - r, s[o + STROKE.g] - g, s[o + STROKE.b] - b));
      }
      return -nearest / SQRT3;
    });
  },
});

/**
 * RLHF for the painter: the learned score r of the painting, given stroke by stroke as its change, r_t = r(c_t) − r(c_{t−1})
 * (c_t the canvas after stroke t). The episode sums to r(finished) − r(blank), and r(blank) is the same for every
 * episode, so episodes rank as their finished paintings do; the per-stroke form is the L2 gain's own (potential-based
 * shaping, Ng et al. 1999), and gives each stroke its credit.
 */
export const paintPreference = perStepTerm({
  id: 'paint_preference',
  task: 'paint',
  label: 'Learned preference r(x)',
  description: 'RLHF: an image reward model fitted to labelled pairs of paintings (yours or the simulated annotator\'s) scores the canvas; each stroke earns its change in score; 0 until the first labels.',
  use: 'preferences',
  params: [],
  defaultWeight: 1,
  needs: ['preference'],
  stepRewards: (batch) => {
    checkBatch(batch);
    const { size: B, steps: K, preference } = batch;
    if (!preference || preference.length !== B * (K + 1)) throw new Error("paint_preference needs the image reward model's scores [B, K + 1], which the trainer did not provide");
    const out = new Float32Array(B * K);
    for (let b = 0; b < B; b++) for (let t = 0; t < K; t++) out[b * K + t] = preference[b * (K + 1) + t + 1] - preference[b * (K + 1) + t];
    return out;
  },
});

export const PAINT_TERMS = [l2Gain, l1Gain, strokeBudget, paletteConstraint, paintPreference] as const;

/**
 * Weighted per-step total for actor-critic, [B, K], and each term's weighted steps by id.
 * The composite's per-sample totals equal the row sums of `total`.
 */
export function paintStepRewards(
  rewards: readonly { id: string; weight: number; params: ParamValues }[],
  batch: PaintBatch,
): { total: Float32Array; terms: Record<string, Float32Array> } {
  const total = new Float32Array(batch.size * batch.steps);
  const terms: Record<string, Float32Array> = {};
  for (const r of rewards) {
    const term = PAINT_TERMS.find((t) => t.id === r.id);
    if (!term) throw new Error(`"${r.id}" is not a painter reward term; known: ${PAINT_TERMS.map((t) => t.id).join(', ')}`);
    const weighted = term.stepRewards(batch, r.params).map((v) => v * r.weight);
    for (let k = 0; k < total.length; k++) total[k] += weighted[k];
    terms[r.id] = weighted;
  }
  return { total, terms };
}
