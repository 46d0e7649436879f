/**
 * The node:http transport of the one HTTP client (src/io/http/node.ts), taken when no fetch is handed in and no proxy
 * applies: what fetch gave the callers (redirects, the timeout, network error codes, bodies, headers), and that a
 * request on it leaves Node's fetch machinery (its bundled undici) unloaded, which is why it exists (issue 13).
 * Each behaviour is run on both transports where fetch can be handed in, so the node path is held to fetch's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { answered, type Clock, Http, type HttpOptions } from '../../src/io/http/client.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A loopback server whose answer each test sets; it records what it was sent. */
function startServer() {
  const seen: Seen[] = [];
  let handler: Handler = (_req, res) => res.end();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  const ready = new Promise<string>((r) =>
    server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`))
  );
  return {
    seen,
    ready,
    on: (h: Handler) => void (handler = h),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    }
  };
}

let one: ReturnType<typeof startServer>;
let two: ReturnType<typeof startServer>;
let a: string;
let b: string;
beforeAll(async () => {
  one = startServer();
  two = startServer();
  [a, b] = await Promise.all([one.ready, two.ready]);
});
afterAll(() => Promise.all([one.close(), two.close()]));
afterEach(() => {
  one.seen.length = 0;
  two.seen.length = 0;
});

function fakeClock(): Clock & { waits: number[] } {
  let now = Date.parse('2026-11-28T12:00:00Z');
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
}

/** The node transport (no fetch given), and fetch handed in: the same expectations hold for both. */
const transports: Array<[string, () => Partial<HttpOptions>]> = [
  ['node:http', () => ({})],
  ['fetch', () => ({ fetch: globalThis.fetch })]
];
const client = (transport: () => Partial<HttpOptions>, o: Partial<HttpOptions> = {}) =>
  new Http({ clock: fakeClock(), ...transport(), ...o });

describe.each(transports)('over %s', (_name, transport) => {
  test('a relative Location is followed from the URL that answered, one call counted, authorization kept on the same origin', async () => {
    one.on((req, res) => {
      if (req.url === '/dir/start') res.writeHead(302, { location: 'next?x=1' }).end('moved');
      else res.end(`at ${req.url}`);
    });
    const http = client(transport);
    const r = await http.request('GET', `${a}/dir/start`, { headers: { Authorization: 'Bearer secret' } });
    expect(r).toMatchObject({ ok: true, value: { status: 200, body: 'at /dir/next?x=1' } });
    expect(one.seen.map((s) => [s.url, s.headers.authorization])).toEqual([
      ['/dir/start', 'Bearer secret'],
      ['/dir/next?x=1', 'Bearer secret']
    ]);
    expect(http.calls).toBe(1);
  });

  test('an absolute Location to another origin is followed without the authorization header', async () => {
    one.on((_req, res) => res.writeHead(301, { location: `${b}/blob` }).end());
    two.on((_req, res) => res.end('the blob'));
    const r = await client(transport).request('GET', `${a}/redirect`, {
      headers: { Authorization: 'Bearer secret', 'x-ms-version': '2025-01-05' }
    });
    expect(r).toMatchObject({ ok: true, value: { status: 200, body: 'the blob' } });
    expect(one.seen[0].headers.authorization).toBe('Bearer secret');
    expect(two.seen).toHaveLength(1);
    expect(two.seen[0].headers.authorization).toBeUndefined();
    expect(two.seen[0].headers['x-ms-version']).toBe('2025-01-05');
  });

  test('HEAD follows a redirect and stays HEAD; a 3xx without a Location is the answer', async () => {
    one.on((req, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else if (req.url === '/new') res.writeHead(200, { 'Docker-Content-Digest': 'sha256:abc' }).end();
      else res.writeHead(304).end();
    });
    const http = client(transport);
    const head = answered(await http.request('HEAD', `${a}/old`));
    expect([head?.status, head?.body, head?.headers.get('docker-content-digest')]).toEqual([200, '', 'sha256:abc']);
    expect(one.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['HEAD /old', 'HEAD /new']);
    expect(answered(await http.request('GET', `${a}/no-location`))?.status).toBe(304);
  });

  test('more than 20 redirects in a row is a failure, not a loop, and its reason names no signed URL', async () => {
    one.on((req, res) =>
      res.writeHead(302, { location: `/hop${Number(/\/hop(\d+)/.exec(req.url ?? '')?.[1] ?? 0) + 1}?sig=secret` }).end()
    );
    const r = await client(transport).request('GET', `${a}/hop0?sig=secret`, { label: 'the signed download URL' });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^the signed download URL failed: /) });
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(one.seen).toHaveLength(21);
  });

  test("a connection lost in the middle of the body is a network failure (ECONNRESET; undici's UND_ERR_SOCKET), retried, naming no signed URL", async () => {
    one.on((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.socket?.destroy());
    });
    const http = client(transport);
    const r = await http.request('GET', `${a}/blob?sig=secret`, {
      policy: { attempts: 2, backoffMs: 1 },
      label: 'the signed download URL'
    });
    expect(r).toMatchObject({
      ok: false,
      attempts: 2,
      failure: { code: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/) }
    });
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(http.calls).toBe(2);
  });

  test('a Location that is not http(s) is a failure', async () => {
    one.on((_req, res) => res.writeHead(302, { location: 'ftp://files.example/x' }).end());
    expect(await client(transport).request('GET', `${a}/ftp`)).toMatchObject({ ok: false });
  });

  test('a POST 307 is sent again with its body; a POST 303 becomes a GET without it', async () => {
    one.on((req, res) => {
      if (req.url === '/keep') res.writeHead(307, { location: '/kept' }).end();
      else if (req.url === '/see') res.writeHead(303, { location: '/seen' }).end();
      else res.end(`${req.method} ${req.url}`);
    });
    const http = client(transport);
    const kept = await http.request('POST', `${a}/keep`, {
      headers: { 'content-type': 'application/json' },
      body: '{"k":1}'
    });
    expect(kept).toMatchObject({ ok: true, value: { body: 'POST /kept' } });
    expect(one.seen.map((s) => [s.method, s.url, s.body, s.headers['content-type']])).toEqual([
      ['POST', '/keep', '{"k":1}', 'application/json'],
      ['POST', '/kept', '{"k":1}', 'application/json']
    ]);
    one.seen.length = 0;
    const seen = await http.request('POST', `${a}/see`, {
      headers: { 'content-type': 'application/json' },
      body: '{"k":1}'
    });
    expect(seen).toMatchObject({ ok: true, value: { body: 'GET /seen' } });
    expect(one.seen.map((s) => [s.method, s.body, s.headers['content-type']])).toEqual([
      ['POST', '{"k":1}', 'application/json'],
      ['GET', '', undefined]
    ]);
  });

  test("a POST and a PUT carry their body (text, bytes) with its length; a user-agent is added, the caller's kept", async () => {
    one.on((_req, res, body) => res.writeHead(201).end(`got ${Buffer.byteLength(body)}`));
    const http = client(transport);
    const text = 'naïve ✓';
    expect(
      await http.request('POST', `${a}/twirp`, { headers: { 'Content-Type': 'application/json' }, body: text })
    ).toMatchObject({ ok: true, value: { status: 201, body: 'got 10' } });
    expect(
      await http.request('PUT', `${a}/blob`, { headers: { 'User-Agent': 'mine' }, body: Buffer.from([0, 1, 2, 255]) })
    ).toMatchObject({ ok: true, value: { status: 201 } });
    const [post, put] = one.seen;
    expect([
      post.method,
      post.body,
      post.headers['content-length'],
      post.headers['content-type'],
      post.headers['user-agent']
    ]).toEqual(['POST', text, '10', 'application/json', 'envd-cache-action']);
    expect([put.method, put.headers['content-length'], put.headers['user-agent']]).toEqual(['PUT', '4', 'mine']);
  });

  test("an answer's headers are read by any case of the name; repeated ones are joined; the entries have lower-case names", async () => {
    one.on((_req, res) => {
      res.setHeader('WWW-Authenticate', 'Bearer realm="https://auth.example/token"');
      res.setHeader('X-Multi', ['one', 'two']);
      res.end('{}');
    });
    const r = await client(transport).request('GET', `${a}/h`);
    if (!r.ok) throw new Error(r.reason);
    const { headers } = r.value;
    expect(headers.get('www-authenticate')).toBe('Bearer realm="https://auth.example/token"');
    expect(headers.get('WWW-AUTHENTICATE')).toBe(headers.get('www-authenticate'));
    expect(headers.get('x-multi')).toBe('one, two');
    expect(headers.get('absent')).toBeNull();
    expect(Object.fromEntries(headers)).toMatchObject({
      'www-authenticate': 'Bearer realm="https://auth.example/token"',
      'x-multi': 'one, two'
    });
  });

  test("no answer within the timeout is a TimeoutError, retried by the policy; RequestOptions.timeoutMs overrides the client's", async () => {
    one.on(() => undefined); // never answers
    const http = client(transport, { timeoutMs: 60_000 });
    const started = Date.now();
    const r = await http.request('GET', `${a}/slow`, { policy: { attempts: 2, backoffMs: 1 }, timeoutMs: 150 });
    expect(r).toMatchObject({ ok: false, attempts: 2, failure: { code: 'TimeoutError' } });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(http.calls).toBe(2);
  });

  test('a body that stops coming is cut by the timeout too', async () => {
    one.on((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const r = await client(transport, { timeoutMs: 150 }).getText(`${a}/stalled`);
    expect(r).toMatchObject({ ok: false, failure: { code: 'TimeoutError' } });
  });

  test('a connection refused carries its code and is tried again by the policy', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const http = client(transport);
    const r = await http.getText(`http://127.0.0.1:${port}/x`, { policy: { attempts: 3, backoffMs: 1 } });
    expect(r).toMatchObject({ ok: false, attempts: 3, failure: { code: 'ECONNREFUSED' } });
    expect(http.calls).toBe(3);
    const sent = await http.request('GET', `http://127.0.0.1:${port}/x`);
    expect(sent).toMatchObject({ ok: false, attempts: 1, reason: expect.stringContaining('ECONNREFUSED') });
    expect(answered(sent)).toBeUndefined();
  });
});

/** Runs an ES module in a child `node` (the TypeScript sources loaded through bench/register.mjs) and parses what it prints. */
function runChild(dir: string, lines: string[], args: string[] = [], env: Record<string, string> = {}): unknown {
  const script = path.join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(script, lines.join('\n'));
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(path.join(ROOT, 'bench', 'register.mjs')).href,
      script,
      pathToFileURL(path.join(ROOT, 'src', 'io', 'http', 'client.js')).href,
      ...args
    ],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), NODE_NO_WARNINGS: '1', ...env },
      timeout: 60_000
    }
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('node:http only', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-node-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('no accept-encoding is sent, so nothing comes back compressed to decode', async () => {
    one.on((_req, res) => res.end('plain'));
    await new Http().request('GET', `${a}/plain`);
    expect(one.seen[0].headers['accept-encoding']).toBeUndefined();
  });

  test("a request leaves Node's fetch machinery unloaded; the same request through fetch loads it (the probe can tell)", () => {
    const out = runChild(dir, [
      // The server through require too: an ES module import of node:http would load undici on Node 24.
      "import { createRequire } from 'node:module';",
      "const http = createRequire(import.meta.url)('node:http');",
      'const { Http } = await import(process.argv[2]);',
      "const server = http.createServer((req, res) => res.end('hi'));",
      "await new Promise((r) => server.listen(0, '127.0.0.1', r));",
      'const url = `http://127.0.0.1:${server.address().port}/`;',
      // Node loads its bundled undici as the internal module internal/deps/undici/undici, on the first fetch
      // call or the first touch of Headers, Request or Response (lazy globals until then; on Node 24 even asking
      // for their property descriptor loads it, so only the module list is looked at), and on Node 24 when
      // node:http's lazy WebSocket export is read (an ES module import of node:http reads it: src/io/http/node.ts).
      "const loaded = () => process.moduleLoadList.some((m) => m.includes('undici'));",
      "const node = await new Http().request('GET', url);",
      'const afterNode = { body: node.ok && node.value.body, undici: loaded() };',
      "const viaFetch = await new Http({ fetch: globalThis.fetch }).request('GET', url);",
      'const afterFetch = { body: viaFetch.ok && viaFetch.value.body, undici: loaded() };',
      'console.log(JSON.stringify({ afterNode, afterFetch }));',
      'server.close();'
    ]);
    expect(out).toEqual({
      afterNode: { body: 'hi', undici: false },
      afterFetch: { body: 'hi', undici: true }
    });
  });

  test('https over node:https trusts NODE_EXTRA_CA_CERTS; a certificate it cannot trust is a failure not retried', () => {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1'
      ],
      { encoding: 'utf8' }
    );
    expect(made.status).toBe(0);
    const lines = [
      "import * as fs from 'node:fs';",
      "import * as https from 'node:https';",
      'const { Http } = await import(process.argv[2]);',
      "const server = https.createServer({ key: fs.readFileSync(process.argv[3]), cert: fs.readFileSync(process.argv[4]) }, (req, res) => res.end('secure'));",
      "await new Promise((r) => server.listen(0, '127.0.0.1', r));",
      "const r = await new Http({ clock: { now: () => 0, sleep: async () => undefined } }).request('GET', `https://127.0.0.1:${server.address().port}/`, { policy: { attempts: 3, backoffMs: 1 } });",
      "console.log(JSON.stringify({ ok: r.ok, body: r.ok ? r.value.body : undefined, code: r.ok ? undefined : r.failure.code, attempts: r.attempts, undici: process.moduleLoadList.some((m) => m.includes('undici')) }));",
      'server.close();'
    ];
    expect(runChild(dir, lines, [key, cert], { NODE_EXTRA_CA_CERTS: cert })).toEqual({
      ok: true,
      body: 'secure',
      attempts: 1,
      undici: false
    });
    expect(runChild(dir, lines, [key, cert])).toEqual({
      ok: false,
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/),
      attempts: 1,
      undici: false
    });
  });
});
