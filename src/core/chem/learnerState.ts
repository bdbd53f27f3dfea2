// The molecule learner's memory between updates, for checkpoints: REINVENT's replay memory of the best molecules and
// the diversity filter's scaffold buckets. Plain data; validated with a schema when a checkpoint is saved, loaded or
// imported, so a damaged or hand-edited file is refused with a message instead of corrupting a run.
import * as v from 'valibot';
import { DiversityFilter, type DiversityFilterState } from './diversityFilter';
import type { ReplayMemory, ReplayMemoryState } from './replayMemory';

export interface MoleculeLearnerState {
  replay: ReplayMemoryState;
  /** Null when the run has no diversity filter. */
  diversityFilter: DiversityFilterState | null;
}

/** Generous caps: a long run's filter remembers every good SMILES, but a file claiming more than this is refused. */
const MAX_SMILES_LENGTH = 1000;
const MAX_REPLAY_ENTRIES = 10_000;
const MAX_SEEN = 1_000_000;

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const smiles = v.pipe(v.string(), v.maxLength(MAX_SMILES_LENGTH));

export const MoleculeLearnerStateSchema = v.object({
  replay: v.object({
    entries: v.pipe(
      v.array(v.object({ smiles, score: finite, priorLogLik: v.optional(finite), order: count })),
      v.maxLength(MAX_REPLAY_ENTRIES),
    ),
    counter: count,
  }),
  diversityFilter: v.nullable(
    v.object({
      options: v.object({
        bucketSize: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
        minScore: finite,
        penalizeSameSmiles: v.boolean(),
        sameSmilesPenalty: finite,
      }),
      buckets: v.pipe(v.array(v.tuple([v.pipe(v.string(), v.maxLength(MAX_SMILES_LENGTH)), count])), v.maxLength(MAX_SEEN)),
      seen: v.pipe(v.array(smiles), v.maxLength(MAX_SEEN)),
    }),
  ),
});

/** The state, or a sentence saying what is wrong with it (with the path of the first bad field). */
export function checkMoleculeLearnerState(input: unknown): { ok: true; state: MoleculeLearnerState } | { ok: false; message: string } {
  const parsed = v.safeParse(MoleculeLearnerStateSchema, input);
  if (parsed.success) return { ok: true, state: parsed.output as MoleculeLearnerState };
  const issue = parsed.issues[0];
  return { ok: false, message: `the molecule memory is invalid at ${v.getDotPath(issue) ?? 'its top level'}: ${issue.message}` };
}

/** What a checkpoint keeps of the memory; undefined when there is nothing to keep (e.g. another algorithm). */
export function exportMoleculeLearner(replay: ReplayMemory, filter: DiversityFilter | null): MoleculeLearnerState | undefined {
  if (replay.size === 0 && (!filter || filter.scaffoldCount === 0)) return undefined;
  return { replay: replay.toJSON(), diversityFilter: filter ? filter.toJSON() : null };
}

/**
 * Restores the memory into `replay` and returns the filter to use: the saved buckets under the run's current filter
 * options (the config decides whether there is a filter). A checkpoint from before this field existed (undefined)
 * starts with an empty memory, as such runs always did.
 */
export function importMoleculeLearner(state: MoleculeLearnerState | undefined, replay: ReplayMemory, filter: DiversityFilter | null): DiversityFilter | null {
  replay.clear();
  filter?.reset();
  if (!state) return filter;
  replay.load(state.replay);
  if (!filter || !state.diversityFilter) return filter;
  return DiversityFilter.fromJSON({ ...state.diversityFilter, options: filter.options });
}
