// The shipped priors and trainers built from them, as the learning tests use them.
import { expect } from 'vitest';
import { parseConfig, TASK_DEFAULTS } from '../../src/core/config';
import { CharGru } from '../../src/core/models/charGru';
import { fetchPrior, priorStem, type Prior } from '../../src/core/priors';
import type { SequenceTask } from '../../src/core/tasks/sequenceTasks';
import { SequenceTrainer } from '../../src/core/trainer';

const PRETRAIN_HINT: Record<string, string> = {
  names: 'npm run pretrain -- names',
  words: 'npm run pretrain -- words --backend wasm',
  text: 'npm run pretrain -- text --backend wasm',
  molecules: `npm run pretrain -- molecules --data ../shared/data/smiles/train.smi --hidden ${TASK_DEFAULTS.molecules.model.hidden}`,
};

/** The prior shipped in public/priors for this task and model size; fails with the command that makes it. */
export async function shippedPrior(task: SequenceTask, model: { embedding: number; hidden: number }): Promise<Prior> {
  const size = { vocab: task.tokenizer.vocab.length, ...model };
  const found = await fetchPrior(`${location.origin}/`, priorStem(task.id, size));
  if (!found) throw new Error(`No shipped ${task.id} prior of size ${JSON.stringify(model)}: run \`${PRETRAIN_HINT[task.id] ?? 'npm run pretrain'}\``);
  expect(found.manifest.vocab).toEqual(task.tokenizer.vocab);
  return found;
}

/** A trainer whose policy and frozen prior both start from `prior`, with `config` over `defaults`. */
export function trainerFromPrior(task: SequenceTask, prior: Prior, defaults: object, config: object): SequenceTrainer {
  const parsed = parseConfig({ ...defaults, ...config });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const size = { vocab: task.tokenizer.vocab.length, ...parsed.config.model };
  return new SequenceTrainer(parsed.config, task, CharGru.fromValues(size, prior.values, true, 'policy'), CharGru.fromValues(size, prior.values, false, 'prior'));
}
