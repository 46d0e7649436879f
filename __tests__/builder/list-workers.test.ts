/**
 * Readiness of a buildkitd the action started, asked in-process: the ListWorkers call `buildctl debug workers`
 * makes, as gRPC over HTTP/2 on the unix socket. Anything but a clean answer is "not settled" (buildctl decides).
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { awaitBuildkitd, listWorkers } from '../../src/io/buildkit/builder.js';
import { Exec } from '../../src/io/exec.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const sock = () => path.join(dir, `s${++n}.sock`);

/** A gRPC-like server: records each request, answers with `grpcStatus` (in trailers, or trailers-only). */
async function grpcServer(grpcStatus: string, trailersOnly = false) {
  const socket = sock();
  const seen: { path: string; contentType: string; te: string; body: Buffer }[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      seen.push({ path: String(headers[':path']), contentType: String(headers['content-type']), te: String(headers.te), body: Buffer.concat(chunks) });
      if (trailersOnly) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': grpcStatus }, { endStream: true });
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': grpcStatus }));
      stream.end(Buffer.from([0, 0, 0, 0, 2, 0x0a, 0x00]));
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return { socket, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('listWorkers (buildctl debug workers, in-process)', () => {
  test('an answer with grpc-status 0: ready; the request is Control.ListWorkers with an empty message', async () => {
    const s = await grpcServer('0');
    try {
      await expect(listWorkers(s.socket, 10000)).resolves.toBe(true);
      expect(s.seen).toEqual([{ path: '/moby.buildkit.v1.Control/ListWorkers', contentType: 'application/grpc', te: 'trailers', body: Buffer.alloc(5) }]);
    } finally {
      await s.close();
    }
  });

  test.each([
    ['in trailers', false],
    ['trailers-only', true]
  ])('an error status (%s): not settled', async (_, trailersOnly) => {
    const s = await grpcServer('14', trailersOnly);
    try {
      await expect(listWorkers(s.socket, 10000)).resolves.toBe(false);
    } finally {
      await s.close();
    }
  });

  test('a socket that does not speak gRPC (the stand-in buildkitd answers a JSON line and closes): not settled', async () => {
    const socket = sock();
    // Like the stand-in: reads a line (the HTTP/2 preface's first), answers, ends.
    const server = net.createServer((c) => c.once('data', () => c.end('{"error":"malformed request: the fake buildkitd speaks newline-delimited JSON, not gRPC"}\n')).resume());
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      await expect(listWorkers(socket, 10000)).resolves.toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('no socket: not settled', async () => {
    await expect(listWorkers(path.join(dir, 'absent.sock'), 10000)).resolves.toBe(false);
  });

  test('a socket that accepts and never answers: not settled once the bound is reached', async () => {
    const socket = sock();
    const held: net.Socket[] = [];
    const server = net.createServer((c) => void held.push(c));
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      await expect(listWorkers(socket, 200)).resolves.toBe(false);
    } finally {
      for (const c of held) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('awaitBuildkitd: a daemon that answers in-process is ready without a buildctl started', async () => {
    const s = await grpcServer('0');
    const run = jest.spyOn(Exec, 'run');
    try {
      await awaitBuildkitd({ kind: 'auto', envdBuilder: 'unix', envdAddress: s.socket, buildctlAddr: `unix://${s.socket}` }, { binDir: path.join(dir, 'no-bin'), readyTimeoutMs: 5000, env: {} });
      expect(run).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      await s.close();
    }
  });
});
