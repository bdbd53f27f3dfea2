// The Molecules syntax guard as a setting: a run with it on masks both the policy and the prior, and its samples
// keep SMILES's bracket syntax; turning it off starts a new run without it.
import { expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/core/protocol';
import { TrainingSession } from '../../src/core/session';
import type { SequenceTrainer } from '../../src/core/trainer';
import { bracketProblem } from '../../scripts/smiles-brackets';

it('a Molecules run with the syntax guard samples well-formed SMILES; off, the guard is gone', async () => {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession();
  await session.init((batch) => events.push(...batch), { baseUrl: `${location.origin}/`, firstBackend: 'wasm' });
  const maxLength = 100;
  const config = { task: 'molecules', seed: 3, batchSize: 48, maxLength, algorithm: { name: 'reinvent' }, molecules: { syntaxGuard: 'on' } };
  expect((await session.configure(config)).ok).toBe(true);
  await session.step(2);
  const guarded = session.currentTrainer as SequenceTrainer;
  expect(guarded.policy.syntaxGuard).not.toBeNull();
  expect(guarded.prior.syntaxGuard).toBe(guarded.policy.syntaxGuard);

  const samples = events.flatMap((e) => (e.type === 'samples' ? e.samples : []));
  expect(samples.length).toBeGreaterThan(20);
  // The guard's budget ends every sample within the length limit, so each must be complete.
  const problems = samples.flatMap((s) => {
    const problem = bracketProblem(s.text);
    return problem ? [`${problem}: ${s.text}`] : [];
  });
  expect(problems).toEqual([]);
  const metrics = events.flatMap((e) => (e.type === 'metrics' ? e.metrics : []));
  expect(metrics).toHaveLength(2);
  for (const m of metrics) expect(Number.isFinite(m.loss)).toBe(true);

  const off = await session.configure({ ...config, molecules: { syntaxGuard: 'off' } });
  expect(off).toMatchObject({ ok: true, restarted: true });
  await session.step(1);
  const unguarded = session.currentTrainer as SequenceTrainer;
  expect(unguarded).not.toBe(guarded);
  expect(unguarded.policy.syntaxGuard).toBeNull();
  expect(unguarded.prior.syntaxGuard).toBeNull();
  expect(events.filter((e) => e.type === 'error')).toEqual([]);
  session.dispose();
}, 600_000);
