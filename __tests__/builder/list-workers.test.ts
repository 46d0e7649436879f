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

/** A real buildkitd v0.32.2's answers, captured on its socket (`__tests__/fixtures/buildkit-v0.32.2/list-workers.json`). */
interface Captured {
  serverFrames: string;
  grpcStatus: string;
}
const REAL = JSON.parse(
  fs.readFileSync(new URL('../fixtures/buildkit-v0.32.2/list-workers.json', import.meta.url), 'utf8')
) as {
  listWorkers: Captured & { workerId: string };
  unknownMethod: Captured & { grpcMessage: string };
};

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
      seen.push({
        path: String(headers[':path']),
        contentType: String(headers['content-type']),
        te: String(headers.te),
        body: Buffer.concat(chunks)
      });
      if (trailersOnly) {
        stream.respond(
          { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': grpcStatus },
          { endStream: true }
        );
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

/**
 * Replays what a real buildkitd sent: once the client's request is complete (its preface, then a DATA frame
 * with END_STREAM on stream 1), the captured server frames go out as they came (SETTINGS, SETTINGS ack,
 * WINDOW_UPDATE, a BDP PING, then HEADERS/DATA/trailers of stream 1). The connection stays open, as the real one.
 */
async function replayServer(captured: Captured) {
  const socket = sock();
  const held: net.Socket[] = [];
  const server = net.createServer((c) => {
    held.push(c);
    let got = Buffer.alloc(0);
    let sent = false;
    c.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (sent) return;
      for (let at = 24; at + 9 <= got.length;) {
        const length = got.readUIntBE(at, 3);
        const [type, flags] = [got[at + 3], got[at + 4]];
        const stream = got.readUInt32BE(at + 5) & 0x7fffffff;
        if (type === 0 && stream === 1 && (flags & 1) === 1) {
          sent = true;
          c.write(Buffer.from(captured.serverFrames, 'hex'));
          return;
        }
        at += 9 + length;
      }
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return {
    socket,
    close: () => {
      for (const c of held) c.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    }
  };
}

describe('listWorkers against the bytes of a real buildkitd v0.32.2', () => {
  test('the fixture is what it claims: the answer names the worker, the error its gRPC status', () => {
    expect(Buffer.from(REAL.listWorkers.serverFrames, 'hex').includes(Buffer.from(REAL.listWorkers.workerId))).toBe(
      true
    );
    expect(Buffer.from(REAL.unknownMethod.serverFrames, 'hex').length).toBeLessThan(200);
  });

  test('its ListWorkers answer (grpc-status 0 in trailers after a BDP ping): ready', async () => {
    const s = await replayServer(REAL.listWorkers);
    try {
      await expect(listWorkers(s.socket, 10000)).resolves.toBe(true);
    } finally {
      await s.close();
    }
  });

  test('its trailers-only error answer (grpc-status 12, Unimplemented): not settled', async () => {
    const s = await replayServer(REAL.unknownMethod);
    try {
      await expect(listWorkers(s.socket, 10000)).resolves.toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('listWorkers (buildctl debug workers, in-process)', () => {
  test('an answer with grpc-status 0: ready; the request is Control.ListWorkers with an empty message', async () => {
    const s = await grpcServer('0');
    try {
      await expect(listWorkers(s.socket, 10000)).resolves.toBe(true);
      expect(s.seen).toEqual([
        {
          path: '/moby.buildkit.v1.Control/ListWorkers',
          contentType: 'application/grpc',
          te: 'trailers',
          body: Buffer.alloc(5)
        }
      ]);
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
    const server = net.createServer((c) =>
      c
        .once('data', () =>
          c.end('{"error":"malformed request: the fake buildkitd speaks newline-delimited JSON, not gRPC"}\n')
        )
        .resume()
    );
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
      await awaitBuildkitd(
        { kind: 'auto', envdBuilder: 'unix', envdAddress: s.socket, buildctlAddr: `unix://${s.socket}` },
        { binDir: path.join(dir, 'no-bin'), readyTimeoutMs: 5000, env: {} }
      );
      expect(run).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      await s.close();
    }
  });

  test('awaitBuildkitd: a daemon that died says why in the error, its Go stack left out (the log of a real buildkitd v0.32.2)', async () => {
    // What buildkitd v0.32.2 logged for --allow-insecure-entitlement bogus (its paths rewritten): the error line,
    // then 12 lines of stack, after 10 lines of start-up.
    const logFile = path.join(dir, 'died.log');
    fs.copyFileSync(
      new URL('../fixtures/buildkit-v0.32.2/buildkitd-invalid-entitlement.txt', import.meta.url),
      logFile
    );
    const dead = Exec.spawnDetached(process.execPath, ['-e', ''], { env: {}, logFile: path.join(dir, 'dead.out') });
    while (Exec.isAlive(dead)) await new Promise((r) => setTimeout(r, 5));
    const handle = {
      kind: 'auto' as const,
      envdBuilder: 'unix' as const,
      envdAddress: path.join(dir, 'died.sock'),
      buildctlAddr: `unix://${path.join(dir, 'died.sock')}`,
      pid: dead,
      logFile
    };
    const failed = await awaitBuildkitd(handle, {
      binDir: path.join(dir, 'no-bin'),
      readyTimeoutMs: 5000,
      env: {}
    }).then(
      () => undefined,
      (e: Error) => e.message
    );
    expect(failed).toMatch(/^buildkitd exited while starting\. Its log:\n/);
    expect(failed).toContain('\nbuildkitd: invalid entitlement : bogus');
    expect(failed).toContain('level=info msg="auto snapshotter: using overlayfs"');
    expect(failed).not.toMatch(/\t\S+\.go:\d+|runtime\.goexit|main\.main/);
  });
});
