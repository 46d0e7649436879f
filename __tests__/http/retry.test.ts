/** The one retry policy: what is worth another try, how long to wait, and the loop that does it (no real waits). */
import { describe, expect, test } from '@jest/globals';
import {
  type Clock,
  type Failure,
  isRetryable,
  isRateLimited,
  retryAfterMs,
  withRetries
} from '../../src/http/retry.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('isRetryable', () => {
  test.each<[string, Failure, boolean]>([
    ['408 request timeout', { status: 408, message: '' }, true],
    ['429 too many requests', { status: 429, message: '' }, true],
    ['500', { status: 500, message: '' }, true],
    ['502', { status: 502, message: '' }, true],
    ['503', { status: 503, message: '' }, true],
    ['504', { status: 504, message: '' }, true],
    ['501 not implemented: asking again changes nothing', { status: 501, message: '' }, false],
    ['505 version not supported', { status: 505, message: '' }, false],
    ['400', { status: 400, message: '' }, false],
    ['401', { status: 401, message: '' }, false],
    ['404', { status: 404, message: '' }, false],
    ['409', { status: 409, message: '' }, false],
    [
      '403 without rate-limit headers: a missing grant',
      { status: 403, message: 'Resource not accessible by integration', headers: {} },
      false
    ],
    ['403 secondary limit with retry-after', { status: 403, message: '', headers: { 'retry-after': '30' } }, true],
    [
      '403 primary limit: none left',
      { status: 403, message: '', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' } },
      true
    ],
    ['ECONNRESET', { code: 'ECONNRESET', message: 'socket hang up' }, true],
    ['ETIMEDOUT', { code: 'ETIMEDOUT', message: '' }, true],
    ['EAI_AGAIN (DNS, try again)', { code: 'EAI_AGAIN', message: '' }, true],
    ['ECONNREFUSED', { code: 'ECONNREFUSED', message: '' }, true],
    ['EPIPE', { code: 'EPIPE', message: '' }, true],
    ['undici socket error', { code: 'UND_ERR_SOCKET', message: 'other side closed' }, true],
    ['undici connect timeout', { code: 'UND_ERR_CONNECT_TIMEOUT', message: '' }, true],
    ['undici headers timeout', { code: 'UND_ERR_HEADERS_TIMEOUT', message: '' }, true],
    ['undici body timeout', { code: 'UND_ERR_BODY_TIMEOUT', message: '' }, true],
    ['our own per-request timeout', { code: 'TimeoutError', message: '' }, true],
    ['ENOTFOUND: the host does not exist', { code: 'ENOTFOUND', message: '' }, false],
    ['a certificate error', { code: 'CERT_HAS_EXPIRED', message: '' }, false],
    ['undici invalid argument', { code: 'UND_ERR_INVALID_ARG', message: '' }, false],
    ['a JSON SyntaxError', { code: 'SyntaxError', message: 'Unexpected token < in JSON' }, false],
    ['an answer that does not parse', { kind: 'parse', status: 200, message: 'not JSON' }, false],
    ['no status, no code', { message: 'something else' }, false]
  ])('%s → %s', (_name, failure, expected) => {
    expect(isRetryable(failure)).toBe(expected);
  });
});

describe('isRateLimited', () => {
  test.each<[string, Failure, boolean]>([
    ['429', { status: 429, message: '' }, true],
    ['403 + retry-after', { status: 403, message: '', headers: { 'retry-after': '5' } }, true],
    ['403 + none left', { status: 403, message: '', headers: { 'x-ratelimit-remaining': '0' } }, true],
    [
      '403 + "secondary rate limit" in the message',
      { status: 403, message: 'You have exceeded a secondary rate limit', headers: {} },
      true
    ],
    ['403 + some left', { status: 403, message: 'Forbidden', headers: { 'x-ratelimit-remaining': '10' } }, false],
    [
      '503 + retry-after is transient, not a rate limit',
      { status: 503, message: '', headers: { 'retry-after': '5' } },
      false
    ]
  ])('%s → %s', (_name, failure, expected) => {
    expect(isRateLimited(failure)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  test.each<[string, Record<string, string | undefined> | undefined, number | undefined]>([
    ['seconds', { 'retry-after': '7' }, 7_000],
    ['zero seconds', { 'retry-after': '0' }, 0],
    ['fractional seconds', { 'retry-after': '1.5' }, 1_500],
    ['an HTTP date', { 'retry-after': new Date(NOW + 42_000).toUTCString() }, 42_000],
    ['an HTTP date in the past', { 'retry-after': new Date(NOW - 5_000).toUTCString() }, 0],
    ['negative seconds', { 'retry-after': '-3' }, 0],
    ['rubbish', { 'retry-after': 'soon' }, undefined],
    ['empty', { 'retry-after': ' ' }, undefined],
    [
      'primary limit: none left until reset',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((NOW + 90_000) / 1000) },
      90_000
    ],
    [
      'primary limit: some left',
      { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String((NOW + 90_000) / 1000) },
      undefined
    ],
    [
      'retry-after wins over the reset',
      { 'retry-after': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((NOW + 90_000) / 1000) },
      2_000
    ],
    ['no headers', undefined, undefined]
  ])('%s', (_name, headers, expected) => {
    expect(retryAfterMs(headers, NOW)).toBe(expected);
  });
});

/** A clock that records waits instead of waiting. */
function fakeClock(): Clock & { waits: number[] } {
  let now = NOW;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    }
  };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };
const script = <T>(...outcomes: Array<Outcome<T> | Error>) => {
  let calls = 0;
  const work = async (): Promise<Outcome<T>> => {
    const next = outcomes[Math.min(calls++, outcomes.length - 1)];
    if (next instanceof Error) throw next;
    return next;
  };
  return { work, calls: () => calls };
};
const fail = (failure: Failure): Outcome<never> => ({ ok: false, failure });

describe('withRetries', () => {
  test('a success at once: one attempt, no wait', async () => {
    const clock = fakeClock();
    const s = script({ ok: true, value: 'x' });
    expect(await withRetries({ attempts: 3, backoffMs: 100 }, isRetryable, s.work, clock)).toEqual({
      ok: true,
      value: 'x',
      attempts: 1
    });
    expect(clock.waits).toEqual([]);
  });

  test('transient failures are retried with doubling waits, and the last one is the reason given', async () => {
    const clock = fakeClock();
    const retried: number[] = [];
    const s = script<string>(
      fail({ status: 503, message: 'first' }),
      fail({ code: 'ECONNRESET', message: 'second' }),
      fail({ status: 502, message: 'third' })
    );
    const r = await withRetries(
      { attempts: 3, backoffMs: 100, onRetry: (n) => retried.push(n) },
      isRetryable,
      s.work,
      clock
    );
    expect(r).toMatchObject({
      ok: false,
      attempts: 3,
      failure: { status: 502 },
      reason: expect.stringMatching(/third.*after 3 attempts/)
    });
    expect(s.calls()).toBe(3);
    expect(clock.waits).toEqual([100, 200]);
    expect(retried).toEqual([1, 2]);
  });

  test('the wait is capped', async () => {
    const clock = fakeClock();
    const s = script<string>(fail({ status: 500, message: '' }));
    await withRetries({ attempts: 5, backoffMs: 1000, maxBackoffMs: 2500 }, isRetryable, s.work, clock);
    expect(clock.waits).toEqual([1000, 2000, 2500, 2500]);
  });

  test('a final failure is one attempt', async () => {
    const clock = fakeClock();
    const s = script<string>(fail({ status: 404, message: 'GET x answered 404' }));
    const r = await withRetries({ attempts: 4, backoffMs: 100 }, isRetryable, s.work, clock);
    expect(r).toMatchObject({ ok: false, attempts: 1, reason: 'GET x answered 404' });
    expect(clock.waits).toEqual([]);
  });

  test('a body that does not parse is one attempt with a clear reason', async () => {
    const clock = fakeClock();
    const s = script<string>(
      fail({ kind: 'parse', status: 200, message: 'the answer of GET x is not JSON: Unexpected token <' })
    );
    const r = await withRetries({ attempts: 4, backoffMs: 100 }, isRetryable, s.work, clock);
    expect(r).toMatchObject({ ok: false, attempts: 1, reason: expect.stringMatching(/is not JSON/) });
    expect(s.calls()).toBe(1);
  });

  test('a thrown SyntaxError is not retried; a thrown network error is', async () => {
    const clock = fakeClock();
    const bad = script<string>(new SyntaxError('Unexpected end of JSON input'));
    const r = await withRetries({ attempts: 4, backoffMs: 1 }, isRetryable, bad.work, clock);
    expect(r).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { code: 'SyntaxError' },
      reason: 'Unexpected end of JSON input'
    });
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
    });
    const net = script<string>(reset, { ok: true, value: 'y' });
    expect(await withRetries({ attempts: 4, backoffMs: 1 }, isRetryable, net.work, clock)).toEqual({
      ok: true,
      value: 'y',
      attempts: 2
    });
  });

  test('retry-after is honoured instead of the backoff, in seconds or as a date', async () => {
    const clock = fakeClock();
    const s = script<string>(
      fail({ status: 429, message: '', headers: { 'retry-after': '3' } }),
      fail({ status: 429, message: '', headers: { 'retry-after': new Date(NOW + 3_000 + 10_000).toUTCString() } }),
      { ok: true, value: 'z' }
    );
    expect(await withRetries({ attempts: 3, backoffMs: 1 }, isRetryable, s.work, clock)).toMatchObject({
      ok: true,
      attempts: 3
    });
    expect(clock.waits).toEqual([3_000, 10_000]);
  });

  test('a secondary rate limit without retry-after waits a minute (GitHub advice)', async () => {
    const clock = fakeClock();
    const s = script<string>(fail({ status: 403, message: 'You have exceeded a secondary rate limit', headers: {} }), {
      ok: true,
      value: 'z'
    });
    expect(
      await withRetries({ attempts: 2, backoffMs: 1, maxWaitMs: 120_000 }, isRetryable, s.work, clock)
    ).toMatchObject({ ok: true });
    expect(clock.waits).toEqual([60_000]);
  });

  test('a wait longer than maxWaitMs is not waited: it gives up at once and says why', async () => {
    const clock = fakeClock();
    const s = script<string>(
      fail({
        status: 403,
        message: 'API rate limit exceeded',
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((NOW + 3_600_000) / 1000) }
      })
    );
    const r = await withRetries({ attempts: 3, backoffMs: 1, maxWaitMs: 60_000 }, isRetryable, s.work, clock);
    expect(r).toMatchObject({
      ok: false,
      attempts: 1,
      reason: expect.stringMatching(
        /API rate limit exceeded; the server asked to wait 3600 s, more than the 60 s allowed/
      )
    });
    expect(clock.waits).toEqual([]);
  });

  test('waits a server asks for count against maxWaitMs in all: the second one past it ends the tries', async () => {
    const clock = fakeClock();
    const s = script<string>(fail({ status: 429, message: 'busy', headers: { 'retry-after': '40' } }));
    const r = await withRetries({ attempts: 5, backoffMs: 1, maxWaitMs: 60_000 }, isRetryable, s.work, clock);
    expect(r).toMatchObject({
      ok: false,
      attempts: 2,
      reason: 'busy; the server asked to wait 40 s, more than the 60 s allowed, 40 s of it waited already'
    });
    expect(clock.waits).toEqual([40_000]);
  });

  test('attempts below 1 still make one attempt', async () => {
    const s = script<string>(fail({ status: 500, message: 'x' }));
    expect(await withRetries({ attempts: 0, backoffMs: 1 }, isRetryable, s.work, fakeClock())).toMatchObject({
      ok: false,
      attempts: 1
    });
  });
});
