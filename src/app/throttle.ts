// Calls `fn` at most once per `intervalMs`; the last value given is always applied (trailing call).

export interface Throttled<T> {
  (value: T): void;
  /** Applies a pending value now. */
  flush(): void;
  cancel(): void;
}

export function throttle<T>(fn: (value: T) => void, intervalMs: number): Throttled<T> {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { value: T } | null = null;

  const run = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastRun = performance.now();
    fn(value);
  };

  const throttled = ((value: T) => {
    pending = { value };
    const wait = lastRun + intervalMs - performance.now();
    if (wait <= 0) run();
    else timer ??= setTimeout(run, wait);
  }) as Throttled<T>;
  throttled.flush = run;
  throttled.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}
