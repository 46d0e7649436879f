/**
 * `buildctl debug workers` without buildctl: the gRPC call it makes (Control.ListWorkers, client/workers.go:25-31
 * at v0.32.2; service moby.buildkit.v1.Control, api/services/control/control.proto:3,14,20) over HTTP/2 on a
 * connection the caller opens: a unix socket, plain tcp, or TLS. An empty request; an answer counts only with
 * grpc-status 0. What stopped it (connect, the TLS handshake, gRPC, the time bound) is reported for the caller
 * to explain.
 */
import type * as Http2 from 'node:http2';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import type { ProbeOutcome } from '../fleet/choice.js';

/** Errors of reaching the other end at all, before any byte of a protocol. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ENOENT',
  'EACCES'
]);

interface Seen {
  socketError?: NodeJS.ErrnoException;
  secure: boolean;
  handshook: boolean;
  /** The daemon's HTTP/2 SETTINGS arrived: it accepted the connection (a gRPC server sends them at once). */
  heard: boolean;
  grpcStatus?: string;
  grpcMessage?: string;
  httpStatus?: number;
}

function outcome(seen: Seen, timedOut: boolean, timeoutMs: number): ProbeOutcome {
  if (seen.grpcStatus === '0') return { ok: true };
  const e = seen.socketError;
  if (e?.code && CONNECT_CODES.has(e.code)) return { ok: false, stage: 'connect', code: e.code, detail: e.message };
  if (e && seen.secure && (!seen.handshook || e.code?.startsWith('ERR_SSL')))
    return { ok: false, stage: 'tls', code: e.code, detail: e.message };
  // Handshake done, then closed without a word: how a daemon refuses a client certificate under TLS 1.3 when
  // its alert does not reach the reader (observed with a Node TLS server standing in for buildkitd).
  if (seen.secure && seen.handshook && !seen.heard && !timedOut)
    return { ok: false, stage: 'tls', code: 'CLOSED_AFTER_HANDSHAKE', detail: e?.message };
  if (timedOut) return { ok: false, stage: 'timeout', timeoutMs };
  if (seen.grpcStatus !== undefined)
    return { ok: false, stage: 'grpc', code: seen.grpcStatus, detail: seen.grpcMessage };
  if (seen.httpStatus !== undefined && seen.httpStatus !== 200)
    return { ok: false, stage: 'grpc', detail: `HTTP status ${seen.httpStatus}` };
  return { ok: false, stage: 'grpc', code: e?.code, detail: e?.message ?? 'the connection closed without an answer' };
}

/**
 * Asks ListWorkers once over the connection `connect` opens (a net.Socket, or a tls.TLSSocket still in its
 * handshake), bounded by `timeoutMs`. Never throws; the connection is closed when it settles.
 */
export async function listWorkersOn(
  connect: () => net.Socket | tls.TLSSocket,
  timeoutMs: number
): Promise<ProbeOutcome> {
  // Loaded here: post, which never asks, does not load node:http2.
  const http2 = await import('node:http2');
  return new Promise((resolve) => {
    const seen: Seen = { secure: false, handshook: false, heard: false };
    let settled = false;
    let session: Http2.ClientHttp2Session | undefined;
    let conn: net.Socket | undefined;
    const done = (timedOut = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session?.destroy();
      // After a protocol error the session leaves its socket open: closed here, or it would keep this process alive.
      conn?.destroy();
      resolve(outcome(seen, timedOut, timeoutMs));
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    const open = () => {
      const c = connect();
      conn = c;
      seen.secure = 'encrypted' in c && c.encrypted === true;
      c.on('secureConnect', () => (seen.handshook = true));
      c.on('error', (e: NodeJS.ErrnoException) => {
        seen.socketError ??= e;
        done();
      });
      return c;
    };
    try {
      session = http2.connect('http://buildkitd', { createConnection: open });
    } catch {
      return done();
    }
    session.on('remoteSettings', () => (seen.heard = true));
    session.on('error', () => done());
    session.on('close', () => done());
    const req = session.request({
      ':method': 'POST',
      ':path': '/moby.buildkit.v1.Control/ListWorkers',
      'content-type': 'application/grpc',
      te: 'trailers'
    });
    const trailers = (h: Http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) seen.grpcStatus = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) seen.grpcMessage = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', (headers) => {
      seen.httpStatus = Number(headers[':status']);
      if (seen.httpStatus !== 200) return done();
      // A trailers-only answer (an error) carries grpc-status in the headers.
      trailers(headers);
    });
    req.on('trailers', trailers);
    req.on('error', () => done());
    req.on('data', () => undefined);
    req.on('end', () => done());
    // One gRPC message: not compressed, length 0 (an empty ListWorkersRequest).
    req.end(Buffer.alloc(5));
  });
}
