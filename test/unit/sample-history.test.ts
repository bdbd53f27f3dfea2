import { describe, expect, it } from 'vitest';
import { KEPT_UPDATES, SampleHistory } from '../../src/app/sampleHistory.svelte';
import type { SampleView } from '../../src/core/protocol';

const batch = (update: number): SampleView[] => [{ text: `u${update}`, reward: update, kl: 0, terms: { ends_with: update } }];

describe('sample history', () => {
  it('follows the latest update until the user scrubs back, then holds that update', () => {
    const h = new SampleHistory();
    expect(h.shown).toBeNull();
    for (let u = 1; u <= 5; u++) h.push(u, batch(u));
    expect(h.shown?.update).toBe(5);
    h.view(1);
    expect(h.shown?.update).toBe(2);
    h.push(6, batch(6));
    expect(h.shown?.update).toBe(2); // still the update the user chose
    h.followLatest();
    expect(h.shown?.update).toBe(6);
    h.view(99); // out of range: ignored
    expect(h.shown?.update).toBe(6);
  });

  it(`keeps the last ${KEPT_UPDATES} updates and the viewed one stays put as old ones drop off`, () => {
    const h = new SampleHistory();
    for (let u = 1; u <= KEPT_UPDATES; u++) h.push(u, batch(u));
    h.view(10);
    const viewed = h.shown!.update;
    for (let u = KEPT_UPDATES + 1; u <= KEPT_UPDATES + 5; u++) h.push(u, batch(u));
    expect(h.batches).toHaveLength(KEPT_UPDATES);
    expect(h.batches[0].update).toBe(6);
    expect(h.shown!.update).toBe(viewed);
  });

  it('pins a sample across updates, and clears everything for a new run', () => {
    const h = new SampleHistory();
    h.push(1, batch(1));
    h.pin(1, h.shown!.samples[0]);
    h.push(2, batch(2));
    expect(h.pinned?.sample.text).toBe('u1');
    h.clear();
    expect(h.pinned).toBeNull();
    expect(h.batches).toEqual([]);
  });
});
