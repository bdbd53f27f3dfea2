// The session after a molecules upload: a new prior of a size that ships none is trained on the file, the run is
// rebuilt from it, and MLE mixing (which needs example data the page does not ship) now trains on the uploaded molecules.
import { expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';
import { MIN_MOLECULES_FOR_NEW } from '../../src/core/tasks/uploadedPrior';

const MOLECULES = ['CCO', 'c1ccccc1', 'CC(=O)O', 'CCN(CC)CC', 'c1ccccc1O', 'CC(C)O', 'CCOC(=O)C', 'c1ccncc1', 'C1CCCCC1', 'CC(=O)Nc1ccc(O)cc1'];

it('an upload makes MLE mixing available on Molecules and the run trains with it', async () => {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession();
  await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' });
  const config = { task: 'molecules', seed: 4, batchSize: 8, maxLength: 24, model: { embedding: 8, hidden: 24 }, algorithm: { name: 'reinforce', mleCoef: 0.5 } };
  expect((await session.configure(config)).ok).toBe(true);

  const lines = Array.from({ length: Math.ceil(MIN_MOLECULES_FOR_NEW / MOLECULES.length) }, () => MOLECULES).flat();
  const outcome = await session.trainPriorOnUpload(new Blob([lines.join('\n')]), 'mine.smi', 'new');
  if (!outcome.ok) throw new Error(outcome.message);

  await session.step(2);
  // The one error: no prior of this size ships and the page has no molecule data to pretrain one, until the upload.
  const errors = events.flatMap((e) => (e.type === 'error' ? [e.message] : []));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/Could not prepare the run/);
  const metrics = events.flatMap((e) => (e.type === 'metrics' ? e.metrics : []));
  expect(metrics).toHaveLength(2);
  for (const m of metrics) expect(Number.isFinite(m.diagnostics?.mleLoss)).toBe(true);
  session.dispose();
}, 300_000);
