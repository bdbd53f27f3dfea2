// The session on the Words and Free text tasks: the corpus is loaded in the Worker and previewed; Free text refuses an
// own text until "Your own text" is the data, then trains on it, rebuilds the run from that prior, previews the own
// text, scores BLEU against it, and a switch back to Moby-Dick uses the shipped prior again.
import { expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';

const OWN = Array.from({ length: 12 }, (_, i) => `The keeper lit lamp number ${i} and watched the ships go by.`).join(' ');

it('previews the corpus, trains on an own text only when it is the data, and goes back to the book', async () => {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession();
  await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' });
  // Events reach the listener in batches every 100 ms: wait one out before reading the latest status.
  const lastStatus = async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    return events.flatMap((e) => (e.type === 'status' ? [e.message] : [])).at(-1);
  };

  expect((await session.configure({ task: 'words', batchSize: 8 })).ok).toBe(true);
  const words = await session.corpusPreview();
  expect(words).toMatchObject({ examples: 16_593 });
  expect(words!.source).toMatch(/Moby-Dick/);

  const text = { task: 'text', batchSize: 8, rewards: [{ id: 'bleu', weight: 1 }] };
  expect((await session.configure(text)).ok).toBe(true);
  expect((await session.corpusPreview())!.source).toMatch(/Moby-Dick/);
  const refused = await session.trainPriorOnUpload(new Blob([OWN]), 'keeper.txt', 'finetune');
  expect(refused.ok || refused.message).toMatch(/Choose "Your own text"/);

  expect((await session.configure({ ...text, text: { source: 'own' } })).ok).toBe(true);
  expect(await lastStatus()).toMatch(/no text of your own yet.*uses Moby-Dick/);
  const outcome = await session.trainPriorOnUpload(new Blob([OWN]), 'keeper.txt', 'finetune');
  if (!outcome.ok) throw new Error(outcome.message);
  expect(outcome.examples).toBe(12);
  expect(await lastStatus()).toMatch(/Free text prior loaded \(text-e32-h128\+own\)/);
  const own = await session.corpusPreview();
  expect(own).toMatchObject({ source: 'your text', examples: 12, dropped: { outsideAlphabet: 14, junk: 0 } });

  await session.step(1);
  const samples = events.flatMap((e) => (e.type === 'samples' ? e.samples : []));
  expect(samples.length).toBe(8);
  for (const s of samples) expect(Number.isFinite(s.reward)).toBe(true);

  expect((await session.configure(text)).ok).toBe(true);
  expect(await lastStatus()).toMatch(/Free text prior loaded \(text-e32-h128\)$/);
  expect((await session.corpusPreview())!.source).toMatch(/Moby-Dick/);
  expect(events.filter((e) => e.type === 'error')).toEqual([]);
  session.dispose();
}, 300_000);
