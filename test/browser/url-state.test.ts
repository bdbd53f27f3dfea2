// The hash sync of experiment links: writes use replaceState (no history entry per slider move), are throttled so a
// burst of edits lands as one write, and user navigation (hashchange) is reported while our own writes are not.
import { afterEach, describe, expect, it } from 'vitest';
import { createHashSync, type HashSync } from '../../src/app/urlState';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let sync: HashSync | null = null;

afterEach(() => {
  sync?.dispose();
  sync = null;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
});

describe('createHashSync', () => {
  it('collapses a burst of writes into one replaceState, without growing the history', async () => {
    const heard: string[] = [];
    sync = createHashSync((h) => heard.push(h), 50);
    const lengthBefore = history.length;
    for (let i = 0; i < 30; i++) sync.write(`v1.slider${i}`);
    expect(location.hash).toBe(''); // nothing before the delay
    await wait(120);
    expect(location.hash).toBe('#v1.slider29');
    expect(sync.read()).toBe('v1.slider29');
    expect(history.length).toBe(lengthBefore);
    await wait(50);
    expect(heard).toEqual([]); // our own writes do not come back as hashchange
  });

  it('flush writes a pending hash at once', () => {
    sync = createHashSync(() => {}, 10_000);
    sync.write('v1.pending');
    expect(location.hash).toBe('');
    sync.flush();
    expect(location.hash).toBe('#v1.pending');
  });

  it('reports hashchange from the user, and that link wins over a pending write', async () => {
    const heard: string[] = [];
    sync = createHashSync((h) => heard.push(h), 100);
    sync.write('v1.fromSlider');
    location.hash = 'v1.pasted';
    await wait(200);
    expect(heard).toEqual(['v1.pasted']);
    expect(location.hash).toBe('#v1.pasted');
  });

  it('stops listening after dispose', async () => {
    const heard: string[] = [];
    sync = createHashSync((h) => heard.push(h), 10);
    sync.dispose();
    location.hash = 'v1.after';
    await wait(50);
    expect(heard).toEqual([]);
  });
});
