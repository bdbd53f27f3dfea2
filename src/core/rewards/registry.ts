// Every reward term the app knows, looked up by id. Tasks add their terms here.
// The page imports this file for the reward panel: the molecule terms bring only their small descriptions and scoring
// code along, never RDKit itself, which src/core/chem/rdkit.ts imports dynamically the first time a molecule is scored.
import { MOLECULE_TERMS, type MoleculeRewardTerm } from './molecules';
import type { ParamValues, RewardTerm, TaskId } from './types';
import { TEXT_TERMS } from './text';
import { CORPUS_TEXT_TERMS } from './corpusText';
import { PAINT_TERMS } from './paint';
import { LEARNED_TERMS } from './learned';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRewardTerm = RewardTerm<any>;

const ALL_TERMS: readonly AnyRewardTerm[] = [...TEXT_TERMS, ...CORPUS_TEXT_TERMS, ...LEARNED_TERMS, ...MOLECULE_TERMS, ...PAINT_TERMS];

const BY_ID = new Map<string, AnyRewardTerm>(ALL_TERMS.map((t) => [t.id, t]));

export function rewardTerm(id: string): AnyRewardTerm | undefined {
  return BY_ID.get(id);
}

/** Whether a term scores the samples of a task (its own task, or one it is also for). */
export function servesTask(term: Pick<AnyRewardTerm, 'task' | 'alsoFor'>, task: TaskId): boolean {
  return term.task === task || (term.alsoFor?.includes(task) ?? false);
}

export function termsForTask(task: TaskId): AnyRewardTerm[] {
  return ALL_TERMS.filter((t) => servesTask(t, task));
}

/**
 * Problems with reward parameters that need more than the schema to check (a query SMILES or a SMARTS, read by RDKit),
 * each with its config path, e.g. { path: "rewards.1.params.smarts", message }. Empty when every term can score.
 * Async: it loads RDKit when such a term is present, so call it in the Worker.
 */
export async function rewardProblems(config: { rewards: readonly { id: string; params: ParamValues }[] }): Promise<{ path: string; message: string }[]> {
  const out: { path: string; message: string }[] = [];
  for (const [i, r] of config.rewards.entries()) {
    const term = rewardTerm(r.id) as MoleculeRewardTerm | undefined;
    if (!term?.validate) continue;
    for (const p of await term.validate(r.params)) out.push({ path: `rewards.${i}.params.${p.key}`, message: p.message });
  }
  return out;
}
