/**
 * A registry on a loopback host is spoken to over plain http, as BuildKit does: BuildKit v0.32.2 gives its
 * registry resolver containerd's docker.MatchLocalhost as the plain-http rule (util/resolver/pool.go:125,
 * util/resolver/resolver.go:38-41 and :169), which is true for `localhost`, any 127.0.0.0/8 address and `::1`,
 * with or without a port (vendor/github.com/containerd/containerd/v2/core/remotes/docker/registry.go:218-252).
 * So a workflow that pushes to a `services: registry` on localhost:5000 gets its image pushed by BuildKit without
 * `registry.insecure=true`; the digest read and the existence probe must reach the same registry the same way.
 * Found by `npm run bench:real` (the first run against a real BuildKit): the digest read said
 * `127.0.0.1:PORT did not answer (fetch failed)` for an image BuildKit had just pushed there.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLoopbackRegistry } from '../../src/cache/image-ref.js';
import { registryDigest, registryManifestExists } from '../../src/io/registry.js';
import { dockerConfigJson, pushImage, writeDockerConfig } from '../support/oci-push.js';
import { startRegistry, type TestRegistry } from '../support/services/registry.js';
import { caller } from '../support/registry-caller.js';

describe('isLoopbackRegistry (containerd MatchLocalhost)', () => {
  test.each([
    'localhost',
    'localhost:5000',
    '127.0.0.1',
    '127.0.0.1:5000',
    '127.1.2.3:80',
    '::1',
    '[::1]',
    '[::1]:5000'
  ])('%s: plain http', (host) => {
    expect(isLoopbackRegistry(host)).toBe(true);
  });
  test.each([
    'ghcr.io',
    'registry-1.docker.io',
    'localhost.example.com:5000',
    '10.0.0.1:5000',
    '128.0.0.1',
    '127.0.0.256',
    'myregistry:5000',
    '127.0.0.1:',
    'fe80::1'
  ])('%s: https', (host) => {
    expect(isLoopbackRegistry(host)).toBe(false);
  });
});

describe('the digest read and the existence probe on a loopback registry without registry.insecure', () => {
  let registry: TestRegistry;
  let dockerConfig: string;
  beforeAll(async () => {
    registry = await startRegistry();
    dockerConfig = writeDockerConfig(registry);
  }, 30000);
  afterAll(async () => {
    await registry?.stop();
    fs.rmSync(dockerConfig, { recursive: true, force: true });
  });

  test('the test registry is on a loopback host (what this file is about)', () => {
    expect(isLoopbackRegistry(registry.host)).toBe(true);
  });

  test('the digest of an image pushed there is read over http', async () => {
    const { digest } = await pushImage(registry, 'octo/loop', 'v1');
    expect(
      await registryDigest(`${registry.host}/octo/loop:v1`, false, caller({ DOCKER_CONFIG: dockerConfig }))
    ).toEqual({
      digest
    });
  });

  test('localhost names the same registry', async () => {
    const { digest } = await pushImage(registry, 'octo/loop', 'v2');
    const host = registry.host.replace(/^127\.0\.0\.1:/, 'localhost:');
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    fs.writeFileSync(path.join(config, 'config.json'), dockerConfigJson({ ...registry, host }));
    try {
      expect(await registryDigest(`${host}/octo/loop:v2`, false, caller({ DOCKER_CONFIG: config }))).toEqual({
        digest
      });
    } finally {
      fs.rmSync(config, { recursive: true, force: true });
    }
  });

  test('the existence probe answers true and false there', async () => {
    await pushImage(registry, 'octo/loop', 'cache');
    expect(
      await registryManifestExists(`${registry.host}/octo/loop:cache`, false, caller({ DOCKER_CONFIG: dockerConfig }))
    ).toEqual({ exists: true });
    expect(
      await registryManifestExists(`${registry.host}/octo/loop:none`, false, caller({ DOCKER_CONFIG: dockerConfig }))
    ).toEqual({ exists: false });
  });
});
