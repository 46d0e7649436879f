/** The installer against the fake release server: latest, both envd naming schemes, digests, the tool cache. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Installer, InstallError } from '../../src/io/installer.js';
import { findCached } from '../../src/io/tool-cache.js';
import { type ReleaseServer, startReleaseServer } from '../support/fakes/releases.mjs';

let releases: ReleaseServer;
let dir: string;
const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP };

beforeAll(async () => {
  releases = await startReleaseServer({ envdVersions: ['v1.3.0', 'v1.3.4'], buildkitVersions: ['v0.27.0', 'v0.32.2'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'installer-'));
  process.env.RUNNER_TOOL_CACHE = path.join(dir, 'tool-cache');
  process.env.RUNNER_TEMP = path.join(dir, 'temp');
  fs.mkdirSync(process.env.RUNNER_TEMP);
}, 30000);
afterAll(async () => {
  await releases.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.env.RUNNER_TOOL_CACHE = saved.cache;
  process.env.RUNNER_TEMP = saved.temp;
});

const installer = (arch: 'amd64' | 'arm64' = 'amd64') =>
  new Installer({
    platform: { os: 'linux', arch },
    downloadBase: releases.url,
    apiBase: releases.apiUrl,
    tempDir: process.env.RUNNER_TEMP!,
    retry: { attempts: 2, backoffMs: 10 }
  });

describe('installer', () => {
  test('latest resolves through the releases API, then comes from the tool cache', async () => {
    const first = await installer().envd('latest');
    expect(first).toMatchObject({ tag: 'v1.3.4', fromCache: false });
    expect(fs.existsSync(path.join(first.dir, 'envd'))).toBe(true);
    expect(await installer().envd('v1.3.4')).toMatchObject({ fromCache: true, dir: first.dir });
  });

  test('an envd release from before v1.3.1 uses the old asset names', async () => {
    const got = await installer('arm64').envd('v1.3.0');
    expect(got.tag).toBe('v1.3.0');
    expect(releases.requests.some((r) => r.path.endsWith('/v1.3.0/envd_1.3.0_Linux_arm64'))).toBe(true);
  });

  test('BuildKit: the tarball verified against the API digest, extracted with buildkitd and buildctl', async () => {
    const got = await installer().buildkit('latest');
    expect(got.tag).toBe('v0.32.2');
    for (const tool of ['buildkitd', 'buildctl']) expect(fs.existsSync(path.join(got.dir, tool))).toBe(true);
    const pinned = await installer().buildkit('v0.32.2');
    expect(pinned.fromCache).toBe(true);
  });

  test('an unknown version names the input to fix', async () => {
    await expect(installer().envd('v9.9.9')).rejects.toThrow(InstallError);
    await expect(installer().buildkit('v9.9.9')).rejects.toThrow(
      'moby/buildkit has no release v9.9.9; check the version input'
    );
  });

  test('a release answer that is not JSON is read once, and the error says so', async () => {
    releases.failNext(/\/releases\/latest$/, 1, 200, '<html>maintenance</html>');
    const latest = () => releases.requests.filter((r) => r.path.endsWith('/releases/latest')).length;
    const asked = latest();
    await expect(installer().envd('latest')).rejects.toThrow(
      /^cannot read the tensorchord\/envd release latest: the answer to GET \S+ is not JSON \(/
    );
    expect(latest() - asked).toBe(1);
  });

  test('a 503 on the download is tried again, and the download then succeeds', async () => {
    const installerAt = new Installer({
      platform: { os: 'linux', arch: 'amd64' },
      downloadBase: releases.url,
      apiBase: releases.apiUrl,
      tempDir: process.env.RUNNER_TEMP!,
      retry: { attempts: 3, backoffMs: 1 }
    });
    releases.failNext(/\/v0\.27\.0\/buildkit-v0\.27\.0\.linux-amd64\.tar\.gz$/, 2, 503);
    const got = await installerAt.buildkit('v0.27.0');
    expect(got).toMatchObject({ tag: 'v0.27.0', fromCache: false });
  });

  test('a download that keeps failing names the last answer and the attempts', async () => {
    releases.failNext(/\/v1\.3\.0\/envd_1\.3\.0_Linux_x86_64$/, 2, 502);
    await expect(installer().envd('v1.3.0')).rejects.toThrow(
      /^download of \S+ failed: GET \S+ answered 502 \(after 2 attempts\)$/
    );
  });
});

describe('findCached: the tool cache read as tool-cache find reads an explicit version, without loading it', () => {
  test('complete only with the .complete marker; the version without its v; no cache root, no hit', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    try {
      const dir = path.join(root, 'envd', '1.3.4', 'amd64');
      fs.mkdirSync(dir, { recursive: true });
      expect(findCached(root, 'envd', '1.3.4', 'amd64')).toBeUndefined();
      fs.writeFileSync(`${dir}.complete`, '');
      expect(findCached(root, 'envd', '1.3.4', 'amd64')).toBe(dir);
      expect(findCached(root, 'envd', '1.3.4', 'arm64')).toBeUndefined();
      expect(findCached(root, 'envd', 'nightly', 'amd64')).toBeUndefined();
      expect(findCached(undefined, 'envd', '1.3.4', 'amd64')).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
