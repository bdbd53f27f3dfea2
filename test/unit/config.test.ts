import { describe, expect, it } from 'vitest';
import { BOUNDS, CONFIG_VERSION, defaultConfig, parseConfig } from '../../src/core/config';

function errorsOf(input: unknown) {
  const r = parseConfig(input);
  if (r.ok) throw new Error('expected errors, got a valid config');
  return r.errors;
}

describe('ExperimentConfig', () => {
  it('fills every default from an empty object', () => {
    const c = defaultConfig();
    expect(c.version).toBe(CONFIG_VERSION);
    expect(c.task).toBe('names');
    expect(c.model).toEqual({ hidden: 128, embedding: 32 });
    expect(c.algorithm.name).toBe('reinforce');
    expect(c.algorithm.baseline).toBe('mean');
    expect(c.batchSize).toBe(64);
    expect(c.rewards).toEqual([{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }]);
  });

  it('keeps valid values and fills missing reward params with their defaults', () => {
    const r = parseConfig({ seed: 7, batchSize: 32, temperature: 0.5, rewards: [{ id: 'target_length', weight: 2 }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.seed).toBe(7);
    expect(r.config.batchSize).toBe(32);
    expect(r.config.temperature).toBe(0.5);
    expect(r.config.rewards[0]).toEqual({ id: 'target_length', weight: 2, params: { length: 6, width: 1.5 } });
  });

  const violations: [string, unknown, string][] = [
    ['seed below range', { seed: -1 }, 'seed'],
    ['seed not integer', { seed: 1.5 }, 'seed'],
    ['hidden above range', { model: { hidden: BOUNDS.hidden.max + 1 } }, 'model.hidden'],
    ['embedding below range', { model: { embedding: 1 } }, 'model.embedding'],
    ['batch size zero', { batchSize: 0 }, 'batchSize'],
    ['batch size too large', { batchSize: 5000 }, 'batchSize'],
    ['learning rate too small', { learningRate: 0 }, 'learningRate'],
    ['learning rate NaN', { learningRate: NaN }, 'learningRate'],
    ['learning rate Infinity', { learningRate: Infinity }, 'learningRate'],
    ['max length too short', { maxLength: 1 }, 'maxLength'],
    ['temperature zero (training needs a stochastic policy)', { temperature: 0 }, 'temperature'],
    ['temperature as string', { temperature: '1' }, 'temperature'],
    ['unknown task', { task: 'chess' }, 'task'],
    ['unknown algorithm', { algorithm: { name: 'dqn' } }, 'algorithm.name'],
    ['unknown baseline', { algorithm: { baseline: 'median' } }, 'algorithm.baseline'],
    ['kl coefficient negative', { algorithm: { klCoef: -1 } }, 'algorithm.klCoef'],
    ['entropy coefficient too big', { algorithm: { entropyCoef: 2 } }, 'algorithm.entropyCoef'],
    ['baseline decay 1', { algorithm: { baselineDecay: 1 } }, 'algorithm.baselineDecay'],
    ['gamma above 1', { algorithm: { gamma: 1.5 } }, 'algorithm.gamma'],
    ['PPO clip zero', { algorithm: { ppoClip: 0 } }, 'algorithm.ppoClip'],
    ['PPO epochs fractional', { algorithm: { ppoEpochs: 1.5 } }, 'algorithm.ppoEpochs'],
    ['unknown KL mode', { algorithm: { klMode: 'both' } }, 'algorithm.klMode'],
    ['negative MLE weight', { algorithm: { mleCoef: -1 } }, 'algorithm.mleCoef'],
    ['unknown schedule', { algorithm: { lrSchedule: 'cosine' } }, 'algorithm.lrSchedule'],
    ['weight out of range', { rewards: [{ id: 'ends_with', weight: 11 }] }, 'rewards.0.weight'],
    ['unknown reward term', { rewards: [{ id: 'nope', weight: 1 }] }, 'rewards.0.id'],
    ['duplicate reward term', { rewards: [{ id: 'contains' }, { id: 'contains' }] }, 'rewards.1.id'],
    ['reward param wrong type', { rewards: [{ id: 'target_length', params: { length: 'six' } }] }, 'rewards.0.params.length'],
    ['reward param out of range', { rewards: [{ id: 'target_length', params: { length: 0 } }] }, 'rewards.0.params.length'],
    ['reward param bad pattern', { rewards: [{ id: 'ends_with', params: { suffix: '<b>' } }] }, 'rewards.0.params.suffix'],
    ['too many reward terms', { rewards: Array.from({ length: 17 }, () => ({ id: 'contains' })) }, 'rewards'],
    ['unknown syntax guard setting', { task: 'molecules', molecules: { syntaxGuard: 'maybe' } }, 'molecules.syntaxGuard'],
    ['wrong version', { version: 99 }, 'version'],
  ];
  it.each(violations)('refuses %s with the field path', (_name, input, path) => {
    const errors = errorsOf(input);
    expect(errors.map((e) => e.path)).toContain(path);
    for (const e of errors) expect(e.message.length).toBeGreaterThan(3);
  });

  it('leaves the Molecules syntax guard off unless asked', () => {
    const guard = (input: object) => {
      const r = parseConfig(input);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.config.molecules.syntaxGuard;
    };
    expect(guard({ task: 'molecules' })).toBe('off');
    expect(defaultConfig().molecules).toEqual({ syntaxGuard: 'off' });
    expect(guard({ task: 'molecules', molecules: { syntaxGuard: 'on' } })).toBe('on');
  });

  it('refuses a non-object without throwing', () => {
    expect(errorsOf(null).length).toBeGreaterThan(0);
    expect(errorsOf('config').length).toBeGreaterThan(0);
  });
});
