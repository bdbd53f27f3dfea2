// After a prior is trained on the user's molecules, the task's corpus is their file and novelty is measured against
// what the prior learned from: the upload, plus the shipped set when the shipped prior was only fine-tuned.
import { describe, expect, it } from 'vitest';
import { MOLECULES_TASK } from '../../src/core/tasks/sequenceTasks';
import { uploadedMolecules } from '../../src/core/tasks/uploadedMolecules';

const shipped = new Set(['CCO', 'c1ccccc1']);

describe('uploadedMolecules', () => {
  it('makes the upload the corpus, so MLE mixing has data', () => {
    const { task } = uploadedMolecules(['OCC', 'CC(=O)O'], ['CCO', 'CC(=O)O'], 'new', shipped);
    expect(MOLECULES_TASK.corpusUnavailable).toBeTruthy();
    expect(task.corpusUnavailable).toBeUndefined();
    expect(task.corpus()).toEqual(['OCC', 'CC(=O)O']);
    expect(task.ownData).toBe(true);
    expect(task.tokenizer).toBe(MOLECULES_TASK.tokenizer);
  });

  it('a new prior: novel means absent from the upload only (canonical forms)', () => {
    const { novelty, noveltyAgainst } = uploadedMolecules(['OCC'], ['CCO'], 'new', shipped);
    expect(novelty.has('CCO')).toBe(true);
    expect(novelty.has('OCC')).toBe(false); // only canonical forms are members
    expect(novelty.has('c1ccccc1')).toBe(false); // in the shipped set, which this prior never saw
    expect(noveltyAgainst).toBe('your molecules');
  });

  it('a fine-tuned prior: novel means absent from both the upload and the shipped set', () => {
    const { novelty } = uploadedMolecules(['CC(=O)O'], ['CC(=O)O'], 'finetune', shipped);
    expect(novelty.has('CC(=O)O')).toBe(true);
    expect(novelty.has('c1ccccc1')).toBe(true);
    expect(novelty.has('CCN')).toBe(false);
  });
});
