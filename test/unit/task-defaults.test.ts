import { describe, expect, it } from 'vitest';
import { defaultConfig, ExperimentConfigSchema, parseConfig, TASK_DEFAULTS } from '../../src/core/config';
import { sequenceTask, syntaxGuardFor } from '../../src/core/tasks/sequenceTasks';
import { moleculesTokenizer } from '../../src/core/tasks/molecules';
import { smilesTokenKinds } from '../../src/core/tasks/smilesSyntaxGuard';
import { uploadedMolecules } from '../../src/core/tasks/uploadedMolecules';
import { rewardTerm, termsForTask } from '../../src/core/rewards/registry';

function parsed(input: unknown) {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('task-dependent defaults', () => {
  it('keeps the names defaults exactly as the schema has them', () => {
    const names = parsed({});
    expect(names.task).toBe('names');
    expect(names.rewards).toEqual(TASK_DEFAULTS.names.rewards);
    expect(names.maxLength).toBe(TASK_DEFAULTS.names.maxLength);
    expect(names.learningRate).toBe(1e-3);
    // The schema's own defaults must stay the names ones: links omit values equal to them.
    const entries = (ExperimentConfigSchema as unknown as { entries: Record<string, { default: unknown }> }).entries;
    expect(entries.rewards.default).toEqual(TASK_DEFAULTS.names.rewards);
    expect(entries.maxLength.default).toBe(TASK_DEFAULTS.names.maxLength);
    expect(names.model).toEqual(TASK_DEFAULTS.names.model);
    expect(defaultConfig()).toEqual(names);
  });

  it('gives molecules validity + QED and SMILES-sized samples when the input omits them', () => {
    const m = parsed({ task: 'molecules' });
    expect(m.rewards.map((r) => r.id)).toEqual(['validity', 'qed']);
    expect(m.rewards.reduce((a, r) => a + r.weight, 0)).toBeCloseTo(1, 10);
    expect(m.maxLength).toBe(100);
    expect(m.model).toEqual({ hidden: 384, embedding: 32 });
    expect(m.molecules.syntaxGuard).toBe('off');
    expect(parsed({ task: 'molecules', model: { hidden: 64 } }).model).toEqual({ hidden: 64, embedding: 32 });
    for (const r of m.rewards) expect(rewardTerm(r.id)?.task).toBe('molecules');
  });

  it('keeps values the input gives', () => {
    const m = parsed({ task: 'molecules', maxLength: 80, rewards: [{ id: 'logp_window', weight: 1 }] });
    expect(m.maxLength).toBe(80);
    expect(m.rewards.map((r) => r.id)).toEqual(['logp_window']);
  });

  it('refuses a names reward on the molecules task', () => {
    const r = parseConfig({ task: 'molecules', rewards: [{ id: 'ends_with', weight: 1 }] });
    expect(r.ok).toBe(false);
  });

  it('gives REINVENT its learning rate 1e-4 and σ 128, unless set', () => {
    const c = parsed({ task: 'molecules', algorithm: { name: 'reinvent' } });
    expect(c.learningRate).toBe(1e-4);
    expect(c.algorithm.sigma).toBe(128);
    expect(c.algorithm.diversityFilter).toBe('scaffold');
    expect(c.algorithm.replay).toBe('on');
    expect(parsed({ algorithm: { name: 'reinvent' }, learningRate: 5e-4 }).learningRate).toBe(5e-4);
    expect(parsed({ algorithm: { name: 'ppo' } }).learningRate).toBe(1e-3);
    expect(parseConfig({ algorithm: { name: 'reinvent', sigma: -1 } }).ok).toBe(false);
  });

  it('registers the molecule terms and the molecules sequence task', () => {
    expect(termsForTask('molecules').map((t) => t.id)).toContain('qed');
    const task = sequenceTask('molecules');
    expect(task.tokenizer.vocab[0]).toBe('<eos>');
    expect(task.rewardBatch(['CCO'])).toEqual({ smiles: ['CCO'] });
    expect(sequenceTask('names').rewardBatch(['ana'])).toEqual({ texts: ['ana'] });
    expect(task.corpus()).toEqual([]);
    expect(task.corpusUnavailable).toMatch(/upload/);
  });

  it('gives a Molecules run the syntax guard of its vocabulary when the setting is on, and no other run one', () => {
    const molecules = sequenceTask('molecules');
    const on = { task: 'molecules', molecules: { syntaxGuard: 'on' } };
    const kinds = syntaxGuardFor(parsed(on), molecules);
    expect(kinds).toEqual(smilesTokenKinds(molecules.tokenizer.vocab));
    expect(kinds).toHaveLength(molecules.tokenizer.vocab.length);
    expect(kinds?.[molecules.tokenizer.vocab.indexOf(')')]).toBeGreaterThan(0);
    // A run on the user's own molecules uses the same vocabulary, so the same guard.
    const own = uploadedMolecules(['CCO'], ['CCO'], 'new', null).task;
    expect(syntaxGuardFor(parsed(on), own)).toEqual(kinds);
    expect(syntaxGuardFor(parsed({ task: 'molecules' }), molecules)).toBeNull();
    expect(syntaxGuardFor(parsed({ task: 'names', molecules: { syntaxGuard: 'on' } }), sequenceTask('names'))).toBeNull();
  });

  it('encodes SMILES without the end token (the sequence helpers add it) and decodes back', () => {
    const ids = moleculesTokenizer.encode('Clc1ccc(Br)cc1[nH]');
    expect(ids).not.toContain(0);
    expect(moleculesTokenizer.decode([...ids, 0, 5])).toBe('Clc1ccc(Br)cc1[nH]');
    expect(() => moleculesTokenizer.encode('[Xe]')).toThrow(/vocabulary/);
  });
});
