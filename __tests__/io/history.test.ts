/**
 * The hit-ratio history's cache entry against the cache-service emulator: one immutable entry per run attempt,
 * the newest restored by the scope's prefix, per ref as GitHub isolates them; reads and writes that fail are
 * warnings, never a throw. On the cache service v2 through the action's own client (the entry is the JSON
 * document, in HISTORY_CACHE_VERSION; no tar, no temp directory, @actions/cache never called); the v1 fallback
 * (GHES) with the real @actions/cache, whose tests are the ones this file had before the own client.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as cache from '@actions/cache';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import {
  HISTORY_CACHE_VERSION,
  HISTORY_FILE,
  type HistoryAccess,
  type HistoryRun,
  serializeHistory
} from '../../src/report/history.js';
import { beginHistory, type CacheClient, historyDir, updateHistory } from '../../src/io/history.js';
import { Http } from '../../src/io/http/client.js';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { scopes } from '../emulator/client.js';

const ENV_KEYS = [
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_MODE',
  'GITHUB_SERVER_URL',
  'RUNNER_TEMP',
  'GITHUB_WORKSPACE'
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let emu: Emulator;
let root: string;
let tmp: string;
let runnerTemp: string;
let output: string[];
const RW: HistoryAccess = { read: true, write: true };

beforeAll(async () => {
  emu = await startEmulator();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'history-io-'));
  runnerTemp = path.join(root, 'runner-temp');
  tmp = path.join(root, 'tmp');
  fs.mkdirSync(runnerTemp);
  process.env.ACTIONS_RESULTS_URL = emu.resultsUrl;
  process.env.ACTIONS_CACHE_SERVICE_V2 = 'True';
  process.env.GITHUB_SERVER_URL = 'https://github.com';
  process.env.RUNNER_TEMP = runnerTemp;
  process.env.GITHUB_WORKSPACE = root;
  delete process.env.ACTIONS_CACHE_URL;
  delete process.env.ACTIONS_CACHE_MODE;
});
afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await emu.close();
  fs.rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  emu.reset();
  output = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
});

const useToken = (ac: { Scope: string; Permission: number }[]) =>
  (process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(ac));
const run = (n: number, cached: number, total = 4, attempt = 1): HistoryRun => ({
  run: String(n),
  attempt,
  cached,
  total,
  seconds: 3.2
});
const figures = (runs: HistoryRun[]) => runs.map((r) => `${r.run}:${r.cached}/${r.total}`);
const update = (scope: string, r: HistoryRun, access: HistoryAccess = RW) =>
  updateHistory({ scope, run: r, access, tmp });

describe('the v1 fallback: the history entry through @actions/cache and the emulator', () => {
  test('three runs on main: each reads the newest entry, adds itself and saves one small entry of its own', async () => {
    useToken(scopes.main);
    const first = await update('py', run(101, 0));
    expect(first.warnings).toEqual([]);
    expect(first.view.notes).toEqual([
      'No earlier history for this scope: this run starts it',
      'Saved as envd-history-py#101-1'
    ]);
    await update('py', run(102, 4));
    const third = await update('py', run(103, 1));
    expect(figures(third.view.runs)).toEqual(['101:0/4', '102:4/4', '103:1/4']);
    expect(third.view.notes).toEqual(['Read from envd-history-py#102-1', 'Saved as envd-history-py#103-1']);
    const entries = emu.entries();
    expect(entries.map((e) => [e.ref, e.key])).toEqual([
      ['refs/heads/main', 'envd-history-py#101-1'],
      ['refs/heads/main', 'envd-history-py#102-1'],
      ['refs/heads/main', 'envd-history-py#103-1']
    ]);
    // A few hundred bytes each (tar + zstd of one small JSON file): far under the budget's notice.
    for (const e of entries) expect(e.size).toBeLessThan(4096);
    // Nothing is left behind.
    expect(fs.existsSync(path.join(tmp, 'envd-cache-history'))).toBe(false);
  });

  test('the entry is versioned by a path that is the same on every runner: a job with another RUNNER_TEMP reads it', async () => {
    useToken(scopes.main);
    expect(historyDir('py')).toBe(path.join(os.tmpdir(), 'envd-cache-history', 'py'));
    await updateHistory({ scope: 'py', run: run(150, 1), access: RW });
    process.env.RUNNER_TEMP = path.join(root, 'another-runner-temp');
    try {
      const r = await updateHistory({ scope: 'py', run: run(151, 4), access: RW });
      expect(figures(r.view.runs)).toEqual(['150:1/4', '151:4/4']);
    } finally {
      process.env.RUNNER_TEMP = runnerTemp;
    }
  });

  test('a scope never reads another scope whose name it prefixes', async () => {
    useToken(scopes.main);
    await update('py-gpu', run(201, 4));
    const py = await update('py', run(202, 1));
    expect(figures(py.view.runs)).toEqual(['202:1/4']);
    expect(py.warnings).toEqual([]);
  });

  test("a feature branch starts from main's history and writes its own ref; main's newest entry stays main's", async () => {
    useToken(scopes.main);
    await update('py', run(301, 4));
    useToken(scopes.feature('feat'));
    const feat = await update('py', run(302, 1));
    expect(figures(feat.view.runs)).toEqual(['301:4/4', '302:1/4']);
    expect(emu.entries().find((e) => e.key === 'envd-history-py#302-1')?.ref).toBe('refs/heads/feat');
    useToken(scopes.main);
    const main = await update('py', run(303, 4));
    expect(figures(main.view.runs)).toEqual(['301:4/4', '303:4/4']);
  });

  test('a run that may not write reads, shows itself, and saves nothing', async () => {
    useToken(scopes.main);
    await update('py', run(401, 4));
    useToken(scopes.readOnlyMain);
    const ro = await update('py', run(402, 2), {
      read: true,
      write: false,
      noWrite: 'this run does not write the cache'
    });
    expect(figures(ro.view.runs)).toEqual(['401:4/4', '402:2/4']);
    expect(ro.view.notes).toEqual(['Read from envd-history-py#401-1', 'Not saved: this run does not write the cache']);
    expect(emu.entries()).toHaveLength(1);
  });

  test('a refused write (read-only token) is a warning, not a throw', async () => {
    useToken(scopes.readOnlyMain);
    const r = await update('py', run(501, 2));
    expect(r.warnings).toEqual([]);
    expect(r.view.notes).toContain('Not saved as envd-history-py#501-1: the cache client said why above');
    // @actions/cache warns itself, with the service's words.
    expect(output.join('')).toMatch(/::warning::.*cache write denied/);
    expect(figures(r.view.runs)).toEqual(['501:2/4']);
  });

  test('the same run attempt saving twice: the entry is immutable, the second is told, not warned', async () => {
    useToken(scopes.main);
    await update('py', run(601, 2));
    const again = await update('py', run(601, 3));
    expect(again.warnings).toEqual([]);
    expect(again.view.notes).toContain('Not saved as envd-history-py#601-1: the cache client said why above');
    expect(output.join('')).toContain('another job may be creating this cache');
    expect(figures(again.view.runs)).toEqual(['601:3/4']);
  });

  test('a service that fails the lookup: the history starts afresh, the build is not failed', async () => {
    useToken(scopes.main);
    await update('py', run(701, 4));
    emu.failNext('GetCacheEntryDownloadURL', 5, { status: 400 });
    const r = await update('py', run(702, 4));
    expect(figures(r.view.runs)).toEqual(['702:4/4']);
    expect(r.view.notes[0]).toBe('No earlier history for this scope: this run starts it');
  });

  test('a stored history that is not what this version writes: dropped with a warning', async () => {
    useToken(scopes.main);
    const dir = historyDir('py', tmp);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, HISTORY_FILE),
      '{"format":1,"scope":"py","runs":[{"run":"1","attempt":1,"cached":9,"total":2,"seconds":1}]}'
    );
    expect(await cache.saveCache([dir], 'envd-history-py#800-1')).toBeGreaterThan(0);
    fs.rmSync(dir, { recursive: true });
    const r = await update('py', run(801, 1));
    expect(r.warnings).toEqual(['Hit-ratio history: 1 malformed run in the stored history was dropped']);
    expect(figures(r.view.runs)).toEqual(['801:1/4']);
  });

  test('no cache service: one run shown, nothing contacted', async () => {
    const r = await update('py', run(901, 1), {
      read: false,
      write: false,
      noRead: 'the GitHub cache service is not available to this run'
    });
    expect(r.view.notes).toEqual(['No history is kept: the GitHub cache service is not available to this run']);
    expect(emu.counters.lookup).toBe(0);
  });
});

/** The service as the runner describes it on github.com (cache service v2), read from the environment. */
const v2 = () => ({ v2: true, token: process.env.ACTIONS_RUNTIME_TOKEN, resultsUrl: process.env.ACTIONS_RESULTS_URL });
/** A v1 client that records any use: on v2 it must never be touched. */
const untouched = (): CacheClient & { used: string[] } => {
  const used: string[] = [];
  return {
    used,
    isFeatureAvailable: () => (used.push('isFeatureAvailable'), true),
    restoreCache: async () => (used.push('restoreCache'), undefined),
    saveCache: async () => (used.push('saveCache'), -1)
  };
};
const updateV2 = (scope: string, r: HistoryRun, access: HistoryAccess = RW, client = untouched()) =>
  updateHistory(
    {
      scope,
      run: r,
      access,
      tmp,
      service: v2(),
      http: new Http({ clock: { now: () => Date.now(), sleep: async () => undefined } })
    },
    client
  );
const seedHistory = (ref: string, key: string, text: string) =>
  emu.seed({ ref, key, version: HISTORY_CACHE_VERSION, data: text });

describe('cache service v2: the history entry through the own client', () => {
  test("the version is sha256 of the documented string, and neither BuildKit's nor an @actions/cache one", () => {
    expect(HISTORY_CACHE_VERSION).toBe(
      createHash('sha256').update('envd-cache-action|hit-ratio-history|json-1').digest('hex')
    );
    expect(HISTORY_CACHE_VERSION).not.toBe(createHash('sha256').update('|go-actionscache-1.0').digest('hex'));
  });

  test('three runs on main: each reads the newest entry, adds itself and saves the document as its own entry', async () => {
    useToken(scopes.main);
    const client = untouched();
    const first = await updateV2('py', run(101, 0), RW, client);
    expect(first.warnings).toEqual([]);
    expect(first.view.notes).toEqual([
      'No earlier history for this scope: this run starts it',
      'Saved as envd-history-py#101-1'
    ]);
    await updateV2('py', run(102, 4), RW, client);
    const third = await updateV2('py', run(103, 1), RW, client);
    expect(figures(third.view.runs)).toEqual(['101:0/4', '102:4/4', '103:1/4']);
    expect(third.view.notes).toEqual(['Read from envd-history-py#102-1', 'Saved as envd-history-py#103-1']);
    const entries = emu.entries();
    expect(entries.map((e) => [e.ref, e.key, e.version])).toEqual([
      ['refs/heads/main', 'envd-history-py#101-1', HISTORY_CACHE_VERSION],
      ['refs/heads/main', 'envd-history-py#102-1', HISTORY_CACHE_VERSION],
      ['refs/heads/main', 'envd-history-py#103-1', HISTORY_CACHE_VERSION]
    ]);
    // The entry is the document itself: a few hundred bytes, no tar.
    const last = entries[2];
    expect(emu.blobData(last.id)?.toString('utf8')).toBe(serializeHistory('py', third.view.runs));
    expect(last.size).toBe(last.receivedBytes);
    // No @actions/cache, no temp directory.
    expect(client.used).toEqual([]);
    expect(fs.existsSync(path.join(tmp, 'envd-cache-history'))).toBe(false);
    // One lookup, one download, create + Put Blob + finalize per run that found an entry.
    expect(emu.counters.lookup).toBe(3);
  });

  test('a scope never reads another scope whose name it prefixes', async () => {
    useToken(scopes.main);
    await updateV2('py-gpu', run(201, 4));
    const py = await updateV2('py', run(202, 1));
    expect(figures(py.view.runs)).toEqual(['202:1/4']);
    expect(py.warnings).toEqual([]);
  });

  test("a feature branch starts from main's history and writes its own ref; main's newest entry stays main's", async () => {
    useToken(scopes.main);
    await updateV2('py', run(301, 4));
    useToken(scopes.feature('feat'));
    const feat = await updateV2('py', run(302, 1));
    expect(figures(feat.view.runs)).toEqual(['301:4/4', '302:1/4']);
    expect(emu.entries().find((e) => e.key === 'envd-history-py#302-1')?.ref).toBe('refs/heads/feat');
    useToken(scopes.main);
    const main = await updateV2('py', run(303, 4));
    expect(figures(main.view.runs)).toEqual(['301:4/4', '303:4/4']);
  });

  test('a run that may not write reads, shows itself, and saves nothing', async () => {
    useToken(scopes.main);
    await updateV2('py', run(401, 4));
    useToken(scopes.readOnlyMain);
    const ro = await updateV2('py', run(402, 2), {
      read: true,
      write: false,
      noWrite: 'this run does not write the cache'
    });
    expect(figures(ro.view.runs)).toEqual(['401:4/4', '402:2/4']);
    expect(ro.view.notes).toEqual(['Read from envd-history-py#401-1', 'Not saved: this run does not write the cache']);
    expect(emu.entries()).toHaveLength(1);
  });

  test('a refused write (read-only token) is a warning with the service words, not a throw', async () => {
    useToken(scopes.readOnlyMain);
    const r = await updateV2('py', run(501, 2));
    // @actions/cache printed its own warning; the own client hands the reason back, and the step warns with it.
    expect(r.warnings).toEqual([
      'Saving the hit-ratio history as envd-history-py#501-1 was refused: CreateCacheEntry refused: cache write denied: token has no writable scopes'
    ]);
    expect(figures(r.view.runs)).toEqual(['501:2/4']);
    expect(output.join('')).toBe('');
  });

  test('the same run attempt saving twice: the entry is immutable, the second is told, not warned', async () => {
    useToken(scopes.main);
    await updateV2('py', run(601, 2));
    const again = await updateV2('py', run(601, 3));
    expect(again.warnings).toEqual([]);
    expect(again.view.notes).toContain(
      'Not saved as envd-history-py#601-1: an entry of this run attempt exists already (another call or job of this run with the same scope)'
    );
    expect(figures(again.view.runs)).toEqual(['601:3/4']);
    expect(emu.blobData(emu.entries()[0].id)?.toString('utf8')).toContain('"cached":2');
  });

  test('a service that fails the lookup: a warning, the history starts afresh, the build is not failed', async () => {
    useToken(scopes.main);
    await updateV2('py', run(701, 4));
    emu.failNext('GetCacheEntryDownloadURL', 5, { status: 500 });
    const r = await updateV2('py', run(702, 4));
    expect(figures(r.view.runs)).toEqual(['702:4/4']);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^Reading the hit-ratio history failed \(GetCacheEntryDownloadURL answered 500.*\); it starts afresh$/
      )
    ]);
    expect(r.view.notes).toEqual(['Saved as envd-history-py#702-1']);
  });

  test('a stored history that is not what this version writes, or too large: dropped with a warning or a note', async () => {
    useToken(scopes.main);
    seedHistory(
      'refs/heads/main',
      'envd-history-py#800-1',
      '{"format":1,"scope":"py","runs":[{"run":"1","attempt":1,"cached":9,"total":2,"seconds":1}]}'
    );
    const r = await updateV2('py', run(801, 1));
    expect(r.warnings).toEqual(['Hit-ratio history: 1 malformed run in the stored history was dropped']);
    expect(figures(r.view.runs)).toEqual(['801:1/4']);
    emu.reset();
    seedHistory('refs/heads/main', 'envd-history-py#900-1', 'x'.repeat(9000));
    const big = await updateV2('py', run(901, 1), { read: true, write: false });
    expect(big.view.notes[0]).toBe('The entry envd-history-py#900-1 is larger than 8192 bytes; starting afresh');
  });

  test('entries of another version under the same key (the @actions/cache tar of an earlier release) are not read', async () => {
    useToken(scopes.main);
    emu.seed({ ref: 'refs/heads/main', key: 'envd-history-py#950-1', version: 'c'.repeat(64), data: 'tar+zstd bytes' });
    const r = await updateV2('py', run(951, 1));
    expect(r.warnings).toEqual([]);
    expect(r.view.notes).toEqual([
      'No earlier history for this scope: this run starts it',
      'Saved as envd-history-py#951-1'
    ]);
  });

  test('begun as the build starts: the read goes out at once, finish only writes (and with the access it is given)', async () => {
    useToken(scopes.main);
    await updateV2('py', run(1101, 4));
    emu.reset();
    seedHistory('refs/heads/main', 'envd-history-py#1101-1', serializeHistory('py', [run(1101, 4)]));
    const handle = beginHistory({ scope: 'py', access: RW, service: v2() });
    await handle.read;
    expect(emu.requests.map((r) => r.route)).toEqual(['GetCacheEntryDownloadURL', 'blob.get']);
    const done = await handle.finish(run(1102, 1), { read: true, write: false, noWrite: 'the cache export failed' });
    expect(figures(done.view.runs)).toEqual(['1101:4/4', '1102:1/4']);
    expect(done.view.notes).toEqual(['Read from envd-history-py#1101-1', 'Not saved: the cache export failed']);
    expect(emu.requests).toHaveLength(2);
  });

  test('an expired signed URL is asked for again; a dropped upload is tried again', async () => {
    useToken(scopes.main);
    await updateV2('py', run(1001, 4));
    emu.failNext('blob.get', 1, { authenticationFailed: true });
    emu.failNext('blob.put', 1, { dropConnection: true });
    const r = await updateV2('py', run(1002, 2));
    expect(r.warnings).toEqual([]);
    expect(figures(r.view.runs)).toEqual(['1001:4/4', '1002:2/4']);
  });
});
