// The own-data section in the export file. The prior's tensors travel with the others (group "own"); the corpus's
// small fields go in the header, and its string lists as UTF-8 lines after all tensors, one block per list, so the
// JSON header stays small and a 5 MB text costs about 5 MB.
//
// Reading never refuses the file over this section: a malformed one is dropped with a reason (the run still imports).
import * as v from 'valibot';
import type { ExperimentConfig } from '../config';
import { corpusFromParts, corpusParts, linesBytes } from './ownDataLines';
import { droppedOwnData, MAX_OWN_CANONICAL_CHARS, ownDataProblem, type OwnDataResult } from './ownDataSection';
import type { OwnDataSection, SerializedTensor } from './types';

const OwnDataHeaderSchema = v.object({
  checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  /** The corpus without its lists (kind, mode, dropped counts); checked with the lists, by OwnCorpusSchema. */
  fields: v.record(v.string(), v.unknown()),
  /** Each list's length and its block's size in bytes, in the order the blocks follow the tensors. */
  lists: v.pipe(
    v.array(v.object({ count: v.pipe(v.number(), v.integer(), v.minValue(0)), byteLength: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(4 * MAX_OWN_CANONICAL_CHARS)) })),
    v.maxLength(2),
  ),
});
export type OwnDataHeader = v.InferOutput<typeof OwnDataHeaderSchema>;

/** The header entry and the blocks to write after the tensors. */
export function ownDataFileParts(section: OwnDataSection, checksum: string): { header: OwnDataHeader; blocks: Uint8Array<ArrayBuffer>[] } {
  const { fields, lists } = corpusParts(section.corpus);
  const blocks = lists.map(linesBytes);
  return { header: { checksum, fields, lists: lists.map((l, i) => ({ count: l.length, byteLength: blocks[i].byteLength })) }, blocks };
}

/**
 * Reads the section from its header entry, the prior's tensors and the blocks at `offset`. `end` is where the blocks
 * stop, or null when the entry is unreadable (then the rest of the file is taken to be its blocks).
 */
export function readOwnDataFromFile(
  entry: unknown,
  prior: SerializedTensor[],
  bytes: Uint8Array,
  offset: number,
  config: ExperimentConfig,
  shapes?: Readonly<Record<string, readonly number[]>>,
): OwnDataResult & { end: number | null } {
  if (entry === undefined) return { ...(prior.length ? droppedOwnData('it holds a prior without its data') : {}), end: offset };
  const parsed = v.safeParse(OwnDataHeaderSchema, entry);
  if (!parsed.success) return { ...droppedOwnData(`its header is invalid (${parsed.issues[0].message})`), end: null };
  const { checksum, fields, lists } = parsed.output;
  const end = lists.reduce((at, l) => at + l.byteLength, offset);
  if (end > bytes.byteLength) return { ...droppedOwnData('the file is cut short'), end: null };
  const read: string[][] = [];
  let at = offset;
  for (const { count, byteLength } of lists) {
    let list: string[];
    try {
      list = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at, at + byteLength)).split('\n');
    } catch {
      return { ...droppedOwnData('its text is not valid UTF-8'), end };
    }
    if (list.length !== count) return { ...droppedOwnData(`a list holds ${list.length} lines where its header says ${count}`), end };
    read.push(list);
    at += byteLength;
  }
  const section = { corpus: corpusFromParts({ fields, lists: read }), ...(prior.length ? { prior } : {}) };
  const problem = ownDataProblem(section, config, shapes);
  return problem ? { ...droppedOwnData(problem), end } : { ownData: section as OwnDataSection, ownDataChecksum: checksum, end };
}
