/** registry, inline, s3 and local caches through the fake buildkitd (directory-backed stand-ins). */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fatalError, parseProgress, registryDir, s3Object, stopAllBuildkitd } from '../support/fakes/index.mjs';
import { sandbox, STEP, type Sandbox } from './sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterEach(() => stopAllBuildkitd());
afterAll(() => sb.cleanup());

const steps = (stdout: string) => parseProgress(stdout).filter((v) => STEP.test(v.name));
const allCached = (stdout: string) => steps(stdout).length > 0 && steps(stdout).every((v) => v.status === 'CACHED');
const noneCached = (stdout: string) => steps(stdout).length > 0 && steps(stdout).every((v) => v.status === 'DONE');

const build = (args: string[], options?: Parameters<Sandbox['build']>[1]) => sb.build(args, options);

describe('registry', () => {
  test('round trip through $FAKE_REGISTRY_ROOT, lowercase enforced, deleted blob fails the build', async () => {
    const ref = 'ghcr.io/octo/env:buildcache-main';
    const exp = await build(['--export-cache', `type=registry,ref=${ref},mode=max`]);
    expect(exp.code).toBe(0);
    expect(parseProgress(exp.stdout).find((v) => v.name === 'exporting cache to registry')?.status).toBe('DONE');
    const dir = registryDir(sb.env.FAKE_REGISTRY_ROOT, ref);
    expect(path.basename(dir)).toBe('ghcr.io%2Focto%2Fenv%3Abuildcache-main');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'cache', ref });
    // mode=max: a layer and a record for every step, the intermediate download stage included.
    expect(manifest.cache.layers).toHaveLength(steps(exp.stdout).length);
    expect(manifest.cache.records).toHaveLength(steps(exp.stdout).length);
    expect(fs.readdirSync(path.join(dir, 'blobs', 'sha256'))).toHaveLength(steps(exp.stdout).length);

    const [imp, missing, upper, noRef] = await Promise.all([
      build(['--import-cache', `type=registry,ref=${ref}`]),
      build(['--import-cache', 'type=registry,ref=ghcr.io/octo/none:x']),
      build(['--export-cache', 'type=registry,ref=ghcr.io/Octo/Env:cache']),
      build(['--export-cache', 'type=registry,mode=max'])
    ]);
    expect(imp.code).toBe(0);
    expect(parseProgress(imp.stdout).find((v) => v.name === `importing cache manifest from ${ref}`)?.status).toBe(
      'DONE'
    );
    expect(allCached(imp.stdout)).toBe(true);

    expect(missing.code).toBe(0);
    expect(
      parseProgress(missing.stdout).find((v) => v.name.startsWith('importing cache manifest from ghcr.io/octo/none:x'))
        ?.error
    ).toBe('ghcr.io/octo/none:x: not found');
    expect(noneCached(missing.stdout)).toBe(true);

    expect(upper.code).toBe(1);
    expect(fatalError(upper.stderr)).toMatch(
      /failed to configure registry cache exporter: invalid reference format: repository name must be lowercase$/
    );
    expect(fatalError(noRef.stderr)).toMatch(/: registry cache exporter requires ref$/);

    // BuildKit's cache config: the final result is the record no other record links to.
    const cache = manifest.cache as {
      layers: { blob: string }[];
      records: { layers: { layer: number }[]; inputs?: { link: number }[][] }[];
    };
    const linked = new Set(cache.records.flatMap((r) => (r.inputs ?? []).flat().map((i) => i.link)));
    const victim = cache.layers[cache.records.find((_, i) => !linked.has(i))!.layers[0].layer].blob;
    fs.rmSync(path.join(dir, 'blobs', 'sha256', victim.slice('sha256:'.length)));
    const evicted = await build(['--import-cache', `type=registry,ref=${ref}`]);
    expect(evicted.code).toBe(1);
    expect(fatalError(evicted.stderr)).toMatch(
      new RegExp(`failed to solve: failed to compute cache key: blob ${victim}: not found$`)
    );
  });

  test('inline: recorded in the pushed image, read back as type=registry; needs an image output', async () => {
    const image = 'ghcr.io/octo/env:inline';
    const [exp, , nowhere] = await Promise.all([
      build(['--output', `type=image,name=${image},push=true`, '--export-cache', 'type=inline']),
      build(['--output', 'type=image,name=ghcr.io/octo/plain:1,push=true']),
      build(['--export-cache', 'type=inline'])
    ]);
    expect(exp.code).toBe(0);
    const exporting = parseProgress(exp.stdout).find((v) => v.name === 'exporting to image')!;
    expect(exporting.lines).toContain('preparing layers for inline cache 0.0s done');
    expect(exporting.lines).toContain(`naming to ${image} done`);
    expect(parseProgress(exp.stdout).some((v) => v.name.startsWith('exporting cache'))).toBe(false);
    const record = JSON.parse(
      fs.readFileSync(path.join(registryDir(sb.env.FAKE_REGISTRY_ROOT, image), 'manifest.json'), 'utf8')
    );
    expect(record).toMatchObject({ kind: 'image', ref: image });
    expect(record.inlineCache.records.length).toBe(record.inlineCache.layers.length);
    expect(record.config.labels['ai.tensorchord.envd.build.digest']).toMatch(/^[0-9a-f]{64}$/);

    const [imp, plain] = await Promise.all([
      build(['--import-cache', `type=registry,ref=${image}`]),
      build(['--import-cache', 'type=registry,ref=ghcr.io/octo/plain:1'])
    ]);
    expect(allCached(imp.stdout)).toBe(true);
    // A pushed image without inline cache imports nothing (no error); inline with the default docker output goes nowhere.
    expect(
      parseProgress(plain.stdout).find((v) => v.name.startsWith('importing cache manifest from ghcr.io/octo/plain:1'))
        ?.status
    ).toBe('DONE');
    expect(noneCached(plain.stdout)).toBe(true);
    expect(nowhere.code).toBe(0);
    expect(fs.readdirSync(sb.env.FAKE_REGISTRY_ROOT).some((d) => d.includes('project'))).toBe(false);
  });
});

describe('s3', () => {
  test('objects under $FAKE_S3_ROOT/<bucket>/<prefix>…; names split on ";" and import reads the first', async () => {
    const attrs = 'type=s3,bucket=ci-cache,region=eu-west-1,prefix=envd/,name=main;abc123';
    const exp = await build(['--export-cache', `${attrs},mode=max`]);
    expect(exp.code).toBe(0);
    expect(parseProgress(exp.stdout).find((v) => v.name === 'exporting cache to Amazon S3')?.status).toBe('DONE');
    const root = sb.env.FAKE_S3_ROOT;
    expect(fs.existsSync(s3Object(root, 'ci-cache', 'envd/manifests/main'))).toBe(true);
    expect(fs.existsSync(s3Object(root, 'ci-cache', 'envd/manifests/abc123'))).toBe(true);
    const blobs = fs.readdirSync(path.join(root, 'ci-cache', 'envd', 'blobs'));
    expect(blobs.every((b) => /^sha256:[0-9a-f]{64}$/.test(b))).toBe(true);
    expect(blobs).toHaveLength(steps(exp.stdout).length);

    const [second, first] = await Promise.all([
      build(['--import-cache', 'type=s3,bucket=ci-cache,region=eu-west-1,prefix=envd/,name=abc123;main']),
      build(['--import-cache', 'type=s3,bucket=ci-cache,region=eu-west-1,prefix=envd/,name=nope;main'])
    ]);
    expect(allCached(second.stdout)).toBe(true);
    // Only the first name is read on import: "nope" does not exist, so nothing is cached (and no error).
    expect(noneCached(first.stdout)).toBe(true);
  });

  test("bucket and region come from the attributes or buildkitd's own AWS_BUCKET/AWS_REGION", async () => {
    const [noBucket, noRegion, badParallel] = await Promise.all([
      build(['--export-cache', 'type=s3,region=eu-west-1,ignore-error=true'], {
        env: { AWS_BUCKET: 'client-side-is-ignored' }
      }),
      build(['--export-cache', 'type=s3,bucket=b']),
      build(['--export-cache', 'type=s3,bucket=b,region=r,upload_parallelism=0'])
    ]);
    expect(noBucket.code).toBe(1);
    expect(fatalError(noBucket.stderr)).toMatch(
      /failed to configure s3 cache exporter: bucket \(\$AWS_BUCKET\) not set for s3 cache$/
    );
    expect(fatalError(noRegion.stderr)).toMatch(/region \(\$AWS_REGION\) not set for s3 cache$/);
    expect(fatalError(badParallel.stderr)).toMatch(/upload_parallelism must be a positive integer$/);

    const fromEnv = await build(['--export-cache', 'type=s3'], {
      daemonEnv: { AWS_BUCKET: 'env-bucket', AWS_REGION: 'us-east-1' }
    });
    expect(fromEnv.code).toBe(0);
    expect(fs.existsSync(s3Object(sb.env.FAKE_S3_ROOT, 'env-bucket', 'manifests/buildkit'))).toBe(true);
    const imp = await build(['--import-cache', 'type=s3'], {
      daemonEnv: { AWS_BUCKET: 'env-bucket', AWS_REGION: 'us-east-1' }
    });
    expect(allCached(imp.stdout)).toBe(true);
  });
});

describe('local', () => {
  test('export writes an OCI layout at dest; import through envd fails softly (envd #1391)', async () => {
    const dest = path.join(sb.dir, 'local-cache');
    const exp = await build(['--export-cache', `type=local,dest=${dest},mode=max`]);
    expect(exp.code).toBe(0);
    expect(parseProgress(exp.stdout).find((v) => v.name === 'exporting cache to client directory')?.status).toBe(
      'DONE'
    );
    const index = JSON.parse(fs.readFileSync(path.join(dest, 'index.json'), 'utf8'));
    expect(index.manifests).toHaveLength(1);
    const desc = index.manifests[0];
    expect(desc.annotations['org.opencontainers.image.ref.name']).toBe('latest');
    const manifest = JSON.parse(fs.readFileSync(path.join(dest, 'blobs', 'sha256', desc.digest.slice(7)), 'utf8'));
    expect(manifest.config.mediaType).toBe('application/vnd.buildkit.cacheconfig.v0');
    expect(manifest.layers).toHaveLength(steps(exp.stdout).length);
    expect(JSON.parse(fs.readFileSync(path.join(dest, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });

    // A second export with another tag adds to index.json.
    await build(['--export-cache', `type=local,dest=${dest},tag=other`]);
    expect(
      JSON.parse(fs.readFileSync(path.join(dest, 'index.json'), 'utf8')).manifests.map(
        (m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name']
      )
    ).toEqual(['latest', 'other']);

    const [noDigest, withDigest] = await Promise.all([
      build(['--import-cache', `type=local,src=${dest}`]),
      build(['--import-cache', `type=local,src=${dest},digest=${desc.digest}`])
    ]);
    expect(noDigest.code).toBe(0);
    expect(
      parseProgress(noDigest.stdout).find((v) => v.name.startsWith('importing cache manifest from local:'))?.error
    ).toBe('local cache importer requires explicit digest');
    expect(noneCached(noDigest.stdout)).toBe(true);
    expect(withDigest.code).toBe(0);
    expect(
      parseProgress(withDigest.stdout).find((v) => v.name.startsWith('importing cache manifest from local:'))?.error
    ).toBe('Unimplemented: unknown service containerd.services.content.v1.Content');
    expect(noneCached(withDigest.stdout)).toBe(true);
  });
});

describe('unknown types and outputs', () => {
  test('an unknown exporter type is fatal, an unknown importer type is soft; outputs land where asked', async () => {
    const out = path.join(sb.dir, 'out');
    const tarball = path.join(sb.dir, 'image.tar');
    const [exp, imp, local, oci, bad] = await Promise.all([
      build(['--export-cache', 'type=GHA,scope=x']),
      build(['--import-cache', 'type=nope,x=y']),
      build(['--output', `type=local,dest=${out}`]),
      build(['--output', `type=oci,dest=${tarball}`]),
      build(['--output', 'type=bogus'])
    ]);
    expect(exp.code).toBe(1);
    expect(fatalError(exp.stderr)).toMatch(/failed to solve: unknown cache exporter: "GHA"$/);
    expect(imp.code).toBe(0);
    expect(parseProgress(imp.stdout).find((v) => v.name.startsWith('importing cache manifest from nope:'))?.error).toBe(
      'unknown cache importer: nope'
    );

    expect(local.code).toBe(0);
    expect(fs.existsSync(path.join(out, 'fake-image.json'))).toBe(true);
    expect(oci.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(tarball, 'utf8'))).toMatchObject({ fake: 'image-archive', exporter: 'oci' });
    expect(fatalError(bad.stderr)).toMatch(/failed to solve: exporter "bogus" could not be found$/);
  });
});
