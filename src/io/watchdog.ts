/**
 * The watchdog's timer: while `run` is under way, asks `stalled` (the core's decision, `envd/watchdog.ts`) every
 * `everyMs` and, at the first stall it reports, aborts the signal `run` was given. The clock is the process's own.
 */
export async function watched<T, S>(
  run: (stop: AbortSignal) => Promise<T>,
  stalled: (now: number) => S | undefined,
  everyMs: number
): Promise<{ result: T; stall?: S }> {
  const stop = new AbortController();
  let stall: S | undefined;
  const timer = setInterval(() => {
    stall ??= stalled(Date.now());
    if (stall && !stop.signal.aborted) stop.abort();
  }, everyMs);
  try {
    return { result: await run(stop.signal), stall };
  } finally {
    clearInterval(timer);
  }
}

/** How often the watchdog looks: a tenth of the timeout, at most once a second (once a second when it is off). */
export const watchEvery = (timeoutMs: number): number =>
  timeoutMs > 0 ? Math.max(100, Math.min(1000, Math.floor(timeoutMs / 10))) : 1000;
