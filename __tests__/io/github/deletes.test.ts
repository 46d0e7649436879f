/**
 * Delete scheduling: concurrent within GitHub's documented limits, retry-after and secondary rate limits
 * honoured, a build step's time budget kept. On a virtual clock: nothing here waits in real time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runDeletes, type DeleteAnswer, type Timer } from '../../../src/io/github/deletes.js';
import { createIndexReader } from '../../../src/io/github/indexes.js';
import { createCacheRest, restFailure, retryAfterMs } from '../../../src/io/github/rest.js';
import { carryOutPrune } from '../../../src/steps/prune.js';
import { Permission, startEmulator, type Emulator } from '../../support/emulator/index.js';
import { GB, MAIN, MB, REPOSITORY, START, seedBlob, seedIndex } from '../../budget/fixtures.js';

/**
 * A virtual clock: sleep(ms) resolves when every pending promise has settled and no earlier sleeper is left,
 * with the clock moved to its wake time (setImmediate only lets the microtasks drain; it never waits).
 */
function virtualTimer(start = 0): Timer & { sleeps: number } {
  let t = start;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  let scheduled = false;
  const advance = () => {
    scheduled = false;
    if (sleepers.length === 0) return;
    sleepers.sort((a, b) => a.at - b.at);
    const at = sleepers[0].at;
    t = Math.max(t, at);
    while (sleepers.length && sleepers[0].at <= t) sleepers.shift()!.wake();
    schedule();
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(advance);
    }
  };
  const timer = {
    sleeps: 0,
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        timer.sleeps++;
        sleepers.push({ at: t + Math.max(0, ms), wake });
        schedule();
      })
  };
  return timer;
}

/** A DELETE that takes `latencyMs` of virtual time and answers from `answers` (by call number, 1-based), else deleted. */
function fakeDelete(timer: Timer, latencyMs: number, answers: Record<number, DeleteAnswer> = {}) {
  const calls: Array<{ id: number; at: number }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const del = async (id: number): Promise<DeleteAnswer> => {
    const call = calls.push({ id, at: timer.now() });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await timer.sleep(latencyMs);
    inFlight--;
    return answers[call] ?? { ok: true, value: 'deleted' };
  };
  return {
    del,
    calls,
    get maxInFlight() {
      return maxInFlight;
    }
  };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const rateLimited = (retryAfterMs?: number, message = 'rate limited'): DeleteAnswer => ({
  ok: false,
  kind: 'rate-limited',
  message,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {})
});

interface RunCase {
  name: string;
  n: number;
  latency: number;
  limits: Parameters<typeof runDeletes>[2];
  answers?: Record<number, DeleteAnswer>;
  deleted: number;
  left: number;
  gone?: number;
  maxElapsed?: number;
  minElapsed?: number;
  maxInFlight?: number;
  calls?: number;
  stop?: RegExp;
  forbidden?: boolean;
  rateLimited?: number;
}

describe('runDeletes', () => {
  test.each<RunCase>([
    {
      name: '13 entries (the issue: 14 s spaced a second apart) take under 2 s, 4 at a time',
      n: 13,
      latency: 150,
      limits: { timeBudgetMs: 2_000 },
      deleted: 13,
      left: 0,
      maxElapsed: 2_000,
      maxInFlight: 4
    },
    {
      name: 'a long tail: the build step stops starting deletes at its 2 s budget and leaves the rest',
      n: 400,
      latency: 150,
      limits: { timeBudgetMs: 2_000 },
      deleted: 53,
      left: 347,
      maxElapsed: 2_150,
      stop: /time budget of 2\.0 s/
    },
    {
      name: 'command: prune (no time budget) deletes everything, 180 a minute at most',
      n: 200,
      latency: 10,
      limits: {},
      deleted: 200,
      left: 0,
      minElapsed: 60_000
    },
    {
      name: 'a 429 with retry-after 1 s: everyone waits a second, the entry is retried',
      n: 8,
      latency: 100,
      limits: { timeBudgetMs: 2_000 },
      answers: { 3: rateLimited(1_000) },
      deleted: 8,
      left: 0,
      minElapsed: 1_000,
      maxElapsed: 2_000,
      rateLimited: 1
    },
    {
      name: 'a secondary rate limit asking for 60 s: beyond the budget, so the rest is left for later',
      n: 8,
      latency: 100,
      limits: { timeBudgetMs: 2_000 },
      answers: { 2: rateLimited(60_000, 'You have exceeded a secondary rate limit') },
      deleted: 4,
      left: 4,
      maxElapsed: 2_000,
      stop: /asked to wait 60 s \(rate limit\), beyond the time budget/,
      rateLimited: 1
    },
    {
      name: 'a rate limit without retry-after pauses 60 s (no time budget: then carries on)',
      n: 3,
      latency: 100,
      limits: {},
      answers: { 1: rateLimited() },
      deleted: 3,
      left: 0,
      minElapsed: 60_000,
      rateLimited: 1
    },
    {
      name: 'no actions: write: the first delete (alone) is refused, nothing else is tried',
      n: 6,
      latency: 100,
      limits: {},
      answers: {
        1: { ok: false, kind: 'forbidden', message: 'Resource not accessible by integration' } as DeleteAnswer
      },
      deleted: 0,
      left: 6,
      calls: 1,
      stop: /lacks actions: write/,
      forbidden: true
    },
    {
      name: 'three failures in a row stop it',
      n: 10,
      latency: 100,
      limits: { concurrency: 1 },
      answers: {
        1: { ok: false, kind: 'error', message: 'HTTP 500' } as DeleteAnswer,
        2: { ok: false, kind: 'error', message: 'HTTP 500' } as DeleteAnswer,
        3: { ok: false, kind: 'error', message: 'HTTP 500' } as DeleteAnswer
      },
      deleted: 0,
      left: 10,
      calls: 3,
      stop: /repeated failures \(HTTP 500\)/
    },
    {
      name: 'gone (already deleted or evicted) counts apart from deleted',
      n: 3,
      latency: 100,
      limits: {},
      answers: { 2: { ok: true, value: 'gone' } as DeleteAnswer },
      deleted: 2,
      gone: 1,
      left: 0
    }
  ])('$name', async (c) => {
    const timer = virtualTimer(START);
    const fake = fakeDelete(timer, c.latency, c.answers);
    const run = await runDeletes(ids(c.n), fake.del, c.limits, timer);
    expect(run.deleted).toHaveLength(c.deleted);
    expect(run.notDeleted).toHaveLength(c.left);
    expect(run.gone).toHaveLength(c.gone ?? 0);
    expect(new Set([...run.deleted, ...run.gone, ...run.notDeleted]).size).toBe(c.n);
    if (c.maxElapsed !== undefined) expect(run.elapsedMs).toBeLessThanOrEqual(c.maxElapsed);
    if (c.minElapsed !== undefined) expect(run.elapsedMs).toBeGreaterThanOrEqual(c.minElapsed);
    if (c.maxInFlight !== undefined) expect(fake.maxInFlight).toBe(c.maxInFlight);
    if (c.calls !== undefined) expect(fake.calls).toHaveLength(c.calls);
    if (c.stop) expect(run.stop).toMatch(c.stop);
    else expect(run.stop).toBeUndefined();
    expect(run.forbidden).toBe(c.forbidden ?? false);
    expect(run.rateLimited).toBe(c.rateLimited ?? 0);
    // Never more than 180 starts in any minute, never more than 4 in flight.
    const starts = fake.calls.map((x) => x.at);
    for (const s of starts) expect(starts.filter((t) => t >= s && t < s + 60_000).length).toBeLessThanOrEqual(180);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
  });
});

describe('retry-after from GitHub answers', () => {
  const now = Date.UTC(2026, 10, 28, 9);
  test.each([
    { name: 'seconds', headers: { 'retry-after': '3' }, ms: 3_000 },
    { name: 'an HTTP date', headers: { 'retry-after': new Date(now + 5_000).toUTCString() }, ms: 5_000 },
    {
      name: 'primary limit exhausted: until the reset',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((now + 90_000) / 1000) },
      ms: 90_000
    },
    { name: 'nothing said', headers: {}, ms: undefined }
  ])('$name', ({ headers, ms }) => {
    expect(retryAfterMs(headers, now)).toBe(ms);
  });

  test('a secondary rate limit (403, its message) is rate-limited, with its retry-after', () => {
    const error = {
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      response: { headers: { 'retry-after': '60' } }
    };
    expect(restFailure(error, now)).toMatchObject({ kind: 'rate-limited', status: 403, retryAfterMs: 60_000 });
    expect(
      restFailure({ status: 403, message: 'Resource not accessible by integration', response: { headers: {} } }, now)
    ).toMatchObject({ kind: 'forbidden' });
  });
});

describe('prune against the emulator: its rate-limit faults, on an injected clock', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      startTime: START,
      budgetBytes: 10 * GB,
      eviction: 'tick',
      restTokens: { writer: 'write' }
    });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  /** Main with a live index over one blob and 12 unreferenced blobs, as in the issue (5 GB budget). */
  function seed() {
    seedIndex(emu, MAIN, 'ci-build', 1, ['live'], START - 3 * 24 * 3_600_000);
    seedBlob(emu, MAIN, 'live', 1 * GB, START - 3 * 24 * 3_600_000);
    for (let i = 0; i < 12; i++) seedBlob(emu, MAIN, `old-${i}`, 700 * MB, START - 2 * 24 * 3_600_000);
  }

  const run = (timer: Timer) =>
    carryOutPrune({
      rest: createCacheRest({ token: 'writer', apiUrl: emu.apiUrl, repository: REPOSITORY, retries: 0 }),
      reader: createIndexReader({
        token: emu.mintToken([{ Scope: MAIN, Permission: Permission.All }]),
        resultsUrl: emu.resultsUrl
      }),
      readableRefs: [MAIN],
      budgetBytes: 5 * GB,
      jobStart: START,
      now: () => emu.clock.now(),
      dryRun: false,
      deleteLimits: { timeBudgetMs: 2_000 },
      timer
    });

  test('a 429 with retry-after: 1 on a delete is honoured (on the virtual clock) and every planned entry goes', async () => {
    seed();
    emu.failNext('rest.delete-by-id', 1, { status: 429, retryAfter: 1, message: 'rate limited' });
    const timer = virtualTimer(START);
    const out = await run(timer);
    // 9.4 GB against a 3.5 GB target: 9 of the 12 unreferenced blobs.
    expect(out.plan?.deletions).toHaveLength(9);
    expect(out.notDeleted).toEqual([]);
    expect(out.deleted.length).toBe(out.plan!.deletions.length);
    expect(emu.counters.rateLimited).toBe(1);
    expect(timer.now() - START).toBeGreaterThanOrEqual(1_000);
    expect(timer.now() - START).toBeLessThanOrEqual(2_000);
  });
});
