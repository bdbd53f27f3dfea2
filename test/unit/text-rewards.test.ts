import { describe, expect, it } from 'vitest';
import { composeRewards } from '../../src/core/rewards/composite';
import { contains, endsWith, priorLogLik, startsWith, targetLength } from '../../src/core/rewards/text';

const batch = { texts: ['anna', 'bob', 'kara', '', 'kristina'] };

describe('text reward terms', () => {
  it('ends_with scores 1 exactly when the suffix ends the sample', () => {
    expect(Array.from(endsWith.score(batch, { suffix: 'a' }, {}) as Float32Array)).toEqual([1, 0, 1, 0, 1]);
    expect(Array.from(endsWith.score(batch, { suffix: 'na' }, {}) as Float32Array)).toEqual([1, 0, 0, 0, 1]);
  });

  it('contains scores 1 when the substring occurs anywhere', () => {
    expect(Array.from(contains.score(batch, { substring: 'an' }, {}) as Float32Array)).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(contains.score(batch, { substring: 'r' }, {}) as Float32Array)).toEqual([0, 0, 1, 0, 1]);
  });

  it('starts_with compares the first letter', () => {
    expect(Array.from(startsWith.score(batch, { letter: 'k' }, {}) as Float32Array)).toEqual([0, 0, 1, 0, 1]);
  });

  it('target_length is a Gaussian bump: 1 at the target, exp(-1/2) one width away', () => {
    const s = targetLength.score({ texts: ['abcd', 'abcde', 'abc'] }, { length: 4, width: 1 }, {}) as Float32Array;
    expect(s[0]).toBeCloseTo(1, 6);
    expect(s[1]).toBeCloseTo(Math.exp(-0.5), 6);
    expect(s[2]).toBeCloseTo(Math.exp(-0.5), 6);
  });

  it('prior_loglik passes the prior log-likelihood through and refuses to run without it', () => {
    const ll = Float32Array.from([-1, -2, -3, -4, -5]);
    expect(Array.from(priorLogLik.score(batch, {}, { priorLogLik: ll }) as Float32Array)).toEqual([-1, -2, -3, -4, -5]);
    expect(() => priorLogLik.score(batch, {}, {})).toThrow(/prior log-likelihood/);
  });

  it('composes a weighted sum with a per-term breakdown', async () => {
    const out = await composeRewards(
      [
        { id: 'ends_with', weight: 2, params: { suffix: 'a' } },
        { id: 'starts_with', weight: -1, params: { letter: 'k' } },
      ],
      batch,
      batch.texts.length,
      {},
    );
    expect(Array.from(out.total)).toEqual([2, 0, 1, 0, 1]);
    expect(Array.from(out.terms.ends_with)).toEqual([2, 0, 2, 0, 2]);
    expect(Array.from(out.terms.starts_with, (x) => x + 0)).toEqual([0, 0, -1, 0, -1]);
    expect(Array.from(out.raw.starts_with)).toEqual([0, 0, 1, 0, 1]);
  });

  it('reports a term that returns the wrong number of scores', async () => {
    await expect(composeRewards([{ id: 'ends_with', weight: 1, params: { suffix: 'a' } }], batch, 3, {})).rejects.toThrow(/returned 5 scores for 3/);
  });
});
