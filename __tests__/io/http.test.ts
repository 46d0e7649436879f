/** The one HTTP client against a scripted local server: retries by the one policy, results instead of throws, the proxy. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { answered, type Clock, Http, type Parsed } from '../../src/io/http/client.js';

/** What the server answers, one script entry per request (the last one repeats). */
type Step = {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  drop?: boolean;
  stall?: boolean;
  trickle?: { chunks: number; everyMs: number };
};
let script: Step[] = [];
let hits: string[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const step = script.length > 1 ? script.shift()! : (script[0] ?? {});
    if (step.drop) return void req.socket.destroy();
    if (step.stall) {
      res.writeHead(200, { 'content-length': '100' });
      return void res.write('partial');
    }
    if (step.trickle) {
      const { chunks, everyMs } = step.trickle;
      res.writeHead(200, { 'content-length': String(chunks) });
      let sent = 0;
      const timer = setInterval(() => {
        res.write('x');
        if (++sent === chunks) {
          clearInterval(timer);
          res.end();
        }
      }, everyMs);
      return;
    }
    res.writeHead(step.status ?? 200, step.headers ?? {});
    res.end(step.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});
afterEach(() => {
  script = [];
  hits = [];
});

function fakeClock(): Clock & { waits: number[] } {
  let now = Date.parse('2026-11-28T12:00:00Z');
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
}

const release = (v: unknown): Parsed<{ tag: string }> => {
  const tag = (v as { tag?: unknown } | null)?.tag;
  return typeof tag === 'string' ? { ok: true, value: { tag } } : { ok: false, reason: 'not a release (no tag)' };
};
const policy = { attempts: 3, backoffMs: 100 };

describe('getJson', () => {
  test('5xx is tried again after doubling waits; every attempt is counted', async () => {
    script = [{ status: 503 }, { status: 502 }, { body: '{"tag":"v1"}' }];
    const clock = fakeClock();
    const client = new Http({ clock });
    expect(await client.getJson(`${base}/r`, release, { policy })).toEqual({
      ok: true,
      value: { tag: 'v1' },
      attempts: 3
    });
    expect(clock.waits).toEqual([100, 200]);
    expect(client.calls).toBe(3);
  });

  test('429 waits what retry-after says', async () => {
    script = [{ status: 429, headers: { 'retry-after': '2' } }, { body: '{"tag":"v1"}' }];
    const clock = fakeClock();
    expect(await new Http({ clock }).getJson(`${base}/r`, release, { policy })).toMatchObject({
      ok: true,
      attempts: 2
    });
    expect(clock.waits).toEqual([2000]);
  });

  test('a body that is not JSON is one attempt and a clear reason', async () => {
    script = [{ body: '<html>maintenance</html>' }, { body: '{"tag":"v1"}' }];
    const r = await new Http({ clock: fakeClock() }).getJson(`${base}/r`, release, { policy });
    expect(r).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { kind: 'parse', status: 200 },
      reason: expect.stringMatching(/^the answer to GET http:\S+\/r is not JSON \(24 bytes\)$/)
    });
    expect(hits).toHaveLength(1);
  });

  test('JSON of the wrong shape is one attempt, and the check says why', async () => {
    script = [{ body: '{"name":"v1"}' }];
    const r = await new Http({ clock: fakeClock() }).getJson(`${base}/r`, release, { policy });
    expect(r).toMatchObject({ ok: false, attempts: 1, reason: expect.stringMatching(/is not a release \(no tag\)$/) });
  });

  test('404 is final: one attempt, the status kept for the caller', async () => {
    script = [{ status: 404 }];
    expect(await new Http({ clock: fakeClock() }).getJson(`${base}/r`, release, { policy })).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { status: 404 }
    });
  });

  test('a dropped connection is tried again', async () => {
    script = [{ drop: true }, { body: '{"tag":"v2"}' }];
    expect(await new Http({ clock: fakeClock() }).getJson(`${base}/r`, release, { policy })).toMatchObject({
      ok: true,
      value: { tag: 'v2' },
      attempts: 2
    });
  });

  test('a connection refused that outlasts the attempts is a reason, not a throw', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await new Http({ clock: fakeClock() }).getJson(`http://127.0.0.1:${port}/r`, release, {
      policy: { attempts: 2, backoffMs: 1 }
    });
    expect(r).toMatchObject({
      ok: false,
      attempts: 2,
      failure: { code: 'ECONNREFUSED' },
      reason: expect.stringMatching(/^GET \S+ failed: .*ECONNREFUSED.*\(after 2 attempts\)$/)
    });
  });
});

describe('request', () => {
  test('any final status is an answer; a retryable one that persists is a failure named by the label, not the URL', async () => {
    script = [{ status: 404, body: 'gone' }];
    expect(await new Http({ clock: fakeClock() }).request('GET', `${base}/x`, { policy })).toMatchObject({
      ok: true,
      value: { status: 404, body: 'gone' },
      attempts: 1
    });
    script = [{ status: 500 }];
    const r = await new Http({ clock: fakeClock() }).request('GET', `${base}/x?sig=secret`, {
      policy,
      label: 'the signed download URL'
    });
    expect(r).toMatchObject({
      ok: false,
      attempts: 3,
      reason: 'the signed download URL answered 500 (after 3 attempts)'
    });
    expect(JSON.stringify(r)).not.toContain('secret');
  });
});

describe('download', () => {
  test('a 500, then the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-'));
    try {
      script = [{ status: 500 }, { body: 'bytes' }];
      const dest = path.join(dir, 'f');
      expect(await new Http({ clock: fakeClock() }).download(`${base}/f`, dest, { policy })).toMatchObject({
        ok: true,
        attempts: 2
      });
      expect(fs.readFileSync(dest, 'utf8')).toBe('bytes');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('download: no overall timeout, an idle one', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a body that stops coming is cut after the idle timeout, and tried again', async () => {
    script = [{ stall: true }, { body: 'whole' }];
    const r = await new Http({ clock: fakeClock() }).download(`${base}/f`, path.join(dir, 'stalled'), {
      policy,
      idleTimeoutMs: 200
    });
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(fs.readFileSync(path.join(dir, 'stalled'), 'utf8')).toBe('whole');
  });

  test('a body that keeps coming is not cut, however long it takes in all', async () => {
    script = [{ trickle: { chunks: 12, everyMs: 100 } }];
    const r = await new Http({ clock: fakeClock(), timeoutMs: 500 }).download(`${base}/f`, path.join(dir, 'slow'), {
      policy: { attempts: 1, backoffMs: 1 },
      idleTimeoutMs: 1000
    });
    expect(r).toMatchObject({ ok: true, attempts: 1 });
    expect(fs.readFileSync(path.join(dir, 'slow'), 'utf8')).toBe('x'.repeat(12));
  });
});

describe('request: the reply the REST client reads error answers from', () => {
  test('retries 502 and gives back the answer that came', async () => {
    script = [{ status: 502 }, { body: 'ok' }];
    const client = new Http({ clock: fakeClock() });
    const res = answered(await client.request('GET', `${base}/a`, { policy }));
    expect([res?.status, res?.body, client.calls]).toEqual([200, 'ok', 2]);
  });

  test('a final status comes back at once; a retryable one that persists comes back readable after the last attempt', async () => {
    script = [{ status: 403, body: 'Resource not accessible by integration' }];
    const client = new Http({ clock: fakeClock() });
    const forbidden = answered(await client.request('GET', `${base}/a`, { policy }));
    expect([forbidden?.status, client.calls]).toEqual([403, 1]);
    script = [{ status: 503, body: 'busy', headers: { 'X-Request-Id': 'r1' } }];
    const busy = await client.request('GET', `${base}/a`, { policy });
    expect(busy).toMatchObject({ ok: false, attempts: 3, answer: { status: 503, body: 'busy' } });
    expect([answered(busy)?.headers.get('x-request-id'), client.calls]).toEqual(['r1', 4]);
  });

  test('a 403 whose body names a rate limit is retried', async () => {
    script = [
      { status: 403, body: 'You have exceeded a secondary rate limit', headers: { 'retry-after': '1' } },
      { body: 'ok' }
    ];
    const clock = fakeClock();
    const client = new Http({ clock });
    expect(answered(await client.request('GET', `${base}/a`, { policy }))?.body).toBe('ok');
    expect(clock.waits).toEqual([1000]);
  });

  test('a network failure that outlasts the attempts is a failure with its code, and no answer', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const client = new Http({ clock: fakeClock() });
    const r = await client.request('GET', `http://127.0.0.1:${port}/a`, { policy: { attempts: 2, backoffMs: 1 } });
    expect(r).toMatchObject({
      ok: false,
      failure: { code: 'ECONNREFUSED' },
      reason: expect.stringMatching(/ECONNREFUSED.*\(after 2 attempts\)$/)
    });
    expect(answered(r)).toBeUndefined();
    expect(client.calls).toBe(2);
  });
});

describe('proxy', () => {
  const saved = { http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  test('http_proxy carries the request (as @actions/http-client decided it before); a loopback host goes direct', async () => {
    const tunnelled: string[] = [];
    // A CONNECT proxy that sends every tunnel to the scripted server, whatever host was asked for.
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnelled.push(req.url ?? '');
      const upstream = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      process.env.http_proxy = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      delete process.env.no_proxy;
      script = [{ body: '{"tag":"via-proxy"}' }];
      const r = await new Http({ clock: fakeClock() }).getJson('http://releases.example.invalid/r', release);
      expect(r).toMatchObject({ ok: true, value: { tag: 'via-proxy' } });
      expect(tunnelled).toEqual(['releases.example.invalid:80']);
      // A loopback host goes direct, as @actions/http-client's checkBypass says.
      script = [{ body: '{"tag":"direct"}' }];
      expect(await new Http({ clock: fakeClock() }).getJson(`${base}/r`, release)).toMatchObject({
        ok: true,
        value: { tag: 'direct' }
      });
      expect(tunnelled).toHaveLength(1);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe('download: the answer’s headers come back with the file', () => {
  test('a 200’s headers (an object store’s metadata) are the value', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-'));
    try {
      script = [{ body: 'bytes', headers: { 'X-Amz-Meta-Sha256': 'ab'.repeat(32) } }];
      const r = await new Http({ clock: fakeClock() }).download(`${base}/f`, path.join(dir, 'f'), { policy });
      expect(r.ok && r.value.get('x-amz-meta-sha256')).toBe('ab'.repeat(32));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('upload: a file streamed as the body', () => {
  /** What the upload server received, and what it answers next (the last one repeats). */
  let received: { method: string; body: string }[] = [];
  let answers: { status: number; headers?: Record<string, string>; silent?: boolean }[] = [];
  let up: http.Server;
  let upBase: string;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-up-'));
    file = path.join(dir, 'archive.tar');
    fs.writeFileSync(file, 'y'.repeat(300_000));
    up = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      const next = answers.length > 1 ? answers.shift()! : answers[0];
      if (next.silent) return; // reads nothing, answers nothing
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, body: Buffer.concat(chunks).toString() });
        res.writeHead(next.status, next.headers ?? {});
        res.end(`answer ${next.status}`);
      });
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    upBase = `http://127.0.0.1:${(up.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    up.closeAllConnections();
    await new Promise<void>((r) => up.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    received = [];
  });

  test.each([
    ['node:http', undefined],
    ['a fetch handed in (the proxy path)', globalThis.fetch]
  ])('over %s: the whole file arrives; a 503 is tried again; the final answer comes back', async (_how, fetch) => {
    answers = [{ status: 503 }, { status: 201, headers: { Location: '/done' } }];
    const client = new Http({ clock: fakeClock(), fetch });
    const r = await client.upload('PUT', `${upBase}/blob?digest=x`, file, { policy, headers: { 'X-Kind': 'tar' } });
    const a = answered(r);
    expect([a?.status, a?.headers.get('location'), a?.body, client.calls]).toEqual([201, '/done', 'answer 201', 2]);
    expect(received.map((x) => [x.method, x.body.length])).toEqual([
      ['PUT', 300_000],
      ['PUT', 300_000]
    ]);
  });

  test('a status the caller reads (a 401 challenge) comes back at once, with its headers', async () => {
    answers = [{ status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="x"' } }];
    const r = await new Http({ clock: fakeClock() }).upload('PUT', `${upBase}/blob`, file, { policy });
    expect(answered(r)?.headers.get('www-authenticate')).toBe('Bearer realm="x"');
    expect(received).toHaveLength(1);
  });

  test('a server that takes no byte: the attempt ends after the idle timeout, a TimeoutError', async () => {
    answers = [{ status: 0, silent: true }];
    const r = await new Http({ clock: fakeClock() }).upload('PUT', `${upBase}/blob`, file, {
      policy: { attempts: 1, backoffMs: 1 },
      idleTimeoutMs: 300
    });
    expect(r).toMatchObject({ ok: false, failure: { code: 'TimeoutError' } });
    expect(r.ok ? '' : r.reason).toContain('no data for 0.3 s');
  });
});
