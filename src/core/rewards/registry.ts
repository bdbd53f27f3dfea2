// Every reward term the app knows, looked up by id. Tasks add their terms here.
import type { RewardTerm, TaskId } from './types';
import { TEXT_TERMS } from './text';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRewardTerm = RewardTerm<any>;

const ALL_TERMS: readonly AnyRewardTerm[] = [...TEXT_TERMS];

const BY_ID = new Map<string, AnyRewardTerm>(ALL_TERMS.map((t) => [t.id, t]));

export function rewardTerm(id: string): AnyRewardTerm | undefined {
  return BY_ID.get(id);
}

export function termsForTask(task: TaskId): AnyRewardTerm[] {
  return ALL_TERMS.filter((t) => t.task === task);
}
