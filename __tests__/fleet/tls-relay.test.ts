/**
 * Issue 22, layer 3: the relay envd connects to (a unix socket) carries each connection over mutual TLS to the
 * daemon. Against TLS servers made here with test-time certificates: a round trip with the client certificate
 * shown, a refused certificate (nothing reaches the server), a half-closed stream, many concurrent streams,
 * and never a byte of plain text on the wire.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { makeCerts, type TestCerts } from '../support/certs.mjs';
import { speaksTls, startTlsRelay, type TlsTarget } from '../../src/io/tls-relay.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-'));
let certs: TestCerts;
const read = (f: string) => fs.readFileSync(f, 'utf8');
let n = 0;
const sock = () => path.join(dir, `r${++n}.sock`);

beforeAll(() => {
  certs = makeCerts(path.join(dir, 'certs'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Served {
  port: number;
  /** Bytes each accepted connection sent, and the client certificate's CN. */
  got: { data: Buffer; cn?: string }[];
  handshakes: number;
  close(): Promise<void>;
}

/**
 * A daemon as buildkitd's serverCredentials makes it (cmd/buildkitd/main.go:813-848 at v0.32.2): its
 * certificate, ALPN h2, client certificates required and verified against the CA. `answer`: what it does with a
 * connection's bytes once the client half-closes (echo by default).
 */
async function daemon(answer: (data: Buffer) => Buffer = (d) => d): Promise<Served> {
  const got: Served['got'] = [];
  const served: Served = { port: 0, got, handshakes: 0, close: async () => undefined };
  const server = tls.createServer(
    {
      cert: read(certs.daemonCert),
      key: read(certs.daemonKey),
      ca: read(certs.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
      allowHalfOpen: true
    },
    (s) => {
      served.handshakes++;
      const chunks: Buffer[] = [];
      const entry = { data: Buffer.alloc(0), cn: (s.getPeerCertificate().subject as { CN?: string } | undefined)?.CN };
      got.push(entry);
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => {
        entry.data = Buffer.concat(chunks);
        s.end(answer(entry.data));
      });
      s.on('error', () => undefined);
    }
  );
  server.on('tlsClientError', () => undefined);
  // A half-open server socket whose client left mid-handshake never closes by itself: closed here.
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  served.port = (server.address() as net.AddressInfo).port;
  served.close = () => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    return closed;
  };
  return served;
}

const target = (port: number, over: Partial<TlsTarget['tls']> = {}): TlsTarget => ({
  host: '127.0.0.1',
  port,
  tls: { ca: read(certs.ca), cert: read(certs.clientCert), key: read(certs.clientKey), ...over }
});

/** One stream through the relay: writes `data`, half-closes, and reads until the other side ends. */
function exchange(socket: string, data: Buffer, halfClose = true): Promise<{ reply: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const c = net.connect({ path: socket, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('error', (e) => resolve({ reply: Buffer.concat(chunks), error: e.message }));
    c.on('close', () => resolve({ reply: Buffer.concat(chunks) }));
    // A client that did not half-close ends when the relay passes the daemon's end on.
    if (!halfClose) c.on('end', () => c.end());
    c.on('connect', () => (halfClose ? c.end(data) : c.write(data)));
  });
}

describe('the TLS relay', () => {
  test('a stream goes through with the client certificate, and the socket is for this user only', async () => {
    const d = await daemon();
    const r = await startTlsRelay(target(d.port), sock());
    try {
      expect(fs.statSync(r.socket).mode & 0o777).toBe(0o600);
      const out = await exchange(r.socket, Buffer.from('hello buildkitd'));
      expect(out.reply.toString()).toBe('hello buildkitd');
      expect(d.got).toEqual([{ data: Buffer.from('hello buildkitd'), cn: 'envd-cache-action' }]);
      expect(r.counts()).toEqual({ relayed: 1, refused: 0 });
    } finally {
      await r.close();
      await d.close();
    }
    expect(fs.existsSync(r.socket)).toBe(false);
  });

  test('half-closed: the answer the daemon writes after the client ended its side still arrives', async () => {
    const d = await daemon((data) => Buffer.from(`you sent ${data.length} bytes`));
    const r = await startTlsRelay(target(d.port), sock());
    try {
      expect((await exchange(r.socket, Buffer.alloc(100_000, 1))).reply.toString()).toBe('you sent 100000 bytes');
    } finally {
      await r.close();
      await d.close();
    }
  });

  test('many concurrent streams each get their own bytes back', async () => {
    const d = await daemon();
    const r = await startTlsRelay(target(d.port), sock());
    try {
      const sent = Array.from({ length: 40 }, () => randomBytes(32 * 1024 + Math.floor(Math.random() * 1024)));
      const replies = await Promise.all(sent.map((b) => exchange(r.socket, b)));
      replies.forEach((x, i) => expect(x.reply.equals(sent[i])).toBe(true));
      expect(r.counts()).toEqual({ relayed: 40, refused: 0 });
    } finally {
      await r.close();
      await d.close();
    }
  });

  test('a client certificate the daemon does not trust is refused: the stream closes and the daemon gets no data', async () => {
    const d = await daemon();
    const r = await startTlsRelay(
      target(d.port, { cert: read(certs.rogueClientCert), key: read(certs.rogueClientKey) }),
      sock()
    );
    try {
      // As gRPC does: the request is written and the client waits for the answer (no half-close).
      const out = await exchange(r.socket, Buffer.from('secret request'), false);
      expect(out.reply.length).toBe(0);
      // The daemon never accepted the connection: no request reached it.
      expect(d.got).toEqual([]);
    } finally {
      await r.close();
      await d.close();
    }
  });

  test('a daemon certificate that the CA did not sign is refused before anything is sent', async () => {
    const d = await daemon();
    const r = await startTlsRelay(target(d.port, { ca: read(certs.rogueCa) }), sock());
    try {
      expect((await exchange(r.socket, Buffer.from('x'))).reply.length).toBe(0);
      expect(d.got).toEqual([]);
      expect((r.lastError() as NodeJS.ErrnoException).code).toMatch(
        /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/
      );
    } finally {
      await r.close();
      await d.close();
    }
  });

  test('never plain text: a daemon that does not speak TLS sees only a TLS client hello, never the stream', async () => {
    const seen: Buffer[] = [];
    const plain = net.createServer((s) => {
      s.on('data', (c: Buffer) => {
        seen.push(c);
        s.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((res) => plain.listen(0, '127.0.0.1', res));
    const r = await startTlsRelay(target((plain.address() as net.AddressInfo).port), sock());
    try {
      const out = await exchange(r.socket, Buffer.from('PRI * HTTP/2.0 plain request'));
      expect(out.reply.length).toBe(0);
      const wire = Buffer.concat(seen);
      expect(wire[0]).toBe(0x16); // a TLS handshake record
      expect(wire.includes(Buffer.from('plain request'))).toBe(false);
    } finally {
      await r.close();
      await new Promise<void>((res) => plain.close(() => res()));
    }
  });

  test('speaksTls tells a TLS daemon from a plain listener', async () => {
    const d = await daemon();
    const plain = net.createServer((s) => s.on('data', () => s.end('no')).on('error', () => undefined));
    await new Promise<void>((res) => plain.listen(0, '127.0.0.1', res));
    try {
      expect(await speaksTls('127.0.0.1', d.port, 5000)).toBe(true);
      expect(await speaksTls('127.0.0.1', (plain.address() as net.AddressInfo).port, 5000)).toBe(false);
    } finally {
      await d.close();
      await new Promise<void>((res) => plain.close(() => res()));
    }
  });
});
