/** The real @actions/cache client (v2 protocol) against the emulator. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cache from '@actions/cache';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { scopes } from './client.js';

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
let workspace: string;
let output: string[];

beforeAll(async () => {
  emu = await startEmulator();
  workspace = await mkdtemp(join(tmpdir(), 'emulator-actions-cache-'));
  await mkdir(join(workspace, 'runner-temp'));
  process.env.ACTIONS_RESULTS_URL = emu.resultsUrl;
  process.env.ACTIONS_CACHE_SERVICE_V2 = 'True';
  process.env.GITHUB_SERVER_URL = 'https://github.com';
  process.env.RUNNER_TEMP = join(workspace, 'runner-temp');
  process.env.GITHUB_WORKSPACE = workspace;
  delete process.env.ACTIONS_CACHE_URL;
  delete process.env.ACTIONS_CACHE_MODE;
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await emu.close();
  await rm(workspace, { recursive: true, force: true });
});

beforeEach(async () => {
  emu.reset();
  output = [];
  // @actions/core logs through process.stdout; keep it for assertions instead of the console.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  await rm(join(workspace, 'deps'), { recursive: true, force: true });
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function writeDeps(content: string): Promise<void> {
  await mkdir(join(workspace, 'deps', 'nested'), { recursive: true });
  await writeFile(join(workspace, 'deps', 'a.txt'), content);
  await writeFile(join(workspace, 'deps', 'nested', 'b.txt'), `${content}-nested`);
}

/** Absolute: @actions/glob resolves patterns against the process cwd, tar against GITHUB_WORKSPACE. */
const paths = (): string[] => [join(workspace, 'deps')];

function useToken(ac: { Scope: string; Permission: number }[]): void {
  process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(ac);
}

describe('@actions/cache 6.3.0 through the emulator', () => {
  test('saves a directory on a branch and restores it', async () => {
    useToken(scopes.feature('feat'));
    await writeDeps('hello');
    const id = await cache.saveCache(paths(), 'deps-linux-abc');
    expect(id).toBe(1);
    const [entry] = emu.entries();
    expect(entry).toMatchObject({ ref: 'refs/heads/feat', key: 'deps-linux-abc', committed: true, hasData: true });
    expect(entry.receivedBytes).toBe(entry.size);
    expect(entry.size).toBeGreaterThan(0);

    await rm(join(workspace, 'deps'), { recursive: true });
    const restored = await cache.restoreCache(paths(), 'deps-linux-abc');
    expect(restored).toBe('deps-linux-abc');
    expect(await readFile(join(workspace, 'deps', 'a.txt'), 'utf8')).toBe('hello');
    expect(await readFile(join(workspace, 'deps', 'nested', 'b.txt'), 'utf8')).toBe('hello-nested');
    expect(emu.counters).toMatchObject({ create: 1, finalize: 1, lookup: 1, hit: 1, blobPut: 1, blobGet: 1 });
    // The Azure SDK uploaded single-shot (Put Blob) to the path-style SAS URL; the download was a plain GET.
    expect(emu.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST CreateCacheEntry 200',
      'PUT blob.put 201',
      'POST FinalizeCacheEntryUpload 200',
      'POST GetCacheEntryDownloadURL 200',
      'GET blob.get 200'
    ]);

    // Restore keys: prefix match on the own ref.
    expect(await cache.restoreCache(paths(), 'deps-linux-zzz', ['deps-linux-'])).toBe('deps-linux-abc');
    expect(output.join('')).toContain('Cache hit for restore-key: deps-linux-abc');
    // Immutable: a second save of the same key is refused (409 already_exists → ReserveCacheError, logged at info level).
    expect(await cache.saveCache(paths(), 'deps-linux-abc')).toBe(-1);
    expect(emu.counters.conflict).toBe(1);
    expect(output.join('')).toContain('another job may be creating this cache');
  });

  test('a sibling branch misses; the default branch is visible to a feature branch', async () => {
    useToken(scopes.feature('feat-a'));
    await writeDeps('from feat-a');
    expect(await cache.saveCache(paths(), 'deps-sibling')).toBe(1);
    await rm(join(workspace, 'deps'), { recursive: true });

    useToken(scopes.feature('feat-b'));
    expect(await cache.restoreCache(paths(), 'deps-sibling', ['deps-'])).toBeUndefined();
    expect(emu.counters).toMatchObject({ lookup: 1, miss: 1, hit: 0, blobGet: 0 });

    useToken(scopes.main);
    await writeDeps('from main');
    expect(await cache.saveCache(paths(), 'deps-main')).toBe(2);
    await rm(join(workspace, 'deps'), { recursive: true });
    useToken(scopes.feature('feat-b'));
    expect(await cache.restoreCache(paths(), 'deps-sibling', ['deps-'])).toBe('deps-main');
    expect(await readFile(join(workspace, 'deps', 'a.txt'), 'utf8')).toBe('from main');
  });

  test('a read-only token: save is denied with the service text, restore still works', async () => {
    useToken(scopes.main);
    await writeDeps('from main');
    expect(await cache.saveCache(paths(), 'deps-base')).toBe(1);
    useToken(scopes.readOnlyMain);
    expect(await cache.saveCache(paths(), 'deps-ro')).toBe(-1);
    expect(output.join('')).toContain('cache write denied: token has no writable scopes');
    expect(emu.counters.writeDenied).toBe(1);
    await rm(join(workspace, 'deps'), { recursive: true });
    expect(await cache.restoreCache(paths(), 'deps-ro', ['deps-'])).toBe('deps-base');
    expect(await readFile(join(workspace, 'deps', 'a.txt'), 'utf8')).toBe('from main');
  });

  test('cache mode write-only: the service answers a read denial the client reports as a miss', async () => {
    useToken(scopes.main);
    await writeDeps('x');
    expect(await cache.saveCache(paths(), 'deps-wo')).toBe(1);
    emu.setCacheMode('write-only');
    expect(await cache.restoreCache(paths(), 'deps-wo')).toBeUndefined();
    expect(output.join('')).toContain('cache read denied: cache mode is write-only');
    expect(emu.counters.readDenied).toBe(1);
  });
});
