import { describe, expect, it } from 'vitest';
import { computeAdvantagesCpu } from '../../src/core/kernels/advantages_cpu';

describe('computeAdvantagesCpu', () => {
  it('matches a hand-computed GAE on one row with a bootstrap value', () => {
    // gamma 0.5, lambda 0.5; r = [1, 2], V = [0.5, 1, 2] (V_2 = bootstrap).
    // delta_1 = 2 + 0.5*2 - 1 = 2;        A_1 = 2
    // delta_0 = 1 + 0.5*1 - 0.5 = 1;      A_0 = 1 + 0.25*2 = 1.5
    // G_1 = 2 + 0.5*2 = 3;                G_0 = 1 + 0.5*3 = 2.5
    const out = computeAdvantagesCpu([1, 2], [0.5, 1, 2], [1, 1], 1, 2, { gamma: 0.5, lambda: 0.5, normalize: false });
    expect(Array.from(out.advantages)).toEqual([1.5, 2]);
    expect(Array.from(out.returns)).toEqual([2.5, 3]);
  });

  it('treats the step before padding as terminal and zeroes padding', () => {
    // T = 3, episode ends after step 1; bootstrap 9 must be ignored because step 2 is padding.
    // gamma 1, lambda 1: A_1 = 3 - 1 = 2, A_0 = (1 + 1 - 2) + 2 = 2; G_1 = 3, G_0 = 4.
    const out = computeAdvantagesCpu([1, 3, 7], [2, 1, 5, 9], [1, 1, 0], 1, 3, { gamma: 1, lambda: 1, normalize: false });
    expect(Array.from(out.advantages)).toEqual([2, 2, 0]);
    expect(Array.from(out.returns)).toEqual([4, 3, 0]);
  });

  it('gives zeros for an all-masked row and handles T = 1', () => {
    const out = computeAdvantagesCpu([5, 1], [1, 2, 3, 4], [0, 1], 2, 1, { gamma: 0.9, lambda: 0.8, normalize: false });
    expect(out.advantages[0]).toBe(0);
    expect(out.returns[0]).toBe(0);
    expect(out.advantages[1]).toBeCloseTo(1 + 0.9 * 4 - 3, 6);
    expect(out.returns[1]).toBeCloseTo(1 + 0.9 * 4, 6);
  });

  it('with lambda = 1, returns equal advantages + values', () => {
    const B = 3;
    const T = 5;
    const rewards = Array.from({ length: B * T }, (_, i) => Math.sin(i));
    const values = Array.from({ length: B * (T + 1) }, (_, i) => Math.cos(i));
    const mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const out = computeAdvantagesCpu(rewards, values, mask, B, T, { gamma: 0.95, lambda: 1, normalize: false });
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        if (!mask[b * T + t]) continue;
        expect(out.returns[b * T + t]).toBeCloseTo(out.advantages[b * T + t] + values[b * (T + 1) + t], 5);
      }
    }
  });

  it('normalises valid advantages to mean 0 and std 1, leaving padding at 0', () => {
    const B = 4;
    const T = 6;
    const rewards = Array.from({ length: B * T }, (_, i) => (i * 7) % 5);
    const values = Array.from({ length: B * (T + 1) }, (_, i) => (i % 3) * 0.5);
    const mask = Array.from({ length: B * T }, (_, i) => (i % T < 2 + (Math.floor(i / T) % 4) ? 1 : 0));
    const out = computeAdvantagesCpu(rewards, values, mask, B, T, { gamma: 0.9, lambda: 0.95, normalize: true });
    const valid = Array.from(out.advantages).filter((_, i) => mask[i]);
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    const std = Math.sqrt(valid.reduce((a, b) => a + (b - mean) ** 2, 0) / valid.length);
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(std).toBeCloseTo(1, 5);
    out.advantages.forEach((a, i) => {
      if (!mask[i]) expect(a).toBe(0);
    });
  });
});
