// The page's side of experiment links: read location.hash, write it without piling up history entries, and hear
// when the user edits or pastes a link. Decoding and validation live in src/share.ts.

export interface HashSync {
  /** The current hash, without '#'. */
  read(): string;
  /** Schedules a replaceState with this hash; calls within `delayMs` of each other collapse into one write. */
  write(hash: string): void;
  /** Writes a pending hash now (call on pagehide so the last slider move is not lost). */
  flush(): void;
  /** Stops listening and drops a pending write. */
  dispose(): void;
}

/**
 * `onExternalChange` fires on `hashchange`: the user typed, pasted or followed a link. Our own writes use
 * history.replaceState, which does not fire `hashchange`, so there is no echo loop and no history entry per slider move.
 */
export function createHashSync(onExternalChange: (hash: string) => void, delayMs = 250): HashSync {
  let pending: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const read = () => location.hash.replace(/^#/, '');
  const writeNow = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending === null) return;
    if (pending !== read()) history.replaceState(history.state, '', `${location.pathname}${location.search}#${pending}`);
    pending = null;
  };
  const onHashChange = () => {
    pending = null; // the user's link wins over a slider move still waiting to be written
    onExternalChange(read());
  };
  addEventListener('hashchange', onHashChange);

  return {
    read,
    write(hash) {
      pending = hash;
      if (timer === null) timer = setTimeout(writeNow, delayMs);
    },
    flush: writeNow,
    dispose() {
      removeEventListener('hashchange', onHashChange);
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
