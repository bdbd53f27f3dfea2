import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../src/core/config';
import { describeChanges, startsNewRun, withRewardWeights } from '../../src/core/training/liveConfig';

function config(input: object): ExperimentConfig {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('live settings', () => {
  const base = config({ rewards: [{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }, { id: 'contains', weight: 1, params: { substring: 'an' } }] });

  it('describes weight, parameter, term, scalar and algorithm changes', () => {
    const next = structuredClone(base);
    next.rewards[0].weight = 0.5;
    next.rewards[1].params = { substring: 'el' };
    next.rewards.push({ id: 'starts_with', weight: 1, params: { letter: 'k' } });
    next.learningRate = 0.003;
    next.algorithm.klCoef = 0.1;
    expect(describeChanges(base, next)).toEqual(['ends_with weight 1→0.5', 'contains params', '+starts_with', 'learningRate 0.001→0.003', `klCoef ${base.algorithm.klCoef}→0.1`]);
    expect(describeChanges(next, base)).toContain('−starts_with');
    expect(describeChanges(base, structuredClone(base))).toEqual([]);
  });

  it('sets weights by term id, leaves the input alone, and refuses out-of-range weights', () => {
    const next = withRewardWeights(base, { contains: -2 });
    expect(next.rewards.map((r) => r.weight)).toEqual([1, -2]);
    expect(base.rewards[1].weight).toBe(1);
    expect(() => withRewardWeights(base, { contains: 11 })).toThrow(/Weight of contains must be between -10 and 10/);
    expect(() => withRewardWeights(base, { contains: NaN })).toThrow(/Weight of contains/);
  });

  it('starts a new run for the task, seed, model size and task-specific data settings, not for live ones', () => {
    const molecules = config({ task: 'molecules' });
    const edit = (c: ExperimentConfig, change: (c: ExperimentConfig) => void) => {
      const next = structuredClone(c);
      change(next);
      return next;
    };
    expect(startsNewRun(base, structuredClone(base))).toBe(false);
    expect(startsNewRun(base, edit(base, (c) => (c.learningRate = 0.003)))).toBe(false);
    expect(startsNewRun(base, edit(base, (c) => (c.rewards[0].weight = 0.5)))).toBe(false);
    expect(startsNewRun(base, edit(base, (c) => (c.seed = 7)))).toBe(true);
    expect(startsNewRun(base, edit(base, (c) => (c.model.hidden = 64)))).toBe(true);
    expect(startsNewRun(base, molecules)).toBe(true);
    // The syntax guard changes the policy's distribution: like the model size, it needs a new run.
    expect(startsNewRun(molecules, edit(molecules, (c) => (c.molecules.syntaxGuard = 'on')))).toBe(true);
    expect(startsNewRun(molecules, edit(molecules, (c) => (c.temperature = 0.7)))).toBe(false);
    // Other tasks ignore it.
    expect(startsNewRun(base, edit(base, (c) => (c.molecules.syntaxGuard = 'on')))).toBe(false);
    const text = config({ task: 'text' });
    expect(startsNewRun(text, edit(text, (c) => (c.text.source = 'own')))).toBe(true);
  });
});
