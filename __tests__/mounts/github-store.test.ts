/**
 * The package caches' store: the real @actions/cache client (githubMountStore) against the cache-service emulator.
 * Keys as the step writes them (`envd-mount-<scope>#<mount id>#<hash>`: `#` and `/` inside) are taken; a pull
 * request restores the default branch's newest by prefix (the branch fallback the layers use), and a sibling
 * branch's never.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionsCacheVersion, githubMountStore, mountsDir, slotDir } from '../../src/io/mounts.js';
import { ENVD_MOUNT_DIRS, mountKey, mountKeyPrefix } from '../../src/mounts/mounts.js';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { scopes } from '../emulator/client.js';

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP_DIR = ENVD_MOUNT_DIRS[0];

const ENV_KEYS = [
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_URL',
  'GITHUB_SERVER_URL',
  'RUNNER_TEMP',
  'GITHUB_WORKSPACE'
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let emu: Emulator;
const logged: string[] = [];
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-store-'));
const ID = `${PIP_DIR}/app-cpu`;
const slot = slotDir(mountsDir(path.join(root, 'temp')), ID);

beforeAll(async () => {
  emu = await startEmulator();
  fs.mkdirSync(path.join(root, 'temp'), { recursive: true });
  Object.assign(process.env, {
    ACTIONS_RESULTS_URL: emu.resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: path.join(root, 'temp'),
    GITHUB_WORKSPACE: path.join(root, 'ws')
  });
  delete process.env.ACTIONS_CACHE_URL;
  fs.mkdirSync(path.join(root, 'ws'), { recursive: true });
  jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (logged.push(String(c)), true));
});
afterAll(async () => {
  for (const k of ENV_KEYS)
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  await emu.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function archive(text: string): void {
  fs.rmSync(slot, { recursive: true, force: true });
  fs.mkdirSync(slot, { recursive: true });
  fs.writeFileSync(path.join(slot, 'mount.tar'), text);
}

describe('package caches in the GitHub cache (@actions/cache through the emulator)', () => {
  test("saved on main, restored by a pull request by prefix; a sibling branch's is not visible", async () => {
    process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(scopes.main);
    expect(await githubMountStore(process.env).available()).toBe(true);
    archive('main 1');
    const first = await githubMountStore(process.env).save(slot, mountKey('py', ID, '1'.repeat(64)));
    expect([first, logged.filter((l) => /warning|rror/.test(l))]).toEqual([true, []]);
    archive('main 2');
    expect(await githubMountStore(process.env).save(slot, mountKey('py', ID, '2'.repeat(64)))).toBe(true);
    expect(await githubMountStore(process.env).save(slot, mountKey('py', ID, '2'.repeat(64)))).toBe(false); // immutable: the same content is there

    process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(scopes.feature('feat'));
    archive('feat');
    expect(await githubMountStore(process.env).save(slot, mountKey('py', ID, 'f'.repeat(64)))).toBe(true);

    process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(scopes.pr(12));
    fs.rmSync(slot, { recursive: true, force: true });
    expect(await githubMountStore(process.env).restore(slot, mountKeyPrefix('py', ID))).toBe(
      mountKey('py', ID, '2'.repeat(64))
    );
    expect(fs.readFileSync(path.join(slot, 'mount.tar'), 'utf8')).toBe('main 2');
    expect(await githubMountStore(process.env).restore(slot, mountKeyPrefix('other-scope', ID))).toBeUndefined();
  });

  test('the lookup finds what a restore would pick, in the version @actions/cache wrote it, downloading nothing', async () => {
    process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(scopes.main);
    archive('with a fingerprint');
    const key = mountKey('fp', ID, '3'.repeat(64), 'a'.repeat(16));
    expect(await githubMountStore(process.env).save(slot, key)).toBe(true);
    fs.rmSync(slot, { recursive: true, force: true });
    const before = emu.requests.length;
    expect(await githubMountStore(process.env).lookup!(slot, mountKeyPrefix('fp', ID))).toBe(key);
    expect(emu.requests.slice(before).map((r) => r.route)).toEqual(['GetCacheEntryDownloadURL']);
    expect(fs.existsSync(slot)).toBe(false);
    expect(await githubMountStore(process.env).lookup!(slot, mountKeyPrefix('nothing-here', ID))).toBeUndefined();
  });

  test('without zstd on PATH @actions/cache writes gzip entries, and the lookup asks for that version', async () => {
    process.env.ACTIONS_RUNTIME_TOKEN = emu.mintToken(scopes.main);
    const saved = process.env.PATH;
    // What tar -z needs, no zstd: a directory holding links to tar and gzip alone.
    const bin = path.join(root, 'bin-without-zstd');
    fs.mkdirSync(bin, { recursive: true });
    for (const tool of ['tar', 'gzip'])
      fs.symlinkSync(
        [`/usr/bin/${tool}`, `/bin/${tool}`].find((p) => fs.existsSync(p))!,
        path.join(bin, tool)
      );
    try {
      process.env.PATH = bin;
      expect(actionsCacheVersion(slot)).not.toBe(actionsCacheVersion(slot, saved));
      archive('gzip');
      const key = mountKey('gz', ID, '4'.repeat(64), 'b'.repeat(16));
      expect(await githubMountStore(process.env).save(slot, key)).toBe(true);
      expect(await githubMountStore(process.env).lookup!(slot, mountKeyPrefix('gz', ID))).toBe(key);
    } finally {
      process.env.PATH = saved;
    }
  });
});
