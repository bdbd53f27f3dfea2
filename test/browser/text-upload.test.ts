// Training a Free text prior in the Worker on the user's own text, through the molecule-upload path: the text is
// normalised and cut into examples, what was dropped is counted, too little text or too big a file is refused, and
// a prior trained on it fits the text better than before.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { CharGru } from '../../src/core/models/charGru';
import { evaluateNll } from '../../src/core/pretrain';
import { TEXT_TASK } from '../../src/core/tasks/corpusTasks';
import { MIN_TEXT_FOR_FINETUNE, trainPriorOnUpload, uploadSteps, type UploadHost } from '../../src/core/tasks/uploadedPrior';

const SIZE = { vocab: TEXT_TASK.tokenizer.vocab.length, embedding: 8, hidden: 24 };
const SENTENCES = [
  'the keeper climbed the stairs at dusk.', 'he lit the lamp and watched the ships.', 'gulls wheeled above the rocks.',
  'a whale rose and blew a plume of spray.', 'the keeper wrote it down in his log.', 'night came on and the beam swept round.',
  'at dawn he put out the lamp and slept.', 'the supply boat came with bread and oil.', 'one letter was from his sister.',
  'she asked whether he was lonely there.', 'he wrote back that the sea was company.', 'the wind turned and the rain began.',
];
let initial: Record<string, Float32Array>;

beforeAll(async () => {
  await chooseBackend('wasm');
  const m = CharGru.init(SIZE, 4, false, 'init');
  initial = await m.readValues();
  m.dispose();
});

const host = (): UploadHost => ({ task: TEXT_TASK, size: SIZE, seed: 4, currentPrior: async () => initial, report: () => {} });

async function nll(values: Record<string, Float32Array>, texts: string[]) {
  const m = CharGru.fromValues(SIZE, values, false, 'nll');
  try {
    return await evaluateNll(m, texts, TEXT_TASK.tokenizer, TEXT_TASK.pretrain.maxLength);
  } finally {
    m.dispose();
  }
}

describe('a Free text prior trained on your own text (WASM)', () => {
  it('pretrains a new prior on the normalised examples, reports what was dropped, and fits the text better', async () => {
    // Twelve sentences, 40 times over (a new prior needs 200 examples; it runs 5 passes), typographic and out-of-alphabet characters mixed in.
    const raw = Array.from({ length: 40 }, (_, r) => SENTENCES.map((s) => (r === 0 ? `“${s[0].toUpperCase()}${s.slice(1)}”` : s)).join(' ')).join('\n') + ' #1\u0000';
    const { outcome, values, text } = await trainPriorOnUpload(new Blob([raw]), 'pasted text.txt', 'new', host());
    if (!outcome.ok) throw new Error(outcome.message);
    const n = 40 * SENTENCES.length;
    expect(outcome.examples).toBe(n);
    expect(outcome.summary).toMatch(new RegExp(`^${n} examples \\([\\d,]+ characters\\); dropped 2 characters outside the alphabet and 1 non-printable character$`));
    expect(outcome.steps).toBe(uploadSteps('new', n, TEXT_TASK.pretrain.batchSize));
    expect(text!.examples.slice(0, 3)).toEqual(SENTENCES.slice(0, 3));
    expect(text!.preview).toMatchObject({ source: 'your text', examples: n, dropped: { outsideAlphabet: 2, junk: 1 } });
    expect(await nll(values!, SENTENCES)).toBeLessThan((await nll(initial, SENTENCES)) - 0.1);
  }, 120_000);

  it('refuses too little text and too big a file, with messages and no weights', async () => {
    const few = await trainPriorOnUpload(new Blob(['One sentence here. And another one.']), 'few.txt', 'finetune', host());
    expect(few.values).toBeUndefined();
    expect(few.outcome.ok || few.outcome.message).toMatch(new RegExp(`2 examples .*at least ${MIN_TEXT_FOR_FINETUNE} examples`));
    const big = { size: 6 * 1024 * 1024, text: async () => { throw new Error('must not be read'); } } as unknown as Blob;
    const tooBig = await trainPriorOnUpload(big, 'big.txt', 'new', host());
    expect(tooBig.outcome.ok || tooBig.outcome.message).toMatch(/larger than 5 MB \(6,291,456 bytes\)/);
  }, 60_000);
});
