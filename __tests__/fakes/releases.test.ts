/** The fake GitHub release server: envd raw binaries + checksums.txt, BuildKit tarballs + API digests, faults. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFake } from '../support/fakes/index.mjs';
import { BUILDKIT_REPO, ENVD_REPO, startReleaseServer, type ReleaseServer } from '../support/fakes/releases.mjs';

let server: ReleaseServer;
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-release-test-'));
  server = await startReleaseServer({
    envdVersions: ['v1.3.4', 'v1.3.0'],
    buildkitVersions: ['v0.32.2', 'v0.19.0'],
    latest: { buildkit: 'v0.32.2' }
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
async function download(url: string): Promise<{ status: number; data: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, data: Buffer.from(await res.arrayBuffer()) };
}
interface ApiRelease {
  tag_name: string;
  assets: { name: string; size: number; digest: string; browser_download_url: string }[];
}

describe('REST API', () => {
  test('latest and tags/{tag} with per-asset sha256 digests; 404 for unknown tags and repos', async () => {
    const latest = (await (await fetch(`${server.apiUrl}/repos/${ENVD_REPO}/releases/latest`)).json()) as ApiRelease;
    expect(latest.tag_name).toBe('v1.3.4');
    expect(latest.assets.map((a) => a.name)).toEqual(
      expect.arrayContaining(['envd_1.3.4_linux_amd64', 'envd_1.3.4_darwin_all', 'checksums.txt'])
    );
    const bk = (await (
      await fetch(`${server.apiUrl}/repos/${BUILDKIT_REPO}/releases/tags/v0.19.0`)
    ).json()) as ApiRelease;
    expect(bk.tag_name).toBe('v0.19.0');
    const tarball = bk.assets.find((a) => a.name === 'buildkit-v0.19.0.linux-amd64.tar.gz')!;
    expect(tarball.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tarball.browser_download_url).toBe(
      `${server.url}/moby/buildkit/releases/download/v0.19.0/buildkit-v0.19.0.linux-amd64.tar.gz`
    );
    expect(bk.assets.some((a) => a.name.includes('checksum'))).toBe(false);
    const got = await download(tarball.browser_download_url);
    expect(`sha256:${sha256(got.data)}`).toBe(tarball.digest);
    expect(got.data.length).toBe(tarball.size);

    const missing = await fetch(`${server.apiUrl}/repos/${ENVD_REPO}/releases/tags/v9.9.9`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Not Found' });
    expect((await fetch(`${server.apiUrl}/repos/octo/nothing/releases/latest`)).status).toBe(404);
    expect(
      (await fetch(`${server.url}/tensorchord/envd/releases/download/v1.3.4/envd_1.3.4_windows_amd64`)).status
    ).toBe(404);
  });
});

describe('envd assets', () => {
  test('GoReleaser naming per version, checksums.txt lines, and a binary that runs anywhere with its version', async () => {
    const checksums = (
      await download(`${server.url}/tensorchord/envd/releases/download/v1.3.4/checksums.txt`)
    ).data.toString('utf8');
    const lines = checksums.trim().split('\n');
    expect(lines.every((l) => /^[0-9a-f]{64} {2}\S+$/.test(l))).toBe(true);
    const asset = await download(`${server.url}/tensorchord/envd/releases/download/v1.3.4/envd_1.3.4_linux_amd64`);
    expect(asset.status).toBe(200);
    expect(lines).toContain(`${sha256(asset.data)}  envd_1.3.4_linux_amd64`);
    // github.com redirects downloads to its object store; the client follows.
    expect(server.requests.some((r) => r.status === 302 && r.path.endsWith('/envd_1.3.4_linux_amd64'))).toBe(true);

    const old = await fetch(`${server.url}/tensorchord/envd/releases/download/v1.3.0/envd_1.3.0_Linux_x86_64`);
    expect(old.status).toBe(200);
    const oldBinary = Buffer.from(await old.arrayBuffer());
    expect((await fetch(`${server.url}/tensorchord/envd/releases/download/v1.3.0/envd_1.3.0_linux_amd64`)).status).toBe(
      404
    );

    for (const [data, version] of [
      [asset.data, 'v1.3.4'],
      [oldBinary, 'v1.3.0']
    ] as const) {
      const dir = fs.mkdtempSync(path.join(tmp, 'envd-'));
      const file = path.join(dir, 'envd');
      fs.writeFileSync(file, data, { mode: 0o755 });
      const r = await runFake(file, ['version', '--short'], { env: { HOME: dir, FAKE_ENVD_VERSION: undefined } });
      expect(r.stdout).toBe(`envd: ${version}\n`);
    }
  });
});

describe('BuildKit tarballs', () => {
  test('bin/buildkitd and bin/buildctl with the version baked in; darwin tarballs carry buildctl only', async () => {
    for (const [tag, platform, tools] of [
      ['v0.19.0', 'linux-amd64', ['bin/buildctl', 'bin/buildkitd']],
      ['v0.32.2', 'linux-arm64', ['bin/buildctl', 'bin/buildkitd']],
      ['v0.32.2', 'darwin-arm64', ['bin/buildctl']]
    ] as const) {
      const got = await download(
        `${server.url}/moby/buildkit/releases/download/${tag}/buildkit-${tag}.${platform}.tar.gz`
      );
      expect(got.status).toBe(200);
      const file = path.join(tmp, `buildkit-${tag}-${platform}.tar.gz`);
      fs.writeFileSync(file, got.data);
      const listing = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
      expect(listing).toEqual([...tools]);
      const dir = fs.mkdtempSync(path.join(tmp, 'x-'));
      expect(spawnSync('tar', ['-xzf', file, '-C', dir]).status).toBe(0);
      for (const tool of tools) {
        expect(fs.statSync(path.join(dir, tool)).mode & 0o111).not.toBe(0);
        const r = await runFake(path.join(dir, tool), ['--version'], { env: { FAKE_BUILDKIT_VERSION: undefined } });
        expect(r.stdout).toMatch(
          new RegExp(`^${path.basename(tool)} github\\.com/moby/buildkit ${tag.replace(/\./g, '\\.')} [0-9a-f]{40}\\n$`)
        );
      }
    }
  });
});

describe('faults', () => {
  test('failNext answers the next matching requests with a status; corrupt alters the bytes but not the published sums', async () => {
    const url = `${server.url}/moby/buildkit/releases/download/v0.32.2/buildkit-v0.32.2.linux-amd64.tar.gz`;
    server.failNext(/buildkit-v0\.32\.2\.linux-amd64/, 2, 503);
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);
    server.failNext('/api/repos/moby/buildkit/releases/latest', 1, 500);
    expect((await fetch(`${server.apiUrl}/repos/moby/buildkit/releases/latest`)).status).toBe(500);
    expect((await fetch(`${server.apiUrl}/repos/moby/buildkit/releases/latest`)).status).toBe(200);

    const published = server.asset(ENVD_REPO, 'v1.3.4', 'envd_1.3.4_linux_arm64')!;
    server.corrupt('envd_1.3.4_linux_arm64');
    const bad = await download(`${server.url}/tensorchord/envd/releases/download/v1.3.4/envd_1.3.4_linux_arm64`);
    expect(`sha256:${sha256(bad.data)}`).not.toBe(published.digest);
    const sums = (
      await download(`${server.url}/tensorchord/envd/releases/download/v1.3.4/checksums.txt`)
    ).data.toString('utf8');
    expect(sums).toContain(`${published.digest.slice(7)}  envd_1.3.4_linux_arm64`);
    server.corrupt('envd_1.3.4_linux_arm64', false);
    expect(
      sha256((await download(`${server.url}/tensorchord/envd/releases/download/v1.3.4/envd_1.3.4_linux_arm64`)).data)
    ).toBe(published.digest.slice(7));
  });
});
