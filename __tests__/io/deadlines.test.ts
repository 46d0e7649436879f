/**
 * io/deadlines.ts with the HTTP client: a request's own deadline marks its service down for the job (later requests
 * fail at once, one warning); a phase's budget cuts its requests short without marking anything down; a retried
 * request that fails every attempt with a 5xx marks it down, a rate limit does not. The deadlines are scaled down
 * (ENVD_CACHE_ACTION_DEADLINE_SCALE, read when the module loads) so that nothing here waits long.
 */
import { afterAll, beforeAll, describe, expect, test as jestTest } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

process.env.ENVD_CACHE_ACTION_DEADLINE_SCALE = '0.01';
const { answered, Http } = await import('../../src/io/http/client.js');
type Fetch = import('../../src/io/http/client.js').Fetch;
const { Deadlines } = await import('../../src/io/deadlines.js');
const { POLICIES, deadlineScale, scaled } = await import('../../src/http/policies.js');

const SERVICE = { name: 'The test service', without: 'the figure is left out' };
/** The deadline of a request that is answered: far beyond any answer of this local server, however busy the machine. */
const ANSWERED = 10_000;
const noWait = { now: () => Date.now(), sleep: async () => undefined };

/** A server that answers by path: `/stall` never, `/503` 503, `/429` a rate limit, anything else 200. */
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const at = (req.url ?? '').split('?')[0];
    if (at === '/stall') return;
    if (at === '/503') return void res.writeHead(503).end();
    if (at === '/429') return void res.writeHead(429, { 'retry-after': '0' }).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Each test is one step: its requests report to a Deadlines of its own (as a step's context holds one). */
let deadlines = new Deadlines();
const test = (name: string, fn: () => Promise<unknown> | void, timeout?: number) =>
  jestTest(name, () => (deadlines = new Deadlines()).run(async () => void (await fn())), timeout);
const downFor = (url: string) => deadlines.downFor(url);
const takeDeadlineWarnings = () => deadlines.takeWarnings();
const withinPhase = <T>(name: Parameters<typeof deadlines.withinPhase>[0], work: () => Promise<T>) =>
  deadlines.withinPhase(name, work);

describe('a request past its own deadline', () => {
  test('marks its service down: the next request fails at once, without a round trip, and one warning says so', async () => {
    const client = new Http({ timeoutMs: 50, service: SERVICE });
    const first = await client.request('GET', `${base}/stall`);
    expect(first).toMatchObject({ ok: false, reason: expect.stringContaining('no answer within 0.05 s') });
    const second = await client.request('GET', `${base}/fine`);
    expect(second).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        `The test service (${base}) did not answer within 0.05 s (GET ${base}/stall) earlier in this job`
      )
    });
    // Requests sent: the client counts an attempt when it goes out (the server may see a dropped one late).
    expect(client.calls).toBe(1);
    expect(takeDeadlineWarnings()).toEqual([
      `The test service (${base}) did not answer within 0.05 s (GET ${base}/stall): the figure is left out; the action goes on without it for the rest of this job. The build is not affected.`
    ]);
    expect(takeDeadlineWarnings()).toEqual([]);
  });

  test('is not tried again: a retried request stops at the timeout', async () => {
    const client = new Http({ timeoutMs: 50, service: SERVICE, clock: noWait });
    const r = await client.request('GET', `${base}/stall`, { policy: { attempts: 3, backoffMs: 0 } });
    expect(r.ok).toBe(false);
    expect(client.calls).toBe(1);
  });

  test('marks nothing when the client names no service (a caller that keeps its own counsel)', async () => {
    const client = new Http({ timeoutMs: 50 });
    await client.request('GET', `${base}/stall`);
    expect(downFor(`${base}/x`)).toBeUndefined();
    expect(takeDeadlineWarnings()).toEqual([]);
  });

  test('the query is never part of the warning (a signature, a token)', async () => {
    await new Http({ timeoutMs: 50, service: SERVICE }).request(
      'GET',
      `${base.replace('http://', 'http://user:secret-password@')}/stall?refresh_token=secret-token`
    );
    const said = takeDeadlineWarnings().join('\n');
    expect(said).toContain('/stall');
    expect(said).not.toMatch(/secret-token|secret-password/);
  });
});

describe('the connect deadline', () => {
  test('a listener that never completes the handshake: the service could not be connected to, and is down', async () => {
    // A socket listening with a backlog of 0 that never accepts: once one connection waits in its queue, the
    // kernel drops further SYNs and a connect hangs, as it does towards a host that drops packets. Python, because
    // Node accepts every connection itself.
    const listener = spawn(
      'python3',
      [
        '-c',
        "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)"
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    );
    const filler: net.Socket[] = [];
    try {
      const port = await new Promise<number>((resolve) =>
        listener.stdout.once('data', (d) => resolve(Number(String(d).trim())))
      );
      const first = net.connect(port, '127.0.0.1');
      filler.push(first);
      await new Promise((resolve) => first.once('connect', resolve));
      const client = new Http({ timeoutMs: ANSWERED, service: SERVICE });
      const r = await client.request('GET', `http://127.0.0.1:${port}/v2/`);
      // connectMs 5 s, scaled by 0.01.
      expect(r).toMatchObject({
        ok: false,
        reason: `GET http://127.0.0.1:${port}/v2/ failed: could not connect within 0.05 s`
      });
      expect(downFor(`http://127.0.0.1:${port}/`)).toBe(
        `The test service (http://127.0.0.1:${port}) could not be connected to within 0.05 s (GET http://127.0.0.1:${port}/v2/) earlier in this job`
      );
    } finally {
      for (const s of filler) s.destroy();
      listener.kill();
    }
  });
});

describe('retried requests', () => {
  test('every attempt answered 503: the service is down for the job', async () => {
    const client = new Http({ timeoutMs: ANSWERED, service: SERVICE, clock: noWait });
    const r = await client.request('GET', `${base}/503`, { policy: { attempts: 3, backoffMs: 0 } });
    expect(r).toMatchObject({ ok: false, attempts: 3 });
    expect(downFor(`${base}/fine`)).toBe(
      `The test service (${base}) failed 3 attempts (GET ${base}/503: answered 503) earlier in this job`
    );
  });

  test('one attempt answered 503 (a request that is not retried): not down', async () => {
    await new Http({ timeoutMs: ANSWERED, service: SERVICE }).request('GET', `${base}/503`);
    expect(downFor(`${base}/fine`)).toBeUndefined();
  });

  test('a rate limit outlasting the attempts is an answer, not silence: not down', async () => {
    await new Http({ timeoutMs: ANSWERED, service: SERVICE, clock: noWait }).request('GET', `${base}/429`, {
      policy: { attempts: 2, backoffMs: 0 }
    });
    expect(downFor(`${base}/fine`)).toBeUndefined();
  });
});

describe('phases', () => {
  test("past the phase's budget its requests end, nothing is marked down, and one warning says the phase was cut short", async () => {
    const client = new Http({ timeoutMs: 60_000, service: SERVICE });
    // budgetRead: 20 s scaled by 0.01.
    const r = await withinPhase('budgetRead', () => client.request('GET', `${base}/stall`));
    expect(answered(r)).toBeUndefined();
    expect(downFor(`${base}/fine`)).toBeUndefined();
    expect(takeDeadlineWarnings()).toEqual([
      'Reading the cache budget took longer than its 0.2 s budget and was cut short: what it had not read yet is left out (usage, the listing or the export estimate). The build is not affected.'
    ]);
    // Outside the phase the service is asked again.
    expect(answered(await client.request('GET', `${base}/fine`))?.status).toBe(200);
  });

  test("a request whose deadline was clipped to the phase's end runs out before the phase's own timer: the phase is cut short all the same", async () => {
    // The transport gives up at once as a clipped deadline would (a TimeoutError): the phase's 0.2 s timer has not
    // fired, and on a busy machine either timer can fire first.
    const timedOut: Fetch = async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    const client = new Http({ timeoutMs: 60_000, service: SERVICE, fetch: timedOut });
    const r = await withinPhase('budgetRead', () => client.request('GET', `${base}/stall`));
    expect(answered(r)).toBeUndefined();
    expect(downFor(`${base}/fine`)).toBeUndefined();
    expect(takeDeadlineWarnings()).toEqual([
      expect.stringMatching(/^Reading the cache budget took longer than its 0\.2 s budget and was cut short/)
    ]);
  });

  test('a request clipped to the end of the phase does not start once it is over', async () => {
    const client = new Http({ timeoutMs: 60_000, service: SERVICE });
    const r = await withinPhase('probes', async () => {
      await client.request('GET', `${base}/stall`);
      return client.request('GET', `${base}/fine`);
    });
    expect(answered(r)).toBeUndefined();
    expect(client.calls).toBe(1);
  });

  test('a phase that ends in time says nothing', async () => {
    // pruneCommand: 10 minutes scaled to 6 s, room for a busy machine.
    const r = await withinPhase('pruneCommand', () =>
      new Http({ timeoutMs: ANSWERED, service: SERVICE }).request('GET', `${base}/fine`)
    );
    expect(answered(r)?.status).toBe(200);
    expect(takeDeadlineWarnings()).toEqual([]);
  });
});

describe('per step', () => {
  jestTest(
    'what one step learns is its own: another step, and a request outside any step, ask the service again',
    async () => {
      const first = new Deadlines();
      await first.run(() => new Http({ timeoutMs: 50, service: SERVICE }).request('GET', `${base}/stall`));
      expect(first.downFor(`${base}/fine`)).toContain('did not answer within 0.05 s');
      const second = new Deadlines();
      const again = await second.run(() =>
        new Http({ timeoutMs: ANSWERED, service: SERVICE }).request('GET', `${base}/fine`)
      );
      expect(answered(again)?.status).toBe(200);
      expect(second.takeWarnings()).toEqual([]);
      const outside = await new Http({ timeoutMs: ANSWERED, service: SERVICE }).request('GET', `${base}/fine`);
      expect(answered(outside)?.status).toBe(200);
      expect(first.takeWarnings()).toHaveLength(1);
    }
  );
});

describe('the table (src/http/policies.ts)', () => {
  test('a silent service costs at most ~30 s: one request deadline, which fits every phase that sends it', () => {
    const deadlines = [
      POLICIES.rest.requestMs,
      POLICIES.cacheService.requestMs,
      POLICIES.probe.requestMs,
      POLICIES.otherRequestMs
    ];
    expect(Math.max(...deadlines)).toBeLessThanOrEqual(30_000);
    // A healthy answer just under its deadline is not cut short by the phase it runs in.
    expect(POLICIES.phases.budgetRead).toBeGreaterThanOrEqual(
      Math.max(POLICIES.rest.requestMs, POLICIES.cacheService.requestMs)
    );
    expect(POLICIES.phases.probes).toBeGreaterThanOrEqual(POLICIES.probe.requestMs);
    expect(POLICIES.phases.prune).toBeGreaterThanOrEqual(POLICIES.rest.requestMs);
    expect(POLICIES.connectMs).toBeLessThanOrEqual(POLICIES.probe.requestMs);
  });

  test('the scale: a positive number up to 1, anything else is 1', () => {
    expect(deadlineScale('0.05')).toBe(0.05);
    for (const text of [undefined, '', ' ', '0', '-1', '2', 'fast', 'NaN']) expect(deadlineScale(text)).toBe(1);
    expect(scaled(10_000, 0.05)).toBe(500);
    expect(scaled(10, 0.0001)).toBe(1);
  });
});
