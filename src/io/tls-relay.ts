/**
 * envd's tcp builder connects in plain text (envd v1.3.4: `--builder tcp` has no TLS options), so a daemon
 * that wants mutual TLS is reached through this relay: a unix socket in the run's private directory (0700),
 * each connection to it carried over its own TLS connection to the daemon, with the client certificate,
 * the CA and the server name of the builder-tls-* inputs, offering ALPN h2 as buildctl does (gRPC). A
 * connection whose handshake fails is closed: nothing is ever sent to the daemon in plain text.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { TlsMaterial } from '../fleet/tls.js';

/** A tcp:// builder and the TLS settings for it. */
export interface TlsTarget {
  host: string;
  port: number;
  tls: TlsMaterial;
}

/** The client side of the handshake buildctl makes with --tlscacert/--tlscert/--tlskey/--tlsservername. */
export function tlsOptions(t: TlsTarget): tls.ConnectionOptions {
  return {
    host: t.host,
    port: t.port,
    ca: t.tls.ca,
    cert: t.tls.cert,
    key: t.tls.key,
    // Without a server name the host is checked; an IP address is checked against the certificate's IP names.
    servername: t.tls.serverName ?? (net.isIP(t.host) ? undefined : t.host),
    ALPNProtocols: ['h2'],
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true
  };
}

/** Opens one TLS connection to the daemon (still in its handshake). */
function connectTls(t: TlsTarget): tls.TLSSocket {
  // allowHalfOpen (a net.Socket option tls.connect passes on; not in its type): a half-close stays a half-close.
  const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = { ...tlsOptions(t), allowHalfOpen: true };
  return tls.connect(options);
}

export interface TlsRelay {
  /** The unix socket envd is given (`--builder unix --builder-address <socket>`). */
  socket: string;
  /** Connections relayed so far, and the handshakes that failed (each closed without sending anything). */
  counts(): { relayed: number; refused: number };
  /** The last handshake failure, for the log when the build fails. */
  lastError(): Error | undefined;
  /** Stops listening, closes every open connection and removes the socket. */
  close(): Promise<void>;
}

/** Carries bytes both ways; each side's end is passed on (a half-close stays a half-close); an error closes both. */
function relay(client: net.Socket, upstream: tls.TLSSocket, onRefused: (e: Error) => void): void {
  let secure = false;
  upstream.once('secureConnect', () => (secure = true));
  const drop = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', drop);
  upstream.on('error', (e: NodeJS.ErrnoException) => {
    // Under TLS 1.3 the daemon judges the client certificate after the client's handshake is done: its alert
    // arrives as the first thing read.
    if (!secure || e.code?.startsWith('ERR_SSL')) onRefused(e);
    drop();
  });
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  // Bytes written before the handshake ends wait in the TLS socket: only encrypted records ever leave it.
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Starts the relay on `socket` (a path in a directory only this user can enter) to the daemon at `target`. */
export async function startTlsRelay(target: TlsTarget, socket: string): Promise<TlsRelay> {
  const open = new Set<net.Socket>();
  let relayed = 0;
  let refused = 0;
  let last: Error | undefined;
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    relayed++;
    const upstream = connectTls(target);
    for (const s of [client, upstream]) {
      open.add(s);
      s.once('close', () => open.delete(s));
    }
    relay(client, upstream, (e) => {
      refused++;
      last = e;
    });
  });
  fs.rmSync(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socket, 0o600);
  return {
    socket,
    counts: () => ({ relayed, refused }),
    lastError: () => last,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of open) s.destroy();
      await closed;
      fs.rmSync(socket, { force: true });
    }
  };
}

/**
 * Whether the daemon at host:port answers a TLS client hello with a server hello: asked after a plain-text
 * probe failed, to tell "this daemon wants TLS" from "nothing useful there". Verifies nothing and sends no
 * data; bounded by `timeoutMs`.
 */
export function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls.connect({
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2']
    });
    const done = (yes: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(yes);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('secureConnect', () => done(true));
    // A daemon that wants a client certificate may end the handshake with an alert: it still spoke TLS.
    s.once('error', (e: NodeJS.ErrnoException) =>
      done(
        /^ERR_SSL_(TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_HANDSHAKE_FAILURE|SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_ALERT)/.test(
          e.code ?? ''
        )
      )
    );
  });
}
