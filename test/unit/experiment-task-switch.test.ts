import { describe, expect, it } from 'vitest';
import { parseConfig, TASKS } from '../../src/core/config';
import { ExperimentState } from '../../src/app/experiment.svelte';

describe('switching task in the page', () => {
  it.each(TASKS.filter((t) => t !== 'names'))('names → %s takes that task’s defaults and keeps the seed', (task) => {
    const state = new ExperimentState();
    state.setField('seed', 1234);
    state.setField('maxLength', 12);
    state.setField('learningRate', 0.02);
    state.setTask(task);
    const expected = parseConfig({ task, seed: 1234 });
    if (!expected.ok) throw new Error(JSON.stringify(expected.errors));
    expect(state.draft).toEqual(expected.config);
    const checked = state.check();
    expect(checked.ok).toBe(true);
  });

  it('and back to names restores the names defaults, not the previous task’s', () => {
    const state = new ExperimentState();
    state.setTask('molecules');
    state.setTask('names');
    const names = parseConfig({ seed: state.draft.seed });
    if (!names.ok) throw new Error('names defaults');
    expect(state.draft).toEqual(names.config);
  });
});
