// Training a prior in the Worker on an uploaded molecule file: junk lines are counted and skipped, too small a file or
// the wrong task is refused with a message, and the trained prior fits the uploaded molecules better than before.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/core/backend';
import { CharGru } from '../../src/core/models/charGru';
import { evaluateNll } from '../../src/core/pretrain';
import { MOLECULES_TASK, NAMES_TASK } from '../../src/core/tasks/sequenceTasks';
import { MIN_MOLECULES_FOR_NEW, trainPriorOnUpload, uploadSteps, type UploadHost } from '../../src/core/tasks/uploadedPrior';

const SIZE = { vocab: MOLECULES_TASK.tokenizer.vocab.length, embedding: 8, hidden: 24 };
const MOLECULES = [
  'CCO', 'c1ccccc1', 'CC(=O)O', 'CCN(CC)CC', 'c1ccccc1O', 'CC(C)O', 'CCOC(=O)C', 'c1ccncc1', 'C1CCCCC1', 'CC(=O)Nc1ccc(O)cc1',
  'OC(=O)c1ccccc1', 'CCCCCC', 'c1ccc2ccccc2c1', 'NCCc1ccc(O)c(O)c1', 'CC(=O)Oc1ccccc1C(=O)O', 'c1ccsc1', 'C1CCOC1',
];
let initial: Record<string, Float32Array>;

beforeAll(async () => {
  await chooseBackend('wasm');
  const m = CharGru.init(SIZE, 3, false, 'init');
  initial = await m.readValues();
  m.dispose();
});

function host(task = MOLECULES_TASK): UploadHost & { reports: [string, number][] } {
  const reports: [string, number][] = [];
  return { task, size: SIZE, seed: 3, currentPrior: async () => initial, report: (m, p) => reports.push([m, p]), reports };
}

async function nll(values: Record<string, Float32Array>, texts: string[]) {
  const m = CharGru.fromValues(SIZE, values, false, 'nll');
  try {
    return await evaluateNll(m, texts, MOLECULES_TASK.tokenizer, MOLECULES_TASK.pretrain.maxLength);
  } finally {
    m.dispose();
  }
}

describe('a prior trained on an uploaded file (WASM)', () => {
  it('pretrains a new prior on the valid lines, counts the junk, reports progress, and fits the molecules', async () => {
    const repeats = Math.ceil(MIN_MOLECULES_FOR_NEW / MOLECULES.length);
    const lines = ['smiles'];
    for (let r = 0; r < repeats; r++) lines.push(...MOLECULES.map((s) => `${s} mol${r}`));
    lines.push('C1CC(', 'hello world', 'CC[Xe]', 'C1CC');
    const file = new Blob([lines.join('\n')], { type: 'text/plain' });
    const h = host();
    const { outcome, values } = await trainPriorOnUpload(file, 'mine.smi', 'new', h);
    if (!outcome.ok) throw new Error(outcome.message);
    const n = repeats * MOLECULES.length;
    expect(outcome.molecules).toBe(n);
    expect(outcome.junkLines).toBe(4);
    expect(outcome.summary).toContain(`${n.toLocaleString('en-US')} molecules read; 4 invalid lines skipped`);
    expect(outcome.steps).toBe(uploadSteps('new', n, MOLECULES_TASK.pretrain.batchSize));
    expect(h.reports.at(-1)![1]).toBe(1);
    expect(h.reports.some(([m]) => /step \d+\/\d+, loss/.test(m))).toBe(true);
    expect(await nll(values!, MOLECULES)).toBeLessThan((await nll(initial, MOLECULES)) - 0.1);
  }, 120_000);

  it('refuses too few molecules, the wrong task and a file over the cap, with messages and no weights', async () => {
    const few = await trainPriorOnUpload(new Blob(['CCO\nxx yy\n']), 'few.smi', 'finetune', host());
    expect(few.values).toBeUndefined();
    expect(few.outcome.ok).toBe(false);
    if (!few.outcome.ok) expect(few.outcome.message).toMatch(/1 molecules read; 1 invalid line skipped.*at least 10 valid molecules/);

    const wrongTask = await trainPriorOnUpload(new Blob(['CCO\n']), 'a.smi', 'finetune', host(NAMES_TASK));
    expect(wrongTask.outcome.ok || wrongTask.outcome.message).toMatch(/Molecules task/);

    const big = { size: 21 * 1024 * 1024, text: async () => { throw new Error('must not be read'); } } as unknown as Blob;
    const tooBig = await trainPriorOnUpload(big, 'big.smi', 'new', host());
    expect(tooBig.outcome.ok || tooBig.outcome.message).toMatch(/over the 20\.0 MB limit/);
  }, 60_000);
});
