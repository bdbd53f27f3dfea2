import { describe, expect, it } from 'vitest';
import { STROKE_PARAMS, canvasDistanceCpu, rasterStrokesCpu } from '../../src/core/kernels/rasterStrokesCpu';
import { type PaintBatch, PAINT_TERMS, l1Gain, l2Gain, paintPreference, paintStepRewards, paletteConstraint, strokeBudget } from '../../src/core/rewards/paint';
import { proceduralTarget } from '../../src/core/tasks/paint/targets';

/** Strokes [B, K, P] with the given colour and active flag for each step. */
function strokes(rows: { rgb: [number, number, number]; active: number }[][]): Float32Array {
  const out = new Float32Array(rows.length * rows[0].length * STROKE_PARAMS);
  rows.flat().forEach(({ rgb, active }, s) => out.set([0, 0, 0.5, 0.5, 1, 1, 0.1, ...rgb, active], s * STROKE_PARAMS));
  return out;
}

const red = { rgb: [1, 0, 0] as [number, number, number], active: 1 };
const grey = { rgb: [0.5, 0.5, 0.5] as [number, number, number], active: 1 };
const off = { rgb: [0.5, 0.5, 0.5] as [number, number, number], active: 0 };

// B = 2 samples, K = 2 steps.
const batch: PaintBatch = {
  size: 2,
  steps: 2,
  l2: Float32Array.from([0.5, 0.25, 0.25, 0.2, 0.3, 0.1]),
  l1: Float32Array.from([0.8, 0.4, 0.2, 0.4, 0.4, 0.4]),
  strokes: strokes([[red, off], [grey, red]]),
};
const close = (got: Float32Array, want: number[]) => want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 6));

describe('painter reward terms', () => {
  it('l2_gain: each step’s drop in distance over the initial distance; the episode sums to 1 − d_K / d_0', () => {
    close(l2Gain.stepRewards(batch, {}), [0.5, 0, -0.5, 1]);
    close(l2Gain.score(batch, {}, {}) as Float32Array, [0.5, 0.5]);
  });

  it('l1_gain: the same on mean absolute distances', () => {
    close(l1Gain.stepRewards(batch, {}), [0.5, 0.25, 0, 0]);
    close(l1Gain.score(batch, {}, {}) as Float32Array, [0.75, 0]);
  });

  it('stays finite when the blank canvas already equals the target', () => {
    const flat = { ...batch, l2: new Float32Array(6), l1: new Float32Array(6) };
    expect(Array.from(l2Gain.score(flat, {}, {}) as Float32Array)).toEqual([0, 0]);
  });

  it('stroke_budget: −1 per active stroke', () => {
    close(strokeBudget.stepRewards(batch, {}), [-1, 0, -1, -1]);
    close(strokeBudget.score(batch, {}, {}) as Float32Array, [-1, -2]);
  });

  it('palette: minus the normalised RGB distance to the nearest palette colour, for active strokes only', () => {
    const params = { colours: '#ff0000, #000000' };
    // grey (0.5, 0.5, 0.5) is √0.75 from black, normalised by √3: 0.5.
    close(paletteConstraint.stepRewards(batch, params), [0, 0, -0.5, 0]);
    close(paletteConstraint.stepRewards(batch, { colours: '#ffffff' }), [-Math.sqrt(2) / Math.sqrt(3), 0, -0.5, -Math.sqrt(2) / Math.sqrt(3)]);
    expect(() => paletteConstraint.stepRewards(batch, { colours: 'red' })).toThrow(/"red"/);
    const spec = paletteConstraint.params[0];
    if (spec.kind !== 'text' || !spec.pattern) throw new Error('palette must take a text parameter with a pattern');
    expect(spec.pattern.test(spec.default)).toBe(true);
    expect(spec.pattern.test('#ff0000 #00ff00')).toBe(true);
    expect(spec.pattern.test('red')).toBe(false);
  });

  it('describes itself for the panels and the registry', () => {
    expect(PAINT_TERMS.map((t) => t.id)).toEqual(['l2_gain', 'l1_gain', 'stroke_budget', 'palette', 'paint_preference']);
    for (const t of PAINT_TERMS) {
      expect(t.task).toBe('paint');
      expect(t.description.length).toBeGreaterThan(10);
    }
  });

  it("paint_preference: each stroke earns its change in the image reward model's score; an episode sums to r(finished) − r(blank)", () => {
    // Scores of the canvas before the first stroke, after stroke 1 and after stroke 2, for each of the two episodes.
    const scored = { ...batch, preference: Float32Array.of(0.5, 0.25, 0.7, 0.5, -1, -1.5) };
    close(paintPreference.stepRewards(scored, {}), [-0.25, 0.45, -1.5, -0.5]);
    close(paintPreference.score(scored, {}, {}) as Float32Array, [0.2, -2]);
    expect(paintPreference.use).toBe('preferences');
    expect(() => paintPreference.stepRewards(batch, {})).toThrow(/needs the image reward model's scores/);
  });

  it('weights and sums per-step rewards for actor-critic; row sums match the weighted scores', () => {
    const rewards = [{ id: 'l2_gain', weight: 1, params: {} }, { id: 'stroke_budget', weight: 0.1, params: {} }];
    const { total, terms } = paintStepRewards(rewards, batch);
    close(total, [0.4, 0, -0.6, 0.9]);
    close(terms.stroke_budget, [-0.1, 0, -0.1, -0.1]);
    expect(() => paintStepRewards([{ id: 'ends_with', weight: 1, params: {} }], batch)).toThrow(/not a painter reward term/);
  });

  it('rejects a batch whose arrays do not match its size', () => {
    expect(() => l2Gain.stepRewards({ ...batch, l2: new Float32Array(4) }, {})).toThrow(/\[B, K \+ 1\]/);
    expect(() => strokeBudget.stepRewards({ ...batch, strokes: new Float32Array(5) }, {})).toThrow(/strokes must be/);
  });

  it('rewards a stroke that paints the target colour where the target has it', () => {
    // Target: the red circle. One red stroke across its middle brings a white canvas closer; a blue one does not.
    const size = 32;
    const target = proceduralTarget('circle', size);
    const white = new Float32Array(size * size * 3).fill(1);
    const episode = (rgb: [number, number, number]): PaintBatch => {
      const stroke = Float32Array.from([0.3, 0.5, 0.5, 0.5, 0.7, 0.5, 0.2, ...rgb, 1]);
      const after = rasterStrokesCpu(white, stroke, 1, size, size);
      const d = (metric: 'l2' | 'l1') => Float32Array.from([...canvasDistanceCpu(white, target, 1, metric), ...canvasDistanceCpu(after, target, 1, metric)]);
      return { size: 1, steps: 1, l2: d('l2'), l1: d('l1'), strokes: stroke };
    };
    expect((l2Gain.score(episode([0.898, 0.224, 0.208]), {}, {}) as Float32Array)[0]).toBeGreaterThan(0.1);
    expect((l2Gain.score(episode([0, 0, 1]), {}, {}) as Float32Array)[0]).toBeLessThan(0);
  });
});
