/**
 * A fault proxy for tests: a loopback HTTP/1.1 proxy in front of one upstream (the GitHub cache emulator, the
 * docker-registry the suite starts, the s3rver stand-in, or anything else on 127.0.0.1) that misbehaves on
 * purpose, as a bad network or a sick service would. Plain JavaScript with Node built-ins only, so that the jest
 * suite, `scripts/contract-buildkit.mjs` and a shell (the CLI at the bottom) can all use it. Types: fault-proxy.d.mts.
 *
 *   const proxy = await startFaultProxy({ upstream: emu.url });        // passes everything through
 *   await proxy.set({ kind: 'stall' });                                // from now on: accept, never answer
 *   await proxy.set({ kind: 'cut', path: /\/blobs\/sha256:/ });        // half of each blob body, then drop
 *   proxy.counts().stall                                               // how many requests it stalled
 *
 * The faults (`FAULT_KINDS`):
 *  - `none`              pass every request through untouched.
 *  - `refuse`            the port is closed (the client sees ECONNREFUSED); open connections are dropped. A refused
 *                        connection never reaches this process, so it cannot be counted: assert what the client
 *                        saw. Setting another fault listens on the same port again.
 *  - `reset`             accept, then RST (ECONNRESET). With `path`, only requests whose path matches are reset.
 *  - `503`               answer every request 503 (the body is read first, as a server would).
 *  - `every-second-503`  the 2nd, 4th, … matching request since the fault was set answers 503, the others pass.
 *  - `cut`               forward, then send the upstream's status, headers (its full Content-Length) and the first
 *                        `fraction` (default ½) of its body, and drop the connection: the client reads a short body
 *                        (Go: `unexpected EOF`). A body of 0 or 1 byte is passed whole (there is nothing to cut).
 *  - `slow`              wait `ms` before forwarding each request.
 *  - `stall`             read the request, never answer; the connection stays open until the client gives up, the
 *                        fault is changed to `refuse`, or the proxy closes.
 * Every fault but `refuse` takes an optional `path` (a RegExp tested against the request's path and query):
 * requests that do not match pass through. The Host header is forwarded unchanged, so what the upstream builds
 * from it (a registry's upload Location, an S3 signature over the host) stays pointed at the proxy.
 *
 * What it did is recorded per request (`requests()`: method, path, what was done) and counted per action
 * (`counts()`: passed, reset, 503, cut, slow, stall, and `error` when the upstream itself failed), so a test can
 * assert that the fault was exercised and not merely configured; `until(action, n)` resolves once it happened n times.
 */
import * as http from 'node:http';
import { pathToFileURL } from 'node:url';

export const FAULT_KINDS = Object.freeze([
  'none',
  'refuse',
  'reset',
  '503',
  'every-second-503',
  'cut',
  'slow',
  'stall'
]);

const ACTIONS = ['passed', 'reset', '503', 'cut', 'slow', 'stall', 'error'];

/**
 * Reads a fault written as text, for a CLI or an environment variable: `none`, `refuse`, `reset`, `503`,
 * `every-second-503`, `stall`, `slow:<ms>`, `cut[:<fraction>]`, each optionally followed by `@<path regexp>`
 * (`cut@/blobs/`, `503@/manifests/`, `slow:1500`). Throws with the accepted forms on anything else.
 */
export function parseFault(text) {
  const at = text.indexOf('@');
  const head = at < 0 ? text : text.slice(0, at);
  const path = at < 0 ? undefined : new RegExp(text.slice(at + 1));
  const [kind, arg] = head.split(':');
  const fault = { kind };
  if (path) fault.path = path;
  if (kind === 'slow') fault.ms = Number(arg);
  if (kind === 'cut' && arg !== undefined) fault.fraction = Number(arg);
  validate(fault);
  return fault;
}

function validate(fault) {
  const forms =
    'none, refuse, reset, 503, every-second-503, stall, slow:<ms>, cut[:<fraction>], each with an optional @<path regexp>';
  if (!FAULT_KINDS.includes(fault.kind))
    throw new Error(`fault-proxy: unknown fault ${JSON.stringify(fault.kind)} (one of: ${forms})`);
  if (fault.kind === 'slow' && !(Number.isFinite(fault.ms) && fault.ms >= 0))
    throw new Error('fault-proxy: slow needs ms ≥ 0 (slow:<ms>)');
  if (fault.kind === 'cut' && fault.fraction !== undefined && !(fault.fraction >= 0 && fault.fraction < 1)) {
    throw new Error('fault-proxy: cut needs a fraction in [0, 1) (cut:<fraction>)');
  }
  if (fault.kind === 'refuse' && fault.path) throw new Error('fault-proxy: refuse closes the port; it takes no path');
  if (fault.path !== undefined && !(fault.path instanceof RegExp))
    throw new Error('fault-proxy: path must be a RegExp');
}

/** `http://127.0.0.1:PORT`, `127.0.0.1:PORT` or a URL with a path (only its host and port are used). */
function upstreamOf(text) {
  const url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
  if (url.protocol !== 'http:') throw new Error(`fault-proxy: upstream must be plain http, got ${url.protocol}`);
  return { hostname: url.hostname, port: Number(url.port || 80) };
}

/**
 * Starts a proxy on `host` (default 127.0.0.1) and `port` (default: a free one) in front of `upstream`, with
 * `fault` (default none). Resolves once it listens.
 */
export async function startFaultProxy({ upstream, fault = { kind: 'none' }, host = '127.0.0.1', port = 0 }) {
  const target = upstreamOf(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set();
  const log = [];
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0]));
  let current = { kind: 'none' };
  let seen = 0;
  let listening = false;
  let closed = false;

  const waiters = new Set();
  const note = (entry) => {
    counts[entry.action]++;
    log.push(entry);
    for (const w of waiters) {
      if (counts[w.action] < w.count) continue;
      waiters.delete(w);
      w.resolve();
    }
  };
  const record = (req, action) => note({ method: req.method ?? 'GET', path: req.url ?? '/', action });

  const server = http.createServer();
  // Hold a stalled request as long as the client does; never time a request out on the proxy's side.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    if (current.kind === 'reset' && !current.path) {
      note({ method: '', path: '', action: 'reset' });
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => handle(req, res));
  // A client that drops mid-request is not the proxy's problem.
  server.on('clientError', (_err, socket) => socket.destroy());

  function handle(req, res) {
    const fault = current;
    const matches = !fault.path || fault.path.test(req.url ?? '/');
    if (!matches || fault.kind === 'none') return forward(req, res, 'passed');
    switch (fault.kind) {
      case 'reset':
        record(req, 'reset');
        return req.socket.resetAndDestroy();
      case '503':
        return unavailable(req, res);
      case 'every-second-503':
        seen++;
        return seen % 2 === 0 ? unavailable(req, res) : forward(req, res, 'passed');
      case 'cut':
        return forward(req, res, 'cut', fault.fraction ?? 0.5);
      case 'slow':
        return void setTimeout(() => (closed ? req.socket.destroy() : forward(req, res, 'slow')), fault.ms);
      case 'stall':
        record(req, 'stall');
        return void req.resume();
      default:
        return forward(req, res, 'passed');
    }
  }

  function unavailable(req, res) {
    req.resume();
    req.on('end', () => {
      record(req, '503');
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' });
      res.end('fault proxy: 503 Service Unavailable\n');
    });
  }

  /** Sends the request upstream and its answer back; with `fraction`, only that part of the body, then drops. */
  function forward(req, res, action, fraction) {
    const headers = [...req.rawHeaders];
    const up = http.request({ ...target, agent, method: req.method, path: req.url, headers }, (answer) => {
      if (fraction === undefined) {
        record(req, action);
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        return void answer.pipe(res);
      }
      const chunks = [];
      answer.on('data', (c) => chunks.push(c));
      answer.on('end', () => sendCut(req, res, { answer, body: Buffer.concat(chunks), fraction }));
    });
    up.on('error', () => {
      record(req, 'error');
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('fault proxy: the upstream failed\n');
    });
    req.pipe(up);
  }

  function sendCut(req, res, { answer, body, fraction }) {
    const keep = Math.floor(body.length * fraction);
    const raw = answer.rawHeaders.filter(
      (_, i, all) => !/^(content-length|transfer-encoding)$/i.test(all[i - (i % 2)])
    );
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, [...raw, 'content-length', String(body.length)]);
    if (body.length < 2) {
      record(req, 'passed');
      return void res.end(body);
    }
    record(req, 'cut');
    res.write(body.subarray(0, keep), () => res.socket?.destroy());
  }

  const listen = () =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        port = server.address().port;
        listening = true;
        resolve();
      });
    });
  const unlisten = () =>
    new Promise((resolve) => {
      listening = false;
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  async function set(next) {
    validate(next);
    if (closed) throw new Error('fault-proxy: closed');
    current = { ...next };
    seen = 0;
    if (next.kind === 'refuse') {
      if (listening) await unlisten();
    } else if (!listening) {
      await listen();
    }
    // A connection kept alive from before would carry on as if nothing changed: new faults start on new ones.
    if (next.kind === 'reset') for (const socket of sockets) socket.destroy();
  }

  validate(fault);
  await listen();
  await set(fault);

  return {
    get port() {
      return port;
    },
    get host() {
      return `${host}:${port}`;
    },
    get url() {
      return `http://${host}:${port}`;
    },
    fault: () => ({ ...current }),
    set,
    counts: () => ({ ...counts }),
    /** Resolves once `action` was done `count` times in all (since the last `clear()`): wait on this, not on a clock. */
    until: (action, count = 1) =>
      counts[action] >= count ? Promise.resolve() : new Promise((resolve) => waiters.add({ action, count, resolve })),
    requests: () => log.map((entry) => ({ ...entry })),
    clear() {
      for (const a of ACTIONS) counts[a] = 0;
      log.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (listening) await unlisten();
      agent.destroy();
    }
  };
}

/**
 * CLI, for a shell or a real BuildKit run by hand:
 *   node __tests__/support/fault-proxy.mjs <upstream> [fault] [--port N]
 * prints `listening http://127.0.0.1:PORT`, then reads one fault per line on stdin (same forms as `parseFault`)
 * and answers each with the counts so far; `counts` prints them without a change. Ends on EOF or SIGINT/SIGTERM.
 */
async function cli(argv) {
  const portAt = argv.indexOf('--port');
  const port = portAt < 0 ? 0 : Number(argv.splice(portAt, 2)[1]);
  const [upstream, fault = 'none'] = argv;
  if (!upstream) {
    console.error('usage: fault-proxy.mjs <upstream> [fault] [--port N]');
    process.exit(2);
  }
  const proxy = await startFaultProxy({ upstream, fault: parseFault(fault), port });
  console.log(`listening ${proxy.url}`);
  const stop = async () => {
    console.log(JSON.stringify(proxy.counts()));
    await proxy.close();
    process.exit(0);
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin })) {
    const text = line.trim();
    if (!text) continue;
    try {
      if (text !== 'counts') await proxy.set(parseFault(text));
      console.log(JSON.stringify({ fault: text, counts: proxy.counts() }));
    } catch (e) {
      console.error(e.message);
    }
  }
  await stop();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await cli(process.argv.slice(2));
