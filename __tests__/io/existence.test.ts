/**
 * The existence checks that choose the import, against a real registry (Debian's docker-registry with basic
 * auth) and a real S3-compatible server (s3rver), both started here on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheSpec } from '../../src/backends/spec.js';
import { registryManifestExists } from '../../src/io/registry.js';
import { s3ManifestExists, s3ObjectUrl, signS3 } from '../../src/io/s3.js';
import { startRegistry, type TestRegistry } from '../support/services/registry.js';
import { startS3, type TestS3 } from '../support/services/s3.js';
import { caller } from '../support/registry-caller.js';

describe('registry manifest existence (docker-registry, basic auth)', () => {
  let registry: TestRegistry;
  let dockerConfig: string;
  beforeAll(async () => {
    registry = await startRegistry();
    await registry.pushTag('octo/env', 'buildcache-py');
    dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    // What docker/login-action writes.
    fs.writeFileSync(
      path.join(dockerConfig, 'config.json'),
      JSON.stringify({
        auths: { [registry.host]: { auth: Buffer.from(`${registry.user}:${registry.password}`).toString('base64') } }
      })
    );
  }, 30000);
  afterAll(async () => {
    await registry?.stop();
    fs.rmSync(dockerConfig, { recursive: true, force: true });
  });

  test('an existing tag is found with the Docker config credentials', async () => {
    expect(
      await registryManifestExists(
        `${registry.host}/octo/env:buildcache-py`,
        true,
        caller({ DOCKER_CONFIG: dockerConfig })
      )
    ).toEqual({ exists: true });
  });

  test('a missing tag, and a missing repository, are false', async () => {
    expect(
      await registryManifestExists(
        `${registry.host}/octo/env:buildcache-py-feat-1234567`,
        true,
        caller({
          DOCKER_CONFIG: dockerConfig
        })
      )
    ).toEqual({ exists: false });
    expect(
      await registryManifestExists(`${registry.host}/octo/other:x`, true, caller({ DOCKER_CONFIG: dockerConfig }))
    ).toEqual({ exists: false });
  });

  test('without credentials the answer is unknown, with the reason', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    const probe = await registryManifestExists(
      `${registry.host}/octo/env:buildcache-py`,
      true,
      caller({
        DOCKER_CONFIG: empty,
        HOME: empty
      })
    );
    expect(probe.exists).toBeUndefined();
    expect(probe.why).toContain('asks for credentials and the Docker config has none');
    fs.rmSync(empty, { recursive: true, force: true });
  });

  test('wrong credentials are not taken for a missing tag', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    fs.writeFileSync(
      path.join(bad, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('ci:wrong').toString('base64') } } })
    );
    const probe = await registryManifestExists(
      `${registry.host}/octo/env:buildcache-py`,
      true,
      caller({ DOCKER_CONFIG: bad })
    );
    expect(probe).toEqual({ why: `${registry.host} answered 401 to HEAD ${registry.host}/octo/env:buildcache-py` });
    fs.rmSync(bad, { recursive: true, force: true });
  });

  test('a registry that does not answer is unknown', async () => {
    const probe = await registryManifestExists('127.0.0.1:9/octo/env:x', true, caller({}));
    expect(probe.exists).toBeUndefined();
    expect(probe.why).toContain('did not answer');
  });
});

describe('s3 manifest existence (s3rver, SigV4)', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3(['cache']);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const spec = (name: string, extra: [string, string][] = []) =>
    cacheSpec('s3', [
      ['bucket', 'cache'],
      ['region', 'us-east-1'],
      ['endpoint_url', s3.endpoint],
      ['use_path_style', 'true'],
      ['name', name],
      ['access_key_id', s3.accessKeyId],
      ['secret_access_key', s3.secretAccessKey],
      ...extra
    ]);

  async function put(key: string, body: string) {
    const hash = createHash('sha256').update(body).digest('hex');
    const signed = signS3({
      method: 'PUT',
      url: s3ObjectUrl(spec('x'), key),
      region: 'us-east-1',
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      now: new Date(),
      payloadHash: hash
    });
    const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body });
    expect(res.status).toBe(200);
  }

  test('an existing manifest is found; a missing one is false', async () => {
    await put('manifests/py', '{"manifest":true}');
    expect(await s3ManifestExists(spec('py'), {})).toEqual({ exists: true });
    expect(await s3ManifestExists(spec('py-feat-1234567'), {})).toEqual({ exists: false });
  });

  test('prefix and manifests_prefix are honoured', async () => {
    await put('envd/m/py', '{}');
    expect(
      await s3ManifestExists(
        spec('py', [
          ['prefix', 'envd/'],
          ['manifests_prefix', 'm/']
        ]),
        {}
      )
    ).toEqual({ exists: true });
  });

  test('refused credentials are unknown, not false', async () => {
    // s3rver checks the access key id (it does not recompute SigV4 signatures; the vector test below does).
    const bad = spec('py');
    bad.attrs.set('access_key_id', 'AKIAUNKNOWN');
    const probe = await s3ManifestExists(bad, {});
    expect(probe.exists).toBeUndefined();
    expect(probe.why).toMatch(/answered 403/);
  });

  test("SigV4 matches AWS's published example (GET Object with a Range header)", () => {
    const signed = signS3({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      now: new Date('2013-05-24T00:00:00Z'),
      headers: { Range: 'bytes=0-9' }
    });
    expect(signed.headers.Authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'
    );
  });

  test('without credentials nothing is sent', async () => {
    const anon = cacheSpec('s3', [
      ['bucket', 'cache'],
      ['region', 'us-east-1'],
      ['endpoint_url', s3.endpoint],
      ['name', 'py']
    ]);
    expect(await s3ManifestExists(anon, {})).toEqual({ why: 'no static S3 credentials to sign the check with' });
  });

  test('virtual-hosted and path-style URLs', () => {
    expect(
      s3ObjectUrl(
        cacheSpec('s3', [
          ['bucket', 'b'],
          ['region', 'eu-west-1']
        ]),
        'manifests/x'
      ).toString()
    ).toBe('https://b.s3.eu-west-1.amazonaws.com/manifests/x');
    expect(
      s3ObjectUrl(
        cacheSpec('s3', [
          ['bucket', 'b'],
          ['region', 'r'],
          ['endpoint_url', 'http://minio:9000'],
          ['use_path_style', 'true']
        ]),
        'k'
      ).toString()
    ).toBe('http://minio:9000/b/k');
  });
});

/** A caller with no Docker config: the registry is asked without credentials. */
const anonymous = () => caller({ DOCKER_CONFIG: '/nonexistent', HOME: '/nonexistent' });

describe('registry manifest existence: a token service that does not answer with JSON', () => {
  // A captive portal or a proxy answers the token request with 200 and HTML: the probe's contract is
  // true / false / unknown with the reason, never an exception.
  let server: http.Server;
  let host: string;
  let tokenReply: { type: string; body: string };
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/v2/')) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="test"` });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Type': tokenReply.type });
        res.end(tokenReply.body);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test.each([
    ['text/html', '<html>Sign in to the hotel Wi-Fi</html>'],
    ['application/json', 'null'],
    ['application/json', '{"details":"no token here"}'],
    ['application/json', '{"token":42}']
  ])('200 %s %j: unknown, with the reason', async (type, body) => {
    tokenReply = { type, body };
    const probe = await registryManifestExists(`${host}/octo/env:x`, true, anonymous());
    expect(probe).toEqual({
      why: expect.stringContaining(
        `the token service of ${host} answered 200 but not with a JSON token (${type}, ${body.length} bytes)`
      )
    });
  });

  test('a JSON token is used', async () => {
    tokenReply = { type: 'application/json', body: '{"access_token":"t0k"}' };
    const probe = await registryManifestExists(`${host}/octo/env:x`, true, anonymous());
    // The stand-in refuses every HEAD, also with the token: a status, not a thrown error.
    expect(probe).toEqual({ why: `${host} answered 401 to HEAD ${host}/octo/env:x` });
  });
});
