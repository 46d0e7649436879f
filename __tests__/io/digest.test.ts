/**
 * The pushed image's digest, read back from a real registry (Debian's docker-registry with basic auth, on
 * 127.0.0.1) through the same HEAD and credentials as the existence probe: an image manifest, an OCI index
 * (what a multi-platform push leaves under the tag), and the refusals that become warnings.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { registryDigest } from '../../src/io/registry.js';
import { dockerConfigJson, pushImage, pushIndex, writeDockerConfig } from '../support/oci-push.js';
import { startRegistry, type TestRegistry } from '../support/services/registry.js';
import { caller } from '../support/registry-caller.js';

describe('registryDigest against docker-registry (basic auth)', () => {
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

  test('a pushed image manifest: the digest of the bytes pushed', async () => {
    const { digest } = await pushImage(registry, 'octo/env', 'v1');
    expect(await registryDigest(`${registry.host}/octo/env:v1`, true, caller({ DOCKER_CONFIG: dockerConfig }))).toEqual(
      {
        digest
      }
    );
  });

  test('a multi-platform push (an OCI index under the tag): the index digest, not a platform manifest', async () => {
    const { digest, platforms } = await pushIndex(registry, 'octo/multi', 'latest', ['amd64', 'arm64']);
    const read = await registryDigest(
      `${registry.host}/octo/multi:latest`,
      true,
      caller({ DOCKER_CONFIG: dockerConfig })
    );
    expect(read).toEqual({ digest });
    expect(platforms).toHaveLength(2);
    expect(platforms).not.toContain(read.digest);
  });

  test('a name without a tag reads :latest', async () => {
    const { digest } = await pushImage(registry, 'octo/plain', 'latest');
    expect(await registryDigest(`${registry.host}/octo/plain`, true, caller({ DOCKER_CONFIG: dockerConfig }))).toEqual({
      digest
    });
  });

  test('without credentials (401): why, naming the fix', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    const read = await registryDigest(
      `${registry.host}/octo/env:v1`,
      true,
      caller({ DOCKER_CONFIG: empty, HOME: empty })
    );
    expect(read).toEqual({
      why: `${registry.host} asks for credentials and the Docker config has none for it (log in with docker/login-action before this step)`
    });
    fs.rmSync(empty, { recursive: true, force: true });
  });

  test('wrong credentials (401 again): the status, no password in the text', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    fs.writeFileSync(path.join(bad, 'config.json'), dockerConfigJson(registry, 'wrong-password-1'));
    const read = await registryDigest(`${registry.host}/octo/env:v1`, true, caller({ DOCKER_CONFIG: bad }));
    expect(read).toEqual({ why: `${registry.host} answered 401 to HEAD ${registry.host}/octo/env:v1` });
    expect(JSON.stringify(read)).not.toContain('wrong-password-1');
    fs.rmSync(bad, { recursive: true, force: true });
  });

  describe('credentials from a credential helper (credHelpers, credsStore), as gcloud or ECR set them up', () => {
    let bin: string;
    let log: string;
    /** A docker-credential-<name> that answers for the test registry and records the server it was asked about. */
    function helper(name: string, answer: string, code = 0) {
      fs.writeFileSync(
        path.join(bin, `docker-credential-${name}`),
        `#!/bin/sh\n[ "$1" = get ] || exit 3\ncat >> '${log}'\necho >> '${log}'\nprintf '%s' '${answer}'\nexit ${code}\n`,
        { mode: 0o755 }
      );
    }
    const config = (json: unknown) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(json));
      return { DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin` };
    };
    beforeAll(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cred-helpers-'));
      log = path.join(bin, 'asked');
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    test('credHelpers for the host: the helper is asked for that server, and its secret is used', async () => {
      const { digest } = await pushImage(registry, 'octo/helped', 'v1');
      helper(
        'fakegcr',
        JSON.stringify({ ServerURL: registry.host, Username: registry.user, Secret: registry.password })
      );
      const env = config({ auths: { [registry.host]: {} }, credHelpers: { [registry.host]: 'fakegcr' } });
      const masked: string[] = [];
      expect(await registryDigest(`${registry.host}/octo/helped:v1`, true, caller(env, masked))).toEqual({ digest });
      expect(fs.readFileSync(log, 'utf8').trim().split('\n').pop()).toBe(registry.host);
      // The helper's secret is registered with the runner (Runner.setSecret) before anything could print it.
      expect(masked).toEqual([registry.password]);
    });

    test('credsStore for every host', async () => {
      const { digest } = await pushImage(registry, 'octo/stored', 'v1');
      helper('store', JSON.stringify({ ServerURL: registry.host, Username: registry.user, Secret: registry.password }));
      expect(
        await registryDigest(`${registry.host}/octo/stored:v1`, true, caller(config({ credsStore: 'store' })))
      ).toEqual({
        digest
      });
    });

    test('a helper that knows nothing of the host: the inline credentials still count', async () => {
      const { digest } = await pushImage(registry, 'octo/inline', 'v1');
      helper('empty', 'credentials not found in native keychain', 1);
      const env = config({ credsStore: 'empty', auths: JSON.parse(dockerConfigJson(registry)).auths });
      expect(await registryDigest(`${registry.host}/octo/inline:v1`, true, caller(env))).toEqual({ digest });
    });

    test('a helper that is not installed, or a helper name that is not a name: the registry asks, the config has none', async () => {
      for (const name of ['not-installed', '../../bin/sh', 'x;touch /tmp/pwned']) {
        const read = await registryDigest(`${registry.host}/octo/env:v1`, true, caller(config({ credsStore: name })));
        expect(read).toEqual({
          why: `${registry.host} asks for credentials and the Docker config has none for it (log in with docker/login-action before this step)`
        });
      }
    });
    test('a helper whose answer is not JSON: the reason says so, without the answer (it may be the secret)', async () => {
      helper('garbled', 'hunter2-not-json', 0);
      const read = await registryDigest(
        `${registry.host}/octo/env:v1`,
        true,
        caller(config({ credsStore: 'garbled' }))
      );
      expect(read).toEqual({
        why: `${registry.host} asks for credentials and the Docker config has none for it (log in with docker/login-action before this step); docker-credential-garbled answered with not JSON (16 bytes)`
      });
      expect(JSON.stringify(read)).not.toContain('hunter2');
    });
  });

  test('a Docker config that is not JSON: the reason names it, without its text', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    fs.writeFileSync(path.join(dir, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0"}');
    try {
      const read = await registryDigest(`${registry.host}/octo/env:v1`, true, caller({ DOCKER_CONFIG: dir }));
      expect(read.why).toMatch(
        /asks for credentials and the Docker config has none for it \(log in with docker\/login-action before this step\); the Docker config \S+config\.json is not JSON \(36 bytes(, broken at 36)?\)$/
      );
      expect(read.why).not.toContain('c2VjcmV0');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a tag the push did not reach (404): why', async () => {
    const read = await registryDigest(
      `${registry.host}/octo/env:never-pushed`,
      true,
      caller({ DOCKER_CONFIG: dockerConfig })
    );
    expect(read).toEqual({
      why: `${registry.host} has no manifest for ${registry.host}/octo/env:never-pushed (404): the push did not reach it under that name`
    });
  });
});

describe('registryDigest: what a registry answers that is not a digest', () => {
  let server: http.Server;
  let host: string;
  let header: string | undefined;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, header === undefined ? {} : { 'Docker-Content-Digest': header });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('no Docker-Content-Digest header', async () => {
    header = undefined;
    expect(await registryDigest(`${host}/octo/env:v1`, true, caller({}))).toEqual({
      why: `${host} answered HEAD ${host}/octo/env:v1 without a Docker-Content-Digest header`
    });
  });

  test.each([['md5:abc'], ['sha256:XYZ'], [`sha256:${'a'.repeat(63)}`], ['::set-output name=x::y']])(
    'a header %j that is not a digest is refused',
    async (value) => {
      header = value;
      const read = await registryDigest(`${host}/octo/env:v1`, true, caller({}));
      expect(read.digest).toBeUndefined();
      expect(read.why).toContain('with a Docker-Content-Digest that is not a digest');
    }
  );

  test('a registry that does not answer', async () => {
    const read = await registryDigest('127.0.0.1:9/octo/env:v1', true, caller({}));
    expect(read.why).toContain('127.0.0.1:9 did not answer');
  });
});
