import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { rewardTerm } from '../../src/core/rewards/registry';
import { PRESETS, presetConfigs, presetLink } from '../../src/presets';
import { decodeHash } from '../../src/share';

describe('presets gallery', () => {
  it('has presets for every task, with unique ids and titles', () => {
    expect(PRESETS.map((p) => p.title).slice(0, 4)).toEqual(['Names ending in a', 'Short names starting with k', 'Stay close to the prior', "Names with 'ann'"]);
    expect(new Set(PRESETS.map((p) => p.config.task))).toEqual(new Set(['names', 'words', 'text', 'molecules', 'paint']));
    expect(new Set(PRESETS.map((p) => p.title)).size).toBe(PRESETS.length);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  it.each(PRESETS.map((p) => [p.id, p] as const))('%s is a valid config with a one-line description', (_id, p) => {
    expect(parseConfig(p.config)).toEqual({ ok: true, config: p.config });
    expect(p.description.length).toBeGreaterThan(10);
    expect(p.description).not.toContain('\n');
    expect(['generation', 'objective', 'preferences']).toContain(p.use);
  });

  it('uses the reward terms its title promises', () => {
    const ids = Object.fromEntries(PRESETS.map((p) => [p.id, p.config.rewards.map((r) => r.id)]));
    expect(ids['names-ending-in-a']).toEqual(['ends_with']);
    expect(ids['short-names-starting-with-k']).toEqual(['starts_with', 'target_length']);
    expect(ids['stay-close-to-the-prior']).toEqual(['prior_loglik']);
    expect(ids['names-with-ann']).toEqual(['contains']);
    expect(ids['paint-from-preferences']).toEqual(['paint_preference']);
    expect(ids['words-ending-in-ness']).toEqual(['ends_with', 'real_words']);
    expect(ids['text-bleu-moby-dick']).toEqual(['bleu']);
    expect(ids['text-about-whales']).toEqual(['contains', 'real_words']);
    expect(ids['words-rlhf-hands-free']).toEqual(['preference']);
    expect(ids['text-seqgan']).toEqual(['discriminator']);
    expect(PRESETS.find((p) => p.id === 'words-ending-in-ness')!.config.rewards[0].params).toEqual({ suffix: 'ness' });
    expect(PRESETS[0].config.rewards[0].params).toEqual({ suffix: 'a' });
    expect(PRESETS[1].config.rewards[0].params).toEqual({ letter: 'k' });
    expect(PRESETS[3].config.rewards[0].params).toEqual({ substring: 'ann' });
  });

  it('"Paint from preferences" runs hands-free: a noise-free annotator that prefers a lower distance to the target', () => {
    const p = PRESETS.find((x) => x.id === 'paint-from-preferences')!;
    expect(p.config.task).toBe('paint');
    expect(p.config.learned.annotator).toMatchObject({ term: 'l2_gain', noise: 'flip', flip: 0, pairsPerUpdate: 8 });
    expect(rewardTerm(p.config.learned.annotator.term)?.use).toBe('objective');
    expect(p.config.algorithm.klCoef).toBe(0.02);
  });

  it('labels each preset with the survey use of its main reward', () => {
    for (const p of PRESETS) expect(p.use).toBe(rewardTerm(p.config.rewards[0].id)?.use);
  });

  it('gives each preset a link that opens it, with teacher-mode options', () => {
    for (const p of PRESETS) {
      const decoded = decodeHash(presetLink(p, ['model']));
      expect(decoded).toMatchObject({ config: p.config, hide: ['model'], error: null, notices: [] });
    }
  });

  it('gives presets distinct links and configs keyed by id', () => {
    expect(new Set(PRESETS.map((p) => presetLink(p))).size).toBe(PRESETS.length);
    expect(Object.keys(presetConfigs())).toEqual(PRESETS.map((p) => p.id));
  });
});
