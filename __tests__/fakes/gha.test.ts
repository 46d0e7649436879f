/** type=gha through the fake buildkitd, over real HTTP to the in-repo cache-service emulator. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILDKIT_CACHE_VERSION, Permission, startEmulator, type Emulator } from '../support/emulator/index.js';
import {
  fatalError,
  ghaRefHash,
  parseProgress,
  stopAllBuildkitd,
  type ProgressVertex
} from '../support/fakes/index.mjs';
import { sandbox, STEP, type Sandbox } from './sandbox.js';

let sb: Sandbox;
let emu: Emulator;
beforeAll(async () => {
  sb = sandbox();
  emu = await startEmulator();
});
beforeEach(() => emu.reset());
afterEach(() => stopAllBuildkitd());
afterAll(async () => {
  await emu.close();
  sb.cleanup();
});

const MAIN = [{ Scope: 'refs/heads/main', Permission: Permission.All }];
const cacheAttrs = (token: string) => `type=gha,scope=ci,url_v2=${emu.resultsUrl},version=2,token=${token}`;
const steps = (stdout: string): ProgressVertex[] => parseProgress(stdout).filter((v) => STEP.test(v.name));
const statusOf = (stdout: string) =>
  Object.fromEntries(steps(stdout).map((v) => [v.name.replace(/\(g:\d+\) and user envd\(u:\d+\)/, ''), v.status]));

const build = (args: string[], options?: Parameters<Sandbox['build']>[1]) => sb.build(args, options);

describe('gha round trip', () => {
  test('a cold build exports blobs and index #1; a second build on a fresh runner is fully CACHED', async () => {
    const token = emu.mintToken(MAIN);
    const cold = await build([
      '--export-cache',
      `${cacheAttrs(token)},mode=max,ignore-error=true`,
      '--import-cache',
      cacheAttrs(token)
    ]);
    expect(cold.code).toBe(0);
    const vertices = parseProgress(cold.stdout);
    expect(vertices.find((v) => v.name.startsWith('importing cache manifest from gha:'))?.status).toBe('DONE');
    expect(steps(cold.stdout).every((v) => v.status === 'DONE')).toBe(true);
    const exporting = vertices.find((v) => v.name === 'exporting to GitHub Actions Cache')!;
    expect(exporting.status).toBe('DONE');
    expect(exporting.lines[0]).toBe('preparing build cache for export');
    expect(exporting.lines.filter((l) => /^writing layer sha256:[0-9a-f]{64}$/.test(l))).toHaveLength(
      steps(cold.stdout).length
    );

    const entries = emu.entries();
    const blobs = entries.filter((e) => e.key.startsWith('buildkit-blob-1-sha256:'));
    expect(blobs).toHaveLength(steps(cold.stdout).length);
    expect(
      entries.every((e) => e.committed && e.ref === 'refs/heads/main' && e.version === BUILDKIT_CACHE_VERSION)
    ).toBe(true);
    const index = entries.filter((e) => e.key.startsWith('index-'));
    expect(index.map((e) => e.key)).toEqual([`index-ci-1-${ghaRefHash('refs/heads/main')}#1`]);
    expect(index[0].key).toBe('index-ci-1-f921bd05#1');
    const config = JSON.parse(emu.blobData(index[0].id)!.toString('utf8'));
    // BuildKit's cache config (cache/remotecache/v1/types/spec.go), as a real v0.32.2 export wrote it: layers
    // sorted by blob, each with its annotations; one record per step, keyed by its cache key, linked to its parents.
    const layers = config.layers as {
      blob: string;
      parent?: number;
      annotations: { mediaType: string; diffID: string; size: number; createdAt: string };
    }[];
    expect(layers.map((l) => `buildkit-blob-1-${l.blob}`)).toEqual(blobs.map((b) => b.key).sort());
    expect(layers.map((l) => l.blob)).toEqual(layers.map((l) => l.blob).sort());
    for (const l of layers) {
      expect(l.annotations).toEqual({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        diffID: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        size: blobs.find((b) => b.key === `buildkit-blob-1-${l.blob}`)!.size,
        createdAt: expect.any(String)
      });
      expect(l.parent).not.toBe(0); // omitted when 0 (omitempty)
    }
    expect(layers.filter((l) => l.parent === -1)).toHaveLength(1);
    const records = config.records as {
      layers: { layer: number; createdAt: string }[];
      digest: string;
      inputs?: { link: number }[][];
    }[];
    expect(records).toHaveLength(layers.length);
    expect(records.map((r) => r.digest)).toEqual(records.map((r) => r.digest).sort());
    expect(new Set(records.map((r) => r.layers[0].layer)).size).toBe(layers.length);
    expect(records.filter((r) => !r.inputs)).toHaveLength(1);

    // Same key pair and owner, fresh HOME and daemon: every step comes from the imported cache.
    const warm = await build([
      '--export-cache',
      `${cacheAttrs(token)},mode=max,ignore-error=true`,
      '--import-cache',
      cacheAttrs(token)
    ]);
    expect(warm.code).toBe(0);
    expect(steps(warm.stdout).map((v) => v.status)).toEqual(steps(cold.stdout).map(() => 'CACHED'));
    // The second export re-uses every blob and writes index #2.
    expect(
      parseProgress(warm.stdout)
        .find((v) => v.name === 'exporting to GitHub Actions Cache')!
        .lines.filter((l) => l.startsWith('writing layer'))
    ).toEqual([]);
    expect(
      emu
        .entries()
        .filter((e) => e.key.startsWith('index-'))
        .map((e) => e.key)
    ).toEqual(['index-ci-1-f921bd05#1', 'index-ci-1-f921bd05#2']);
    expect(
      emu.requests.filter((r) => r.route === 'blob.put').every((r) => r.headers['x-ms-blob-type'] === 'BlockBlob')
    ).toBe(true);
    expect(
      emu.requests
        .filter((r) => r.route === 'CreateCacheEntry')
        .every((r) => r.headers.authorization === `Bearer ${token}`)
    ).toBe(true);
  });

  test('the index has the shape of a real one (an index a real buildkitd v0.32.2 exported, mode=max)', async () => {
    type Layer = { blob: string; parent?: number; annotations: Record<string, unknown> };
    type Rec = { layers?: { layer: number }[]; digest: string; inputs?: Record<string, unknown>[][] };
    const keysOf = (xs: object[]) => [...new Set(xs.flatMap((x) => Object.keys(x)))].sort();
    const shape = (c: { layers: Layer[]; records: Rec[] }) => ({
      top: Object.keys(c),
      layer: keysOf(c.layers),
      annotations: keysOf(c.layers.map((l) => l.annotations)),
      annotationOrder: Object.keys(c.layers[0].annotations),
      record: keysOf(c.records),
      input: keysOf(c.records.flatMap((r) => (r.inputs ?? []).flat())),
      sorted: [c.layers.map((l) => l.blob), c.records.map((r) => r.digest)].every(
        (xs) => JSON.stringify(xs) === JSON.stringify([...xs].sort())
      ),
      parentZeroWritten: c.layers.some((l) => l.parent === 0),
      chainEnds: c.layers.filter((l) => l.parent === -1).length
    });
    const real = shape(
      JSON.parse(fs.readFileSync(new URL('../fixtures/buildkit-v0.32.2/gha-index.json', import.meta.url), 'utf8'))
    );
    const token = emu.mintToken(MAIN);
    expect((await build(['--export-cache', `${cacheAttrs(token)},mode=max`])).code).toBe(0);
    const fake = shape(
      JSON.parse(emu.blobData(emu.entries().find((e) => e.key.startsWith('index-'))!.id)!.toString('utf8'))
    );
    // The real index also has a `selector` on some inputs (the stand-in's steps have none).
    expect(fake).toEqual({ ...real, input: real.input.filter((k) => k !== 'selector') });
  });

  test('a different public key misses from "install ssh keys" on; a different owner from the user setup on', async () => {
    const token = emu.mintToken(MAIN);
    expect((await build(['--export-cache', `${cacheAttrs(token)},mode=max`])).code).toBe(0);

    const byPubk = path.join(sb.dir, 'other.pub');
    fs.writeFileSync(byPubk, 'ssh-ed25519 AAAA-other envd\n');
    const [keyRun, ownerRun, flagRun] = await Promise.all([
      // keys: false — envd generates a random key pair, as on a fresh runner.
      build(['--import-cache', cacheAttrs(token)], { keys: false }),
      build(['--import-cache', cacheAttrs(token)], { env: { ENVD_BUILD_OWNER: '1001:121' } }),
      build(['--public-key', byPubk, '--import-cache', cacheAttrs(token)])
    ]);
    const byKey = statusOf(keyRun.stdout);
    expect(byKey['[internal] create user group envd']).toBe('CACHED');
    expect(byKey['[build.envd 3/3] shell("zsh")']).toBe('CACHED');
    expect(byKey['[internal] install ssh keys']).toBe('DONE');
    expect(byKey['[internal] set the entrypoint']).toBe('DONE');

    const byOwner = statusOf(ownerRun.stdout);
    expect(byOwner['[internal] install system packages (apt-get install)']).toBe('CACHED');
    expect(byOwner['[internal] download micromamba (download stage)']).toBe('CACHED');
    expect(byOwner['[internal] create user group envd']).toBe('DONE');
    expect(byOwner['[build.envd 1/3] base(dev=False)']).toBe('DONE');

    const byFlag = statusOf(flagRun.stdout);
    expect(byFlag['[build.envd 3/3] shell("zsh")']).toBe('CACHED');
    expect(byFlag['[internal] install ssh keys']).toBe('DONE');
  });

  test('mode=min exports only the final result; mode=max also the intermediate download stage', async () => {
    const token = emu.mintToken(MAIN);
    const min = await build(['--export-cache', `type=gha,scope=min,url_v2=${emu.resultsUrl},version=2,token=${token}`]);
    const total = steps(min.stdout).length;
    expect(emu.entries().filter((e) => e.key.startsWith('buildkit-blob-1-')).length).toBe(total - 1);
    await build(['--export-cache', `type=gha,scope=max,url_v2=${emu.resultsUrl},version=2,token=${token},mode=max`]);
    expect(emu.entries().filter((e) => e.key.startsWith('buildkit-blob-1-')).length).toBe(total);

    const minImport = `type=gha,scope=min,url_v2=${emu.resultsUrl},version=2,token=${token}`;
    const maxImport = `type=gha,scope=max,url_v2=${emu.resultsUrl},version=2,token=${token}`;
    const other = { env: { ENVD_BUILD_OWNER: '2000:2000' } };
    const [minOther, minSame, maxOther] = await Promise.all([
      build(['--import-cache', minImport], other),
      build(['--import-cache', minImport]),
      build(['--import-cache', maxImport], other)
    ]);
    // With another owner the copy step misses, so the download stage must run again with a min cache…
    expect(statusOf(minOther.stdout)['[internal] download micromamba (download stage)']).toBe('DONE');
    // …while with the same owner it is not needed at all (shown CACHED, its blob is never fetched).
    expect(steps(minSame.stdout).every((v) => v.status === 'CACHED')).toBe(true);
    expect(statusOf(maxOther.stdout)['[internal] download micromamba (download stage)']).toBe('CACHED');
  });

  test('imports read every ref of the token: a PR falls back to main, but exports go to its own ref', async () => {
    const mainToken = emu.mintToken(MAIN);
    await build(['--export-cache', `${cacheAttrs(mainToken)},mode=max`]);
    const prToken = emu.mintToken([
      { Scope: 'refs/pull/7/merge', Permission: Permission.All },
      { Scope: 'refs/heads/main', Permission: Permission.Read }
    ]);
    const pr = await build([
      '--import-cache',
      cacheAttrs(prToken),
      '--export-cache',
      `${cacheAttrs(prToken)},mode=max`
    ]);
    expect(steps(pr.stdout).every((v) => v.status === 'CACHED')).toBe(true);
    const indexes = emu.entries().filter((e) => e.key.startsWith('index-'));
    expect(indexes.map((e) => [e.ref, e.key])).toEqual([
      ['refs/heads/main', 'index-ci-1-f921bd05#1'],
      ['refs/pull/7/merge', `index-ci-1-${ghaRefHash('refs/pull/7/merge')}#1`]
    ]);
  });
});

describe('gha failures', () => {
  test('no writable ref: the reservation is refused; ignore-error=true swallows it, without it the build fails', async () => {
    const readOnly = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.Read }]);
    const [soft, hard] = await Promise.all([
      build(['--export-cache', `${cacheAttrs(readOnly)},ignore-error=true`]),
      build(['--output', 'type=image,name=ghcr.io/octo/e:1', '--export-cache', cacheAttrs(readOnly)])
    ]);
    expect(soft.code).toBe(0);
    const exporting = parseProgress(soft.stdout).find((v) => v.name === 'exporting to GitHub Actions Cache')!;
    expect(exporting).toMatchObject({ status: 'ERROR', error: 'error writing layer blob: failed to reserve cache' });
    expect(hard.code).toBe(1);
    expect(fatalError(hard.stderr)).toBe(
      'failed to build the image: failed to build: failed to wait error group: failed to solve LLB: failed to solve: error writing layer blob: failed to reserve cache'
    );
    expect(emu.counters.writeDenied).toBeGreaterThan(0);
    expect(emu.entries()).toEqual([]);
  });

  test('no writable ref, every blob already there: the index is reserved under the empty ref and refused (not skipped)', async () => {
    // Observed with buildkitd v0.32.2: `CreateCacheEntry index-<scope>-1-e3b0c442#1` answered ok:false, and the
    // export failed with `failed to reserve cache` (go-actions-cache SaveMutable returns reserve errors).
    expect((await build(['--export-cache', cacheAttrs(emu.mintToken(MAIN))])).code).toBe(0);
    const readOnly = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.Read }]);
    const [soft, hard] = await Promise.all([
      build(['--export-cache', `${cacheAttrs(readOnly)},ignore-error=true`]),
      build(['--output', 'type=image,name=ghcr.io/octo/e:1', '--export-cache', cacheAttrs(readOnly)])
    ]);
    expect(soft.code).toBe(0);
    expect(parseProgress(soft.stdout).find((v) => v.name === 'exporting to GitHub Actions Cache')).toMatchObject({
      status: 'ERROR',
      error: 'failed to reserve cache'
    });
    expect(hard.code).toBe(1);
    expect(fatalError(hard.stderr)).toMatch(/failed to solve: failed to reserve cache$/);
    const created = emu.requests
      .filter((r) => r.route === 'CreateCacheEntry')
      .map((r) => (r.body as { key: string }).key);
    expect(created.filter((k) => k.startsWith('index-'))).toEqual([
      'index-ci-1-f921bd05#1',
      'index-ci-1-e3b0c442#1',
      'index-ci-1-e3b0c442#1'
    ]);
    expect(
      emu
        .entries()
        .map((e) => e.key)
        .filter((k) => k.startsWith('index-'))
    ).toEqual(['index-ci-1-f921bd05#1']);
  });

  test('a failed index upload is swallowed (the reservation stays behind); the import looks up the bare index key', async () => {
    const keys = (from: number) =>
      emu.requests
        .slice(from)
        .filter((r) => r.route === 'GetCacheEntryDownloadURL')
        .map((r) => (r.body as { key: string }).key);
    const token = emu.mintToken(MAIN);
    expect((await build(['--export-cache', cacheAttrs(token)])).code).toBe(0);
    emu.failNext('blob.put', 1, { status: 403, message: 'denied' });
    const before = emu.requests.length;
    const again = await build(['--export-cache', cacheAttrs(token)]);
    expect(again.code).toBe(0);
    // SaveMutable looked `…#` up twice (an index existed), as observed with buildkitd v0.32.2.
    expect(keys(before).filter((k) => k.startsWith('index-'))).toEqual([
      'index-ci-1-f921bd05#',
      'index-ci-1-f921bd05#'
    ]);
    expect(
      emu
        .entries()
        .filter((e) => e.key.startsWith('index-'))
        .map((e) => [e.key, e.committed])
    ).toEqual([
      ['index-ci-1-f921bd05#1', true],
      ['index-ci-1-f921bd05#2', false]
    ]);
    const since = emu.requests.length;
    const imp = await build(['--import-cache', cacheAttrs(token)]);
    expect(imp.code).toBe(0);
    expect(keys(since).filter((k) => k.startsWith('index-'))).toEqual(['index-ci-1-f921bd05']);
    expect(
      emu.requests.filter((r) => r.route === 'blob.put').every((r) => r.headers['x-ms-version'] === '2024-11-04')
    ).toBe(true);
  });

  test('a missing token is fatal on export even with ignore-error=true, and a soft miss on import', async () => {
    const noToken = `type=gha,scope=ci,url_v2=${emu.resultsUrl},version=2`;
    const [exp, imp, badVersion] = await Promise.all([
      build(['--export-cache', `${noToken},ignore-error=true`]),
      build(['--import-cache', noToken]),
      build(['--export-cache', `${cacheAttrs(emu.mintToken(MAIN)).replace('version=2', 'version=two')}`])
    ]);
    expect(exp.code).toBe(1);
    expect(fatalError(exp.stderr)).toMatch(
      /: failed to solve: failed to configure gha cache exporter: token not set for github actions cache$/
    );
    expect(parseProgress(exp.stdout).filter((v) => STEP.test(v.name))).toEqual([]);
    expect(imp.code).toBe(0);
    expect(
      parseProgress(imp.stdout).find((v) => v.name.startsWith('importing cache manifest from gha:'))
    ).toMatchObject({
      status: 'ERROR',
      error: 'token not set for github actions cache'
    });
    expect(steps(imp.stdout).every((v) => v.status === 'DONE')).toBe(true);
    expect(fatalError(badVersion.stderr)).toMatch(/failed to parse api version "two", expected positive integer$/);
  });

  /** A mode=max export, and the blob of the python packages step (the export wrote one layer per step, in step order). */
  async function exportAndPickVictim(token: string) {
    const exported = await build(['--export-cache', `${cacheAttrs(token)},mode=max`]);
    expect(exported.code).toBe(0);
    const writes = parseProgress(exported.stdout)
      .find((v) => v.name === 'exporting to GitHub Actions Cache')!
      .lines.filter((l) => /^writing layer sha256:[0-9a-f]{64}$/.test(l));
    const blob = writes[steps(exported.stdout).findIndex((v) => v.name.includes('install.python_packages'))].slice(
      'writing layer '.length
    );
    const entry = emu.entries().find((e) => e.key === `buildkit-blob-1-${blob}`)!;
    expect(entry).toBeDefined();
    return { blob, entry };
  }

  test('an evicted blob (its entry gone): the steps on it show ERROR blob sha256:…: not found, are rebuilt, and the build succeeds', async () => {
    // Observed with buildkitd v0.32.2: the entry of a result layer deleted, a fresh daemon importing the index printed
    // `#N ERROR: blob sha256:<hex>: not found` on that step (and on every step above it whose chain holds the
    // layer), then ran them again (`#N DONE`); exit 0, no error-log block.
    const token = emu.mintToken(MAIN);
    const victim = await exportAndPickVictim(token);
    expect(emu.deleteEntry(victim.entry.id)).toBe(true);

    const r = await build(['--import-cache', cacheAttrs(token)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^#\\d+ ERROR: blob ${victim.blob}: not found$`, 'm'));
    expect(r.stdout).not.toContain('------\n >');
    const all = steps(r.stdout);
    const at = all.findIndex((v) => v.name.includes('install.python_packages'));
    // Below the lost layer: from the cache; from it on: errored, then built again.
    expect(all.slice(0, at).every((v) => v.status === 'CACHED')).toBe(true);
    expect(all.slice(at).map((v) => [v.status, v.error])).toEqual(
      all.slice(at).map(() => ['DONE', `blob ${victim.blob}: not found`])
    );
  });

  test("a blob whose entry is there but whose data is gone: the output exporter fails with the storage's 404, as BuildKit prints it", async () => {
    // Observed with buildkitd v0.32.2 (the lookup answered, the GET of the signed URL 404 BlobNotFound): the layer is
    // pulled lazily by the output exporter, whose vertex fails with azcore's response error.
    const token = emu.mintToken(MAIN);
    const victim = await exportAndPickVictim(token);
    expect(emu.deleteBlobData(`buildkit-blob-1-${victim.blob}`)).toBe(1);

    const r = await build(['--import-cache', cacheAttrs(token)]);
    expect(r.code).toBe(1);
    const rule = '-'.repeat(80);
    const text = new RegExp(
      `failed to copy: GET ${emu.url}/emulatoraccount/actions-cache/cache-entry-${victim.entry.id}\n${rule}\nRESPONSE 404: 404 Not Found\nERROR CODE: BlobNotFound\n${rule}\n<\\?xml version="1\\.0" encoding="utf-8"\\?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist\\.\nRequestId:[0-9a-f-]{36}\nTime:[^<]+</Message></Error>\n${rule}\n`
    );
    expect(fatalError(r.stderr)).toMatch(
      /^failed to build the image: failed to build: failed to wait error group: Buildkit error: failed to solve: failed to copy: GET /
    );
    expect(fatalError(r.stderr)).toMatch(text);
    expect(steps(r.stdout).every((v) => v.status === 'CACHED')).toBe(true);
    const output = parseProgress(r.stdout).find((v) => v.status === 'ERROR')!;
    expect(output.name).toBe('exporting to docker image format');
  });

  test('buildkitd v0.19.0 speaks only the legacy v1 API', async () => {
    const token = emu.mintToken(MAIN);
    const legacy = /This legacy service is shutting down, effective April 15, 2025/;
    const attrs = `${cacheAttrs(token)},url=${emu.url}/`;
    const env = { FAKE_BUILDKIT_VERSION: 'v0.19.0' };
    const [soft, hard, noUrl] = await Promise.all([
      build(['--export-cache', `${attrs},ignore-error=true`, '--import-cache', attrs], { daemonEnv: env }),
      build(['--export-cache', attrs], { daemonEnv: env }),
      // url_v2 alone is an unknown attribute there: no url at all.
      build(['--export-cache', cacheAttrs(token)], { daemonEnv: env })
    ]);
    expect(soft.code).toBe(0);
    const vertices = parseProgress(soft.stdout);
    expect(vertices.find((v) => v.name.startsWith('importing cache manifest from gha:'))?.error).toMatch(legacy);
    expect(vertices.find((v) => v.name === 'exporting to GitHub Actions Cache')?.error).toMatch(legacy);
    expect(hard.code).toBe(1);
    expect(fatalError(hard.stderr)).toMatch(legacy);
    expect(fatalError(noUrl.stderr)).toMatch(
      /failed to configure gha cache exporter: url not set for github actions cache$/
    );
    expect(emu.counters.create + emu.counters.lookup).toBe(0);
  });

  test('429 with Retry-After is retried (v0.27+); other twirp errors surface as their code', async () => {
    const token = emu.mintToken(MAIN);
    emu.failNext('CreateCacheEntry', 1, { status: 429, retryAfter: 1 });
    const started = Date.now();
    const ok = await build(['--export-cache', cacheAttrs(token)]);
    expect(ok.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    emu.reset();
    emu.failNext('CreateCacheEntry', 1, { status: 404, message: 'gone' });
    const nf = await build(['--export-cache', cacheAttrs(emu.mintToken(MAIN))]);
    expect(fatalError(nf.stderr)).toMatch(/failed to solve: error writing layer blob: not_found$/);
  });
});
