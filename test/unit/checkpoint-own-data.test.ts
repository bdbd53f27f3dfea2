// The own-data section of a checkpoint (the prior trained on the user's text or molecules, and that corpus) in the
// export file: it round-trips exactly, its own checksum catches damage without touching the run's, and the schema
// refuses oversized or malformed sections (dropped with a note, never the whole file).
import { describe, expect, it } from 'vitest';
import { ownDataChecksum, checkpointChecksum } from '../../src/core/checkpoints/checksum';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../src/core/checkpoints/fileFormat';
import { MAX_OWN_TEXT_CHARS, ownDataProblem, verifiedOwnDataSection } from '../../src/core/checkpoints/ownDataSection';
import type { Checkpoint, OwnDataSection, SerializedTensor } from '../../src/core/checkpoints/types';
import { parseConfig, type ExperimentConfig } from '../../src/core/config';
import { expectedWeightShapes } from '../../src/core/runCheckpoints';
import type { OwnMolecules, OwnText } from '../../src/core/tasks/ownCorpus';

function config(input: object): ExperimentConfig {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}
const TEXT_CONFIG = config({ task: 'text', text: { source: 'own' }, model: { embedding: 4, hidden: 8 } });
const MOLECULES_CONFIG = config({ task: 'molecules', model: { embedding: 4, hidden: 8 } });

/** Tensors of the config's GRU shapes with values that depend on the seed. */
function tensors(cfg: ExperimentConfig, seed: number): SerializedTensor[] {
  return Object.entries(expectedWeightShapes(cfg)).map(([name, shape], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { name, shape, dtype: 'float32', data: Float32Array.from({ length: n }, (_, i) => Math.sin(seed + k * 100 + i)) };
  });
}

const TEXT: OwnText = {
  kind: 'text',
  examples: ['the keeper climbed the stairs at dusk.', "he lit the lamp; it's late.", 'gulls wheeled above the rocks.'],
  dropped: { outsideAlphabet: 3, junk: 1 },
};
const MOLECULES: OwnMolecules = { kind: 'molecules', examples: ['OCC', 'c1ccccc1', 'C/C=C\\C'], canonical: ['CCO', '', ''], mode: 'finetune' };

async function checkpoint(cfg: ExperimentConfig, ownData?: OwnDataSection): Promise<Checkpoint> {
  const fields = { createdAt: 1_700_000_000_000, config: cfg, update: 4, weights: tensors(cfg, 1), optimizer: [], rng: [1, 2], metrics: [{ update: 4 }], meanReward: 0.5 };
  return {
    id: 'x',
    name: 'own run',
    ...fields,
    ...(ownData ? { ownData, ownDataChecksum: await ownDataChecksum(ownData) } : {}),
    checksum: await checkpointChecksum(fields),
  };
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('the own-data section in the export file', () => {
  it.each([
    ['text', TEXT_CONFIG, TEXT],
    ['molecules', MOLECULES_CONFIG, MOLECULES],
  ] as const)('round-trips a %s section exactly, prior and corpus, and its checksum verifies', async (_kind, cfg, corpus) => {
    const section: OwnDataSection = { corpus, prior: tensors(cfg, 7) };
    const cp = await checkpoint(cfg, section);
    const decoded = await decodeCheckpointFile(encodeCheckpointFile(cp), expectedWeightShapes);
    expect(decoded.ownData).toEqual(section);
    expect(decoded.ownDataProblem).toBeUndefined();
    expect(await checkpointChecksum(decoded)).toBe(cp.checksum);
    expect(await verifiedOwnDataSection(decoded.ownData, decoded.ownDataChecksum, decoded.config)).toEqual({ ownData: section, ownDataChecksum: cp.ownDataChecksum });
  });

  it('stores the corpus as lines after the tensors, not in the JSON header', async () => {
    const long = Array.from({ length: 2000 }, (_, i) => `line number ${i} of a long own text.`);
    const headerLength = async (cp: Checkpoint) => new DataView((await bytesOf(encodeCheckpointFile(cp))).buffer).getUint32(12, true);
    const withText = await checkpoint(TEXT_CONFIG, { corpus: { ...TEXT, examples: long } });
    // The section adds a few hundred bytes of header for 70 kB of text; the file grows by the text's bytes, no more.
    expect((await headerLength(withText)) - (await headerLength(await checkpoint(TEXT_CONFIG)))).toBeLessThan(400);
    const file = encodeCheckpointFile(withText);
    const withoutText = encodeCheckpointFile(await checkpoint(TEXT_CONFIG));
    expect(file.size - withoutText.size).toBeLessThan(new TextEncoder().encode(long.join('\n')).byteLength + 400);
  });

  it('a damaged corpus fails only the section checksum: the run verifies, the section is dropped with a note', async () => {
    const cp = await checkpoint(TEXT_CONFIG, { corpus: TEXT, prior: tensors(TEXT_CONFIG, 7) });
    const bytes = await bytesOf(encodeCheckpointFile(cp));
    // The corpus is the file's last block: change one letter of the last example ("rocks" → "rocke").
    bytes[bytes.length - 3] = 'e'.charCodeAt(0);
    const decoded = await decodeCheckpointFile(new Blob([bytes]), expectedWeightShapes);
    expect(await checkpointChecksum(decoded)).toBe(cp.checksum);
    const verified = await verifiedOwnDataSection(decoded.ownData, decoded.ownDataChecksum, decoded.config);
    expect(verified.ownData).toBeUndefined();
    expect(verified.ownDataProblem).toBe('the copy of your data this checkpoint carries is damaged (its checksum does not match)');
    expect(decoded.weights).toEqual(cp.weights);
  });

  it('a damaged prior tensor fails the section checksum too', async () => {
    const section = { corpus: MOLECULES, prior: tensors(MOLECULES_CONFIG, 7) };
    const checksum = await ownDataChecksum(section);
    const damaged = { ...section, prior: section.prior.map((t, i) => (i === 0 ? { ...t, data: t.data.map((x, j) => (j === 0 ? x + 1 : x)) } : t)) };
    expect((await verifiedOwnDataSection(damaged, checksum, MOLECULES_CONFIG)).ownDataProblem).toMatch(/checksum does not match/);
    expect((await verifiedOwnDataSection(section, undefined, MOLECULES_CONFIG)).ownDataProblem).toMatch(/checksum is missing/);
  });

  it('a malformed section header is dropped with a note; the rest of the file still imports', async () => {
    const cp = await checkpoint(TEXT_CONFIG, { corpus: TEXT, prior: tensors(TEXT_CONFIG, 7) });
    const bytes = await bytesOf(encodeCheckpointFile(cp));
    const view = new DataView(bytes.buffer);
    const headerLength = view.getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
    header.ownData.lists[0].count = 'three';
    const newHeader = new TextEncoder().encode(JSON.stringify(header));
    const preamble = bytes.slice(0, 16);
    new DataView(preamble.buffer).setUint32(12, newHeader.byteLength, true);
    const decoded = await decodeCheckpointFile(new Blob([preamble, newHeader, bytes.subarray(16 + headerLength)]), expectedWeightShapes);
    expect(decoded.ownData).toBeUndefined();
    expect(decoded.ownDataProblem).toMatch(/^the copy of your data this checkpoint carries is damaged \(its header is invalid/);
    expect(decoded.weights).toEqual(cp.weights);
    expect(await checkpointChecksum(decoded)).toBe(cp.checksum);
  });

  it('a prior that does not fit the model size is dropped from the file with a note, the run is not', async () => {
    const small = config({ task: 'text', text: { source: 'own' }, model: { embedding: 4, hidden: 12 } });
    const cp = await checkpoint(TEXT_CONFIG, { corpus: TEXT, prior: tensors(small, 7) });
    const decoded = await decodeCheckpointFile(encodeCheckpointFile(cp), expectedWeightShapes);
    expect(decoded.ownData).toBeUndefined();
    expect(decoded.ownDataProblem).toMatch(/its prior does not fit the run's model size \(weight "inputKernel" has shape \[4, 36\], but its settings need \[4, 24\]\)/);
  });

  it('an older file (no section) decodes without one and without a note', async () => {
    const decoded = await decodeCheckpointFile(encodeCheckpointFile(await checkpoint(TEXT_CONFIG)), expectedWeightShapes);
    expect(decoded.ownData).toBeUndefined();
    expect(decoded.ownDataProblem).toBeUndefined();
  });
});

describe('the own-data schema', () => {
  const shapes = expectedWeightShapes(TEXT_CONFIG);
  const text = (examples: string[]) => ({ corpus: { ...TEXT, examples } });

  it('accepts a well-formed section and a section without a prior', () => {
    expect(ownDataProblem({ corpus: TEXT, prior: tensors(TEXT_CONFIG, 1) }, TEXT_CONFIG, shapes)).toBeNull();
    expect(ownDataProblem({ corpus: MOLECULES }, MOLECULES_CONFIG)).toBeNull();
  });

  it('refuses oversized corpora: too long an example, too many characters in all', () => {
    expect(ownDataProblem(text(['x'.repeat(64)]), TEXT_CONFIG)).toMatch(/corpus is invalid at examples .*too long/);
    const chunk = 'y'.repeat(63);
    const tooMuch = Array.from({ length: Math.ceil(MAX_OWN_TEXT_CHARS / 63) + 1 }, () => chunk);
    expect(ownDataProblem(text(tooMuch), TEXT_CONFIG)).toMatch(/the text examples hold more than 10,485,760 characters/);
  });

  it('refuses malformed corpora with the path of the problem', () => {
    expect(ownDataProblem(text([]), TEXT_CONFIG)).toMatch(/examples .*the text examples list is empty/);
    expect(ownDataProblem(text(['two\nlines']), TEXT_CONFIG)).toMatch(/line break/);
    expect(ownDataProblem(text([42 as unknown as string]), TEXT_CONFIG)).toMatch(/corpus is invalid at examples\.0/);
    expect(ownDataProblem({ corpus: { ...TEXT, dropped: { outsideAlphabet: -1, junk: 0 } } }, TEXT_CONFIG)).toMatch(/dropped\.outsideAlphabet/);
    expect(ownDataProblem({ corpus: { ...MOLECULES, canonical: ['CCO'] } }, MOLECULES_CONFIG)).toMatch(/not one canonical form per molecule/);
    expect(ownDataProblem({ corpus: { ...MOLECULES, mode: 'guess' } }, MOLECULES_CONFIG)).toMatch(/corpus is invalid at mode/);
    expect(ownDataProblem({ corpus: { kind: 'paintings', examples: ['a'] } }, TEXT_CONFIG)).toMatch(/corpus is invalid at kind/);
    expect(ownDataProblem(null, TEXT_CONFIG)).toMatch(/not a section/);
  });

  it('refuses a corpus the run does not use, and a prior of the wrong shapes or dtype', () => {
    expect(ownDataProblem({ corpus: TEXT }, MOLECULES_CONFIG)).toMatch(/holds text, which the run's molecules task does not use/);
    expect(ownDataProblem({ corpus: TEXT }, config({ task: 'text' }))).toMatch(/holds text/);
    expect(ownDataProblem({ corpus: MOLECULES }, TEXT_CONFIG)).toMatch(/holds molecules/);
    const prior = tensors(TEXT_CONFIG, 1);
    expect(ownDataProblem({ corpus: TEXT, prior: prior.slice(1) }, TEXT_CONFIG, shapes)).toMatch(/lack "embedding"/);
    const ints = prior.map((t, i) => (i === 0 ? { ...t, dtype: 'int32' as const, data: Int32Array.from(t.data) } : t));
    expect(ownDataProblem({ corpus: TEXT, prior: ints }, TEXT_CONFIG, shapes)).toMatch(/not float32/);
    const short = prior.map((t, i) => (i === 0 ? { ...t, data: t.data.subarray(1) } : t));
    expect(ownDataProblem({ corpus: TEXT, prior: short }, TEXT_CONFIG, shapes)).toMatch(/holds \d+ values but its shape/);
  });
});
