import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../../src/app/watchdog';

const TIMINGS = { intervalMs: 1_000, timeoutMs: 5_000 };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Watchdog', () => {
  it('stays quiet while pings are answered', async () => {
    const onSilent = vi.fn();
    const ping = vi.fn(() => Promise.resolve(true));
    const dog = new Watchdog(ping, onSilent, TIMINGS, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ping.mock.calls.length).toBeGreaterThanOrEqual(29);
    expect(onSilent).not.toHaveBeenCalled();
    dog.stop();
  });

  it('reports once when a ping goes unanswered for the timeout, then stops pinging', async () => {
    const onSilent = vi.fn();
    let answered = 0;
    // The Worker answers its first three pings, then goes silent for good.
    const ping = vi.fn(() => (answered++ < 3 ? Promise.resolve(true) : new Promise(() => {})));
    const dog = new Watchdog(ping, onSilent, TIMINGS, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(onSilent).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(onSilent).not.toHaveBeenCalled(); // silent for 4 s: not yet
    await vi.advanceTimersByTimeAsync(2_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
    expect(onSilent.mock.calls[0][0]).toBeGreaterThanOrEqual(TIMINGS.timeoutMs);
    const pings = ping.mock.calls.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ping.mock.calls.length).toBe(pings);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('a slow answer within the timeout is not a crash', async () => {
    const onSilent = vi.fn();
    const ping = vi.fn(() => new Promise((resolve) => setTimeout(resolve, 4_000)));
    const dog = new Watchdog(ping, onSilent, TIMINGS, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(onSilent).not.toHaveBeenCalled();
    dog.stop();
  });
});
