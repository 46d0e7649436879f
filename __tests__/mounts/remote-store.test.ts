/**
 * Package caches beside the layers, against real stores started here on 127.0.0.1: Debian's docker-registry
 * (distribution v2.8, basic auth from the Docker config, as docker/login-action writes it) and s3rver, each behind
 * the fault proxy. Push and restore, the branch fallback (a pull request reads its own, then the default branch's),
 * a digest that does not match refused, a 503 or a stalled store: one warning, never a throw. Deadlines run at
 * ENVD_CACHE_ACTION_DEADLINE_SCALE 0.2 (a stall costs 2-3 s here, 10-15 s on a runner; less flakes under a loaded suite,
 * where s3rver shares this process); nothing waits on a clock.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Candidate, Locations } from '../../src/backends/location.js';
import { cacheSpec } from '../../src/backends/spec.js';
import { DEADLINE_SCALE_ENV } from '../../src/http/policies.js';
import { ENVD_MOUNT_DIRS, mountKey, mountKeyPrefix } from '../../src/mounts/mounts.js';
import { mountObjectKey, mountTag } from '../../src/mounts/remote.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.mjs';
import { startRegistry, type TestRegistry } from '../support/services/registry.js';
import { startS3, type TestS3 } from '../support/services/s3.js';

// Read once when the deadlines module loads: set before the stores are imported.
process.env[DEADLINE_SCALE_ENV] = '0.2';
const { registryMountStore } = await import('../../src/io/mounts-registry.js');
const { s3MountStore } = await import('../../src/io/mounts-s3.js');
const { s3ObjectUrl, signS3 } = await import('../../src/io/s3.js');
type Store = ReturnType<typeof registryMountStore>;

const ID = `${ENVD_MOUNT_DIRS[0]}/demo-cpu`;
const SCOPE = 'py';
const MAIN: Candidate = { name: 'buildcache-py', owner: 'the default branch main' };
const PR: Candidate = { name: 'buildcache-py-pr-12', owner: 'pull request #12' };
const onMain: Locations = { write: MAIN, reads: [MAIN] };
const onPr: Locations = { write: PR, reads: [PR, MAIN] };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-remote-'));
let n = 0;
/** A slot directory with `mount.tar` holding `content`, and its key as the step computes it. */
function archive(content: string): { dir: string; key: string } {
  const dir = path.join(root, `slot-${++n}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'mount.tar'), content);
  return { dir, key: mountKey(SCOPE, ID, createHash('sha256').update(content).digest('hex')) };
}
const fresh = () => path.join(root, `into-${++n}`);
const read = (dir: string) => fs.readFileSync(path.join(dir, 'mount.tar'), 'utf8');

/** Everything a store said, and a check that no credential is in it. */
function said(store: Store, secrets: string[]): { warnings: string[]; infos: string[] } {
  const notes = store.drain!();
  for (const s of secrets) expect(JSON.stringify(notes)).not.toContain(s);
  return {
    warnings: notes.filter((x) => x.warning).map((x) => x.text),
    infos: notes.filter((x) => !x.warning).map((x) => x.text)
  };
}

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('registry: OCI artifacts next to the cache tag', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let tamper: http.Server;
  let env: NodeJS.ProcessEnv;
  let secrets: string[];
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy({ upstream: `http://${registry.host}` });
    // A registry whose blobs come back altered: one byte of every blob body flipped.
    tamper = http.createServer((req, res) => {
      const up = http.request(
        {
          host: '127.0.0.1',
          port: Number(registry.host.split(':')[1]),
          path: req.url,
          method: req.method,
          headers: req.headers
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            const body = Buffer.concat(chunks);
            if (req.url?.includes('/blobs/sha256:') && body.length > 0) body[0] ^= 1;
            res.writeHead(r.statusCode!, r.headers);
            res.end(body);
          });
        }
      );
      req.pipe(up);
    });
    await new Promise<void>((r) => tamper.listen(0, '127.0.0.1', r));
    const dockerConfig = fs.mkdtempSync(path.join(root, 'docker-'));
    const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
    const hosts = [registry.host, proxy.host, `127.0.0.1:${(tamper.address() as AddressInfo).port}`];
    fs.writeFileSync(
      path.join(dockerConfig, 'config.json'),
      JSON.stringify({ auths: Object.fromEntries(hosts.map((h) => [h, { auth }])) })
    );
    env = { DOCKER_CONFIG: dockerConfig, HOME: dockerConfig };
    secrets = [registry.password, auth];
  }, 30000);
  afterAll(async () => {
    await proxy?.close();
    await new Promise((r) => tamper?.close(r));
    await registry?.stop();
  });

  const storeAt = (host: string, tags: Locations) =>
    registryMountStore(
      { store: 'oci-artifact', repository: `${host}/octo/env`, insecure: false, tags },
      { env, mask: () => undefined }
    );

  test('pushed as an artifact under its tag, restored with its content and key; the same content again costs no blob upload', async () => {
    const a = archive('pip wheels, first run');
    const store = storeAt(registry.host, onMain);
    expect(await store.save(a.dir, a.key)).toBe(true);
    const manifest = await fetch(`http://${registry.host}/v2/octo/env/manifests/${mountTag(MAIN.name, SCOPE, ID)}`, {
      headers: {
        Accept: 'application/vnd.oci.image.manifest.v1+json',
        Authorization: `Basic ${Buffer.from(`${registry.user}:${registry.password}`).toString('base64')}`
      }
    });
    expect(manifest.status).toBe(200);
    expect(await manifest.json()).toMatchObject({ artifactType: 'application/vnd.envd-cache-action.mount.v1+tar' });

    const into = fresh();
    expect(await store.restore(into, mountKeyPrefix(SCOPE, ID))).toBe(a.key);
    expect(read(into)).toBe('pip wheels, first run');
    expect(said(store, secrets)).toEqual({
      warnings: [],
      infos: [`${ID}: written for the default branch main`, `${ID}: 21 B from the default branch main`]
    });

    proxy.clear();
    expect(await storeAt(proxy.host, onMain).save(a.dir, a.key)).toBe(true);
    expect(proxy.requests().filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/'))).toEqual([]);
  });

  test('a pull request reads its own first, then the default branch’s, and writes only its own', async () => {
    const pr = storeAt(registry.host, onPr);
    const into = fresh();
    const mains = await pr.restore(into, mountKeyPrefix(SCOPE, ID));
    expect(read(into)).toBe('pip wheels, first run');
    expect(said(pr, secrets).infos).toEqual([`${ID}: 21 B from the default branch main`]);

    const b = archive('pip wheels, the pull request');
    expect(await pr.save(b.dir, b.key)).toBe(true);
    const again = fresh();
    expect(await pr.restore(again, mountKeyPrefix(SCOPE, ID))).toBe(b.key);
    expect(read(again)).toBe('pip wheels, the pull request');
    // The default branch's is untouched.
    const main = fresh();
    expect(await storeAt(registry.host, onMain).restore(main, mountKeyPrefix(SCOPE, ID))).toBe(mains);
  });

  test('nothing saved yet: a miss, no warning', async () => {
    const store = storeAt(registry.host, { write: MAIN, reads: [{ name: 'buildcache-none', owner: 'x' }] });
    expect(await store.restore(fresh(), mountKeyPrefix(SCOPE, ID))).toBeUndefined();
    expect(said(store, secrets)).toEqual({ warnings: [], infos: [] });
  });

  test('a blob whose content does not match its digest is refused: not restored, one warning naming it', async () => {
    const store = storeAt(`127.0.0.1:${(tamper.address() as AddressInfo).port}`, onMain);
    const into = fresh();
    expect(await store.restore(into, mountKeyPrefix(SCOPE, ID))).toBeUndefined();
    expect(fs.existsSync(path.join(into, 'mount.tar'))).toBe(false);
    const { warnings } = said(store, secrets);
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Package cache ${ID} of the default branch main was refused: its content has sha256 [0-9a-f]{12}…, not the [0-9a-f]{12}… the registry .* names; it is not restored$`
        )
      )
    ]);
  });

  test.each([
    ['503', { kind: '503' as const }, /answered 503 \(after 3 attempts\)/],
    ['stall', { kind: 'stall' as const }, /failed: no answer within 2 s/]
  ])('a store that answers %s: not restored, not saved, one warning, then no more requests', async (_k, fault, why) => {
    await proxy.set(fault);
    proxy.clear();
    const store = storeAt(proxy.host, onPr);
    expect(await store.restore(fresh(), mountKeyPrefix(SCOPE, ID))).toBeUndefined();
    const seen = proxy.requests().length;
    expect(seen).toBeGreaterThan(0);
    expect(await store.restore(fresh(), mountKeyPrefix(SCOPE, `${ENVD_MOUNT_DIRS[1]}/demo-cpu`))).toBeUndefined();
    const a = archive('never written');
    expect(await store.save(a.dir, a.key)).toBe(false);
    expect(proxy.requests().length).toBe(seen);
    const { warnings } = said(store, secrets);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Package caches: the registry 127\.0\.0\.1:\d+\/octo\/env failed while reading /);
    expect(warnings[0]).toMatch(why);
    expect(warnings[0]).toContain('the build goes on without them');
    await proxy.set({ kind: 'none' });
  });
});

describe('s3: objects under the prefix', () => {
  let s3: TestS3;
  let proxy: FaultProxy;
  const specAt = (endpoint: string) =>
    cacheSpec('s3', [
      ['bucket', 'cache'],
      ['region', 'us-east-1'],
      ['endpoint_url', endpoint],
      ['use_path_style', 'true'],
      ['prefix', 'team/']
    ]);
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    s3 = await startS3(['cache']);
    proxy = await startFaultProxy({ upstream: s3.endpoint });
    env = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
  });
  afterAll(async () => {
    await proxy?.close();
    await s3?.stop();
  });
  const storeAt = (endpoint: string, names: Locations, e = env) =>
    s3MountStore({ store: 's3-object', prefix: 'team/', names }, specAt(endpoint), e);

  test('put under <prefix>envd-mounts/<name>/, restored with its key; a pull request falls back to the default branch’s', async () => {
    const a = archive('conda packages');
    const main = storeAt(s3.endpoint, onMain);
    expect(await main.save(a.dir, a.key)).toBe(true);
    const head = await fetch(`${s3.endpoint}/cache/${mountObjectKey('team/', 'buildcache-py', ID)}`, {
      method: 'HEAD'
    });
    expect(head.status).toBe(200);
    const into = fresh();
    expect(await main.restore(into, mountKeyPrefix(SCOPE, ID))).toBe(a.key);
    expect(read(into)).toBe('conda packages');

    const pr = storeAt(s3.endpoint, { write: { ...PR, name: 'py-pr-12' }, reads: [{ ...PR, name: 'py-pr-12' }, MAIN] });
    const fromMain = fresh();
    expect(await pr.restore(fromMain, mountKeyPrefix(SCOPE, ID))).toBe(a.key);
    expect(said(pr, [s3.secretAccessKey]).infos).toEqual([`${ID}: 14 B from the default branch main`]);
  });

  test('an object whose content does not match its sha256 is refused', async () => {
    const key = mountObjectKey('team/', 'tampered', ID);
    const body = 'not what the metadata says';
    const signed = signS3({
      method: 'PUT',
      url: s3ObjectUrl(specAt(s3.endpoint), key),
      region: 'us-east-1',
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      now: new Date(),
      payloadHash: createHash('sha256').update(body).digest('hex'),
      headers: { 'x-amz-meta-sha256': 'cd'.repeat(32) }
    });
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body })).status).toBe(200);
    const store = storeAt(s3.endpoint, { write: MAIN, reads: [{ name: 'tampered', owner: 'someone' }] });
    expect(await store.restore(fresh(), mountKeyPrefix(SCOPE, ID))).toBeUndefined();
    expect(said(store, [s3.secretAccessKey]).warnings).toEqual([
      expect.stringContaining(`Package cache ${ID} of someone was refused: its content has sha256`)
    ]);
  });

  test('without static credentials it is not used, and says so once', async () => {
    const store = storeAt(s3.endpoint, onMain, {});
    expect(await store.available()).toBe(false);
    const a = archive('unsigned');
    expect(await store.save(a.dir, a.key)).toBe(false);
    expect(said(store, []).infos).toEqual([
      'Package caches are not kept: the s3 bucket cache needs static credentials to sign with (access_key_id and secret_access_key in cache-options, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'
    ]);
  });

  test('an upload the store takes and never answers: given up after the idle deadline, one warning', async () => {
    await proxy.set({ kind: 'stall', path: /envd-mounts/ });
    const store = storeAt(proxy.url, onMain);
    const a = archive('an archive nobody acknowledges');
    expect(await store.save(a.dir, a.key)).toBe(false);
    const { warnings } = said(store, [s3.secretAccessKey]);
    expect(warnings).toEqual([
      expect.stringMatching(/^Package caches: the s3 bucket cache failed while writing .*no data for 3 s/)
    ]);
    expect(proxy.counts().stall).toBe(1);
    await proxy.set({ kind: 'none' });
  });

  test('a 503 on the upload: not saved, one warning, no secret in it', async () => {
    await proxy.set({ kind: '503', path: /envd-mounts/ });
    const store = storeAt(proxy.url, onMain);
    const a = archive('a second archive');
    expect(await store.save(a.dir, a.key)).toBe(false);
    const { warnings } = said(store, [s3.secretAccessKey]);
    expect(warnings).toEqual([
      expect.stringMatching(/^Package caches: the s3 bucket cache failed while writing .*answered 503/)
    ]);
    expect(proxy.counts()['503']).toBe(3);
    await proxy.set({ kind: 'none' });
  });
});
