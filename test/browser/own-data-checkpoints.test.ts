// A run on the user's own data survives a reload: its checkpoint carries the prior trained on the upload and the corpus,
// and a fresh session (as after a reload, or after importing the exported file) resumes on them: the KL reference is the
// uploaded prior, not the shipped one, and BLEU (Free text) or novelty and MLE mixing (Molecules) use the user's data.
// A damaged copy resumes on the shipped prior and built-in data, with a note that says so. On WASM, for speed.
import { createStore, get, keys, set, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { TASK_DEFAULTS } from '../../src/core/config';
import { openCheckpointStorage, QUOTA_MESSAGE, type CheckpointStorage, type OwnDataSection } from '../../src/core/checkpoints';
import { canonicalSmiles } from '../../src/core/chem/index';
import type { Membership } from '../../src/core/chem/metrics';
import { fetchPrior, priorStem } from '../../src/core/priors';
import type { StorageResult, WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';
import type { SequenceTrainer } from '../../src/core/trainer';

const OWN_TEXT = Array.from({ length: 12 }, (_, i) => `The keeper lit lamp number ${i} and watched the ships go by.`).join(' ');
// Unusual molecules (not in the shipped training set); the first is not written in RDKit's canonical form.
const OWN_MOLECULES = ['C(CCCCCCCCBr)(O)CCCCCCCCI', 'ICCCCCCCCCCCCCCCBr', 'BrCCCCCCCCCCCCCCCCCBr', 'ICCCCCCCCCCCCCCCCCCI', 'CCCCCCCCCCCCCCCCCCCCBr', 'ClCCCCCCCCCCCCCCCCCCCCCl', 'ICCCCCCCCCCCCCCCCCCCCCCI', 'FCCCCCCCCCCCCCCCCCCCCCCCF', 'BrCCCCCCCCCCCCCCCCCCCCCCCI', 'NCCCCCCCCCCCCCCCCCCCCCCCCBr'];
const TEXT_CONFIG = { task: 'text', seed: 5, batchSize: 8, text: { source: 'own' }, rewards: [{ id: 'bleu', weight: 1 }] };
const MOLECULES_CONFIG = { task: 'molecules', seed: 5, batchSize: 8, maxLength: 40 };

let counter = 0;
function freshStorage(options: { quotaAt?: () => boolean } = {}): { store: UseStore; storage: CheckpointStorage } {
  const store = createStore(`rewardlab-own-data-${Date.now()}-${counter++}`, 'checkpoints');
  const beforeStep = () => {
    if (options.quotaAt?.()) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  return { store, storage: openCheckpointStorage({ store, beforeStep }) };
}

async function openSession(storage: CheckpointStorage) {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession(() => storage);
  await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' });
  const lastStatus = async () => {
    await new Promise((resolve) => setTimeout(resolve, 250)); // events reach the listener every 100 ms
    return events.flatMap((e) => (e.type === 'status' ? [e.message] : [])).at(-1) ?? '';
  };
  return { session, events, lastStatus, trainer: () => session.currentTrainer as SequenceTrainer };
}

/** The value of a storage command's result; a failure fails the test with its message. */
function value<T>(result: StorageResult<T>): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** A new session on this storage (as after a reload), resumed from checkpoint `id`. */
async function resumedSession(storage: CheckpointStorage, id: string) {
  const opened = await openSession(storage);
  value(await opened.session.resumeCheckpoint(id));
  return opened;
}

/** The run's KL reference, as plain arrays keyed by weight name. */
const priorOf = async (trainer: SequenceTrainer) => trainer.prior.readValues();
const same = (a: Record<string, Float32Array>, b: Record<string, Float32Array>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, x]) => b[k] && x.length === b[k].length && x.every((v, i) => Object.is(v, b[k][i])));
/** The trainer's novelty reference: private, read here to check it is the upload's. */
const noveltyOf = (trainer: SequenceTrainer) => (trainer as unknown as { noveltySet: Membership | null | undefined }).noveltySet;

async function shippedPrior(task: 'text' | 'molecules', model: { embedding: number; hidden: number }) {
  const prior = await fetchPrior(`${location.origin}/`, priorStem(task, model));
  if (!prior) throw new Error(`no shipped ${task} prior`);
  return prior.values;
}

/** Rewrites the only stored copy of the user's data (the way a disk error or a meddling extension might). */
async function tamper(store: UseStore, change: (own: OwnDataSection) => void) {
  const ownKeys = (await keys(store)).filter((k) => String(k).startsWith('own:'));
  expect(ownKeys).toHaveLength(1);
  const own = (await get(ownKeys[0], store)) as OwnDataSection;
  change(own);
  await set(ownKeys[0], own, store);
}

describe('a run on your own text, resumed in a fresh session', () => {
  it('resumes on the uploaded prior and your text (saved, and imported from the exported file); a damaged copy resumes on the shipped prior with a note', async () => {
    let quota = false;
    const { store, storage } = freshStorage({ quotaAt: () => quota });
    const first = await openSession(storage);
    expect((await first.session.configure(TEXT_CONFIG)).ok).toBe(true);
    const outcome = await first.session.trainPriorOnUpload(new Blob([OWN_TEXT]), 'keeper.txt', 'finetune');
    if (!outcome.ok) throw new Error(outcome.message);
    const uploaded = await priorOf(first.trainer());
    const preview = await first.session.corpusPreview();
    const examples = first.trainer().task.corpus();
    expect(preview).toMatchObject({ source: 'your text', examples: 12 });
    await first.session.step(1);

    // A full disk is reported as for any checkpoint.
    quota = true;
    const full = await first.session.saveCheckpoint('own text run');
    expect(full).toEqual({ ok: false, kind: 'quota', message: QUOTA_MESSAGE });
    quota = false;
    const saved = value(await first.session.saveCheckpoint('own text run'));
    const exported = value(await first.session.exportCheckpoint(saved.id));
    first.session.dispose();

    const model = { embedding: 32, hidden: 128 };
    const shipped = await shippedPrior('text', model);
    expect(same(uploaded, shipped)).toBe(false);

    // As after a reload: a new session on the same storage.
    const second = await resumedSession(storage, saved.id);
    expect(same(await priorOf(second.trainer()), uploaded)).toBe(true);
    expect(await second.session.corpusPreview()).toEqual(preview);
    expect(second.trainer().task.corpus()).toEqual(examples); // the BLEU reference is built from it
    expect(await second.lastStatus()).toBe('Resumed "own text run" at update 1');
    // It trains on, and its own autosaves carry the text again.
    await second.session.step(1);
    const again = value(await second.session.saveCheckpoint('own text run, later'));
    expect((await storage.loadCheckpoint(again.id)).ownData?.corpus.examples).toEqual(examples);
    second.session.dispose();

    // In another browser profile: the exported file, imported.
    const other = freshStorage();
    const third = await openSession(other.storage);
    const imported = value(await third.session.importCheckpoint(exported)); // checks the prior's shapes against the model
    value(await third.session.resumeCheckpoint(imported.id));
    expect(same(await priorOf(third.trainer()), uploaded)).toBe(true);
    expect(await third.session.corpusPreview()).toEqual(preview);
    third.session.dispose();

    // An exported file whose text was altered imports without it; the note is kept for the resume.
    const bytes = new Uint8Array(await exported.arrayBuffer());
    bytes[bytes.length - 1] ^= 0x01; // the text is the file's last block: its last example's full stop becomes "/"
    const altered = freshStorage();
    const alteredMeta = await altered.storage.importCheckpoint(new Blob([bytes]));
    const alteredCp = await altered.storage.loadCheckpoint(alteredMeta.id);
    expect(alteredCp.ownData).toBeUndefined();
    expect(alteredCp.ownDataProblem).toBe('the copy of your data this checkpoint carries is damaged (its checksum does not match)');
    const fromAltered = await resumedSession(altered.storage, alteredMeta.id);
    expect(same(await priorOf(fromAltered.trainer()), shipped)).toBe(true);
    expect(await fromAltered.lastStatus()).toMatch(/Note: this run was trained on your own text, but the copy of your data this checkpoint carries is damaged \(its checksum does not match\)/);
    fromAltered.session.dispose();

    // A damaged copy: the run still resumes, on the shipped prior and Moby-Dick, and the status line says why.
    await storage.deleteCheckpoint(again.id);
    await tamper(store, (own) => void (own.corpus.examples[0] = 'the keeper slept all day.'));
    const fourth = await resumedSession(storage, saved.id);
    expect(fourth.trainer().updates).toBe(1);
    expect(same(await priorOf(fourth.trainer()), shipped)).toBe(true);
    expect((await fourth.session.corpusPreview())!.source).toMatch(/Moby-Dick/);
    expect(await fourth.lastStatus()).toBe(
      'Resumed "own text run" at update 1. Note: this run was trained on your own text, but the copy of your data this checkpoint carries is damaged (its checksum does not match), so the run uses the shipped prior and measures BLEU against Moby-Dick; paste or upload your text again (that starts a new run) to train on it and measure BLEU against it.',
    );
    expect(fourth.events.filter((e) => e.type === 'error')).toEqual([]);
    fourth.session.dispose();
  }, 600_000);
});

describe('a run on your own molecules, resumed in a fresh session', () => {
  it('resumes on the uploaded prior, with your molecules as the MLE corpus and the novelty reference; a damaged prior resumes on the shipped one', async () => {
    const { store, storage } = freshStorage();
    const first = await openSession(storage);
    expect((await first.session.configure(MOLECULES_CONFIG)).ok).toBe(true);
    const outcome = await first.session.trainPriorOnUpload(new Blob([OWN_MOLECULES.join('\n')]), 'mine.smi', 'finetune');
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.molecules).toBe(OWN_MOLECULES.length);
    const uploaded = await priorOf(first.trainer());
    await first.session.step(1);
    const saved = value(await first.session.saveCheckpoint('own molecules run'));
    const stored = (await storage.loadCheckpoint(saved.id)).ownData!;
    expect(stored.corpus).toMatchObject({ kind: 'molecules', examples: OWN_MOLECULES, mode: 'finetune' });
    // Canonical forms are stored only where they differ from the molecule as read ('' elsewhere).
    if (stored.corpus.kind !== 'molecules') throw new Error('unreachable');
    const canonical = await Promise.all(OWN_MOLECULES.map(async (s) => (await canonicalSmiles(s))!));
    expect(canonical[0]).not.toBe(OWN_MOLECULES[0]);
    expect(stored.corpus.canonical).toEqual(canonical.map((c, i) => (c === OWN_MOLECULES[i] ? '' : c)));
    first.session.dispose();

    const model = TASK_DEFAULTS.molecules.model;
    const shipped = await shippedPrior('molecules', model);
    expect(same(uploaded, shipped)).toBe(false);

    const second = await resumedSession(storage, saved.id);
    expect(same(await priorOf(second.trainer()), uploaded)).toBe(true);
    expect(second.trainer().task.corpus()).toEqual(OWN_MOLECULES); // the MLE corpus
    const novelty = noveltyOf(second.trainer());
    for (const c of canonical) expect(novelty?.has(c)).toBe(true);
    expect(novelty?.has('CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCI')).toBe(false);
    expect(await second.lastStatus()).toBe('Resumed "own molecules run" at update 1');
    second.session.dispose();

    await tamper(store, (own) => void (own.prior![0].data[0] += 1));
    const third = await resumedSession(storage, saved.id);
    expect(same(await priorOf(third.trainer()), shipped)).toBe(true);
    expect(third.trainer().task.corpus()).toEqual([]);
    expect(await third.lastStatus()).toMatch(
      /^Resumed "own molecules run" at update 1\. Note: this run was trained on your own molecules, but the copy of your data this checkpoint carries is damaged \(its checksum does not match\), so the run uses the shipped prior, measures novelty against the shipped training set .*upload your file again/,
    );
    third.session.dispose();
  }, 600_000);
});
