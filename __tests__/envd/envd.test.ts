import { describe, expect, test } from '@jest/globals';
import { envdBuildCall, showArgs } from '../../src/envd/args.js';
import { classify, envdErrorLine } from '../../src/envd/errors.js';
import { Progress } from '../../src/envd/progress.js';
import { plan } from '../../src/plan/planner.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

describe('envd build command line', () => {
  const p = plan(inputsOf({ 'cache-scope': 's', path: 'examples', output: 'type=image,name=ghcr.io/o/e:1,push=true', platform: 'linux/arm64' }), runtime());

  test('--force, the stable key, one flag each way; the token only in the real argv', () => {
    const call = envdBuildCall(p, '/k.pub', { withImport: true });
    expect(call.args.slice(0, 12)).toEqual(['build', '--path', 'examples', '--from', 'build.envd:build', '--force', '--public-key', '/k.pub', '--output', 'type=image,name=ghcr.io/o/e:1,push=true', '--platform', 'linux/arm64']);
    expect(call.args.filter((a) => a === '--export-cache')).toHaveLength(1);
    expect(call.args.filter((a) => a === '--import-cache')).toHaveLength(1);
    const token = p.secrets.find((s) => s.split('.').length === 3)!;
    expect(call.args.join(' ')).toContain(token);
    expect(call.shown.join(' ')).not.toContain(token);
    expect(call.shown.join(' ')).toContain('token=***');
  });

  test('the retry drops only the import', () => {
    const call = envdBuildCall(p, '/k.pub', { withImport: false });
    expect(call.args).toContain('--export-cache');
    expect(call.args).not.toContain('--import-cache');
  });

  test('display quoting', () => {
    expect(showArgs('envd', ['build', '--output', 'type=image,name=a b'])).toBe("envd build --output 'type=image,name=a b'");
  });
});

describe('progress', () => {
  const COLD = [
    '#1 [internal] load build definition',
    '#1 DONE 0.0s',
    '#2 importing cache manifest from gha:1234',
    '#2 ERROR: not found',
    '#3 docker-image://docker.io/library/ubuntu:22.04',
    '#3 DONE 1.0s',
    '#4 sh -c apt-get update',
    '#4 CACHED',
    '#8 importing cache manifest from ghcr.io/tensorchord/python-cache:envd-v1.3.4',
    '#8 ERROR: not found',
    '#9 [internal] install ssh keys',
    '#9 CACHED',
    '#10 parse build.envd and download/cache dependencies',
    '#10 DONE 0.0s',
    '#5 pip install numpy',
    '#5 0.512 Collecting numpy',
    '#5 DONE 3.2s',
    '#6 exporting to GitHub Actions Cache',
    '#6 preparing build cache for export',
    '#6 DONE 0.4s',
    'not a progress line'
  ];

  test('counts steps (not internal, import or export vertices) and the cached ones', () => {
    const pr = new Progress();
    COLD.forEach((l) => pr.push(l));
    expect(pr.figures()).toEqual({
      totalSteps: 4,
      cachedSteps: 2,
      imports: [{ name: 'importing cache manifest from gha:1234', error: 'not found' }],
      exports: [{ name: 'exporting to GitHub Actions Cache', error: undefined, done: true }],
      stepError: undefined
    });
  });

  test('the failing step is reported', () => {
    const pr = new Progress();
    ['#7 pip install nope', '#7 ERROR: process "pip install nope" did not complete successfully: exit code: 1'].forEach((l) => pr.push(l));
    expect(pr.figures().stepError).toBe('process "pip install nope" did not complete successfully: exit code: 1');
  });
});

describe('error texts', () => {
  test.each([
    ['failed to solve: failed to compute cache key: blob sha256:abc not found', 'evicted-blob'],
    ['BlobNotFound', 'evicted-blob'],
    ['This legacy service is shutting down, effective April 15, 2025', 'legacy-cache-api'],
    ['token not set for github actions cache', 'gha-credentials'],
    ['cache token expired at 2026-11-27', 'token-expired'],
    ['error writing layer blob: failed to reserve cache', 'write-denied'],
    ['maximum timeout reached', 'throttled'],
    ['Rate limited: Failed request: (429) Too Many Requests: rate limit exceeded', 'throttled'],
    ['403 AuthenticationFailed: Server failed to authenticate the request', 'expired-url'],
    ['repository name must be lowercase', 'uppercase-ref'],
    ['Cache export is not supported for the docker driver', 'wrong-builder'],
    ['failed to connect to buildkitd unix:///x: timeout 5s: cannot connect to buildkitd', 'no-buildkitd'],
    ['region ($AWS_REGION) not set for s3 cache', 's3-location'],
    ['unexpected status from PUT request: 401 Unauthorized', 'registry-auth'],
    ['local cache importer requires explicit digest', 'local-import']
  ])('%s → %s', (text, id) => {
    expect(classify(text)?.id).toBe(id);
  });

  test('unknown text is not classified', () => {
    expect(classify('something else entirely')).toBeUndefined();
  });

  test("envd's fatal line gives the one-line error", () => {
    const stderr = 'time="2026-11-27T10:00:00Z" level=info msg="x"\ntime="2026-11-27T10:00:01Z" level=fatal msg=exit error="failed to solve: \\"blob\\" not found"\n';
    expect(envdErrorLine(stderr)).toBe('failed to solve: "blob" not found');
    expect(envdErrorLine('plain last line\n')).toBe('plain last line');
  });
});
