/**
 * The shell around the reuse decision: records under RUNNER_TEMP written, found, checked for liveness
 * against a running (stand-in) buildkitd, and removed only by the call that started it.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type BuilderHandle,
  findShared,
  newDaemonDir,
  publishShared,
  releaseShared
} from '../../src/io/buildkit/builder.js';
import { recordFileName } from '../../src/builder/shared.js';
import { FAKES_BIN, startBuildkitd, stopAllBuildkitd } from '../support/fakes/index.mjs';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-rec-'));
afterEach(async () => {
  await stopAllBuildkitd();
  for (const f of fs.readdirSync(temp)) fs.rmSync(path.join(temp, f), { recursive: true, force: true });
});
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const wish = { version: 'v0.32.2', flags: '', config: '' };
const env = { ...process.env, RUNNER_TEMP: temp };

/** A started buildkitd as spawnBuildkitd would describe it, in a daemon directory of the action. */
async function started(): Promise<BuilderHandle> {
  const dir = newDaemonDir(env);
  const socket = path.join(dir, 'buildkitd.sock');
  const bk = await startBuildkitd({ addr: `unix://${socket}`, root: path.join(dir, 'root') });
  return {
    kind: 'auto',
    envdBuilder: 'unix',
    envdAddress: socket,
    buildctlAddr: `unix://${socket}`,
    version: 'v0.32.2',
    pid: bk.pid,
    sudo: false,
    logFile: path.join(dir, 'buildkitd.log'),
    root: path.join(dir, 'root'),
    daemonDir: dir
  };
}

describe('records of a shared buildkitd', () => {
  test('the daemon directory lies in RUNNER_TEMP when its path is short, else in the system temp directory', () => {
    expect(path.dirname(newDaemonDir(env))).toBe(temp);
    const long = path.join(temp, 'x'.repeat(70));
    const fallback = newDaemonDir({ RUNNER_TEMP: long });
    fs.rmSync(fallback, { recursive: true });
    expect(path.dirname(fallback)).toBe(os.tmpdir());
  });

  test('published once it answers, found and reused by a later call with the same wish; others get the reason', async () => {
    expect(await findShared(temp, wish, FAKES_BIN, env)).toEqual({ notReused: [] });
    const h = await started();
    publishShared(h, wish, temp);
    expect(h.record).toBe(path.join(temp, recordFileName(wish)));
    const record = JSON.parse(fs.readFileSync(h.record!, 'utf8'));
    expect(record).toMatchObject({ schema: 1, version: 'v0.32.2', pid: h.pid, dir: h.daemonDir, root: h.root });

    const found = await findShared(temp, wish, FAKES_BIN, env);
    expect(found.handle).toMatchObject({
      kind: 'auto',
      pid: h.pid,
      buildctlAddr: h.buildctlAddr,
      root: h.root,
      reused: true
    });
    const other = await findShared(temp, { ...wish, flags: '--debug' }, FAKES_BIN, env);
    expect(other).toEqual({ notReused: [{ pid: h.pid, why: 'it was started with other buildkitd-flags' }] });
  });

  test('a torn or foreign record is skipped with a reason, not trusted and not fatal', async () => {
    fs.writeFileSync(path.join(temp, 'envd-cache-buildkitd-0123456789abcdef.json'), '{"schema":1,');
    expect(await findShared(temp, wish, FAKES_BIN, env)).toEqual({
      notReused: [{ pid: undefined, why: 'its record is not one this action version understands' }]
    });
  });

  test('a reusing call releases nothing; the starter removes its record and its directory, and only its own record', async () => {
    const h = await started();
    publishShared(h, wish, temp);
    expect(await releaseShared({ ...h, reused: true, record: undefined })).toBeUndefined();
    expect(fs.existsSync(h.record!)).toBe(true);
    expect(fs.existsSync(h.daemonDir!)).toBe(true);

    // A later starter of the same configuration overwrote the record: the first one's release leaves it.
    const record = JSON.parse(fs.readFileSync(h.record!, 'utf8'));
    fs.writeFileSync(h.record!, JSON.stringify({ ...record, pid: 999999 }));
    expect(await releaseShared(h)).toBeUndefined();
    expect(fs.existsSync(h.record!)).toBe(true);
    expect(fs.existsSync(h.daemonDir!)).toBe(false);

    fs.writeFileSync(h.record!, JSON.stringify(record));
    await releaseShared(h);
    expect(fs.existsSync(h.record!)).toBe(false);
  });

  test('a directory the action did not make is never removed', async () => {
    const foreign = fs.mkdtempSync(path.join(temp, 'not-ours-'));
    await releaseShared({ kind: 'auto', envdBuilder: 'unix', envdAddress: '', buildctlAddr: '', daemonDir: foreign });
    expect(fs.existsSync(foreign)).toBe(true);
  });
});
