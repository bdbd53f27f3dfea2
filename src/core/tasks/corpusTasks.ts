// The Words and Free text tasks: char GRUs over a corpus that is loaded on demand (the built-in Moby-Dick, fetched only
// when the task is chosen) or given by the user (Free text: pasted or uploaded text, in this tab only).
import { buildReference, type TextReference } from '../rewards/textReference';
import { MOBY_DICK_SOURCE, mobyDickChunks, mobyDickWords } from './mobyDick';
import type { SequenceTask } from './sequenceTasks';
import { previewOf, TEXT_ALPHABET, TEXT_CHUNK_CHARS, WORD_ALPHABET, WORD_MAX_LETTERS, type CorpusPreview } from './textData';
import { CharTokenizer } from './tokenizer';

export const wordsTokenizer = new CharTokenizer(WORD_ALPHABET);
export const textTokenizer = new CharTokenizer(TEXT_ALPHABET);

/** A task whose examples come from a corpus that must be loaded first (`load()`), and whose rewards can read it. */
export interface CorpusTask extends SequenceTask {
  load(): Promise<void>;
  preview(): CorpusPreview;
}

function corpusTask(base: Omit<SequenceTask, 'corpus' | 'rewardBatch'>, source: string, read: () => Promise<string[]>, given?: string[]): CorpusTask {
  let examples: string[] | null = given ?? null;
  let loading: Promise<void> | null = null;
  let reference: TextReference | null = null;
  const corpus = () => {
    if (!examples) throw new Error(`The ${base.label} corpus is not loaded yet`);
    return examples;
  };
  return {
    ...base,
    corpus,
    load: () => (loading ??= read().then((e) => void (examples = e))),
    preview: () => previewOf(source, corpus()),
    // The n-gram tables are built the first time a reward term reads them, then kept.
    rewardBatch: (texts) => ({ texts, reference: () => (reference ??= buildReference(corpus())) }),
  };
}

export const WORDS_TASK: CorpusTask = corpusTask(
  {
    id: 'words',
    label: 'Words',
    tokenizer: wordsTokenizer,
    pretrain: { steps: 1200, batchSize: 128, learningRate: 5e-3, maxLength: WORD_MAX_LETTERS + 2 },
  },
  `${MOBY_DICK_SOURCE}: distinct words of 2–14 letters`,
  mobyDickWords,
);

export const TEXT_TASK: CorpusTask = corpusTask(
  {
    id: 'text',
    label: 'Free text',
    tokenizer: textTokenizer,
    pretrain: { steps: 800, batchSize: 64, learningRate: 5e-3, maxLength: TEXT_CHUNK_CHARS + 1, lengthBuckets: true },
  },
  `${MOBY_DICK_SOURCE}: sentences and clauses of up to ${TEXT_CHUNK_CHARS} characters`,
  mobyDickChunks,
);

/** The Free text task on the user's own examples (already normalised and cut), with their preview. */
export function ownTextTask(examples: string[], preview: CorpusPreview): CorpusTask {
  const task = corpusTask({ ...TEXT_TASK }, preview.source, async () => examples, examples);
  return { ...task, ownData: true, preview: () => preview };
}
