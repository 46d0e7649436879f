/**
 * The cache-mounts step with `cache: registry` and `cache: s3`: the plan's home picks the store (no backend name
 * asked), jobs on the default branch, a pull request and a fork, against docker-registry and s3rver behind the
 * fault proxy. buildctl's two uses (du, the helper builds) are replaced at the io seam, as in step.test.ts. What
 * the action wrote (the log) holds no credential; a stalled store is one warning and the job goes on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MountRecord } from '../../src/mounts/mounts.js';
import { ENVD_MOUNT_DIRS } from '../../src/mounts/mounts.js';
import { DEADLINE_SCALE_ENV } from '../../src/http/policies.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.mjs';
import { startRegistry, type TestRegistry } from '../support/services/registry.js';
import { startS3, type TestS3 } from '../support/services/s3.js';

// Deadlines ×0.2: a stall costs 2-3 s here (s3rver shares this process; a smaller scale flaked under load).
process.env[DEADLINE_SCALE_ENV] = '0.2';
const PIP = `${ENVD_MOUNT_DIRS[0]}/app-cpu`;

const real = await import('../../src/io/mounts.js');
let du: MountRecord[] = [];
let content = '';
const helpers: { output?: string }[] = [];
jest.unstable_mockModule('../../src/io/mounts.js', () => ({
  ...real,
  listMounts: async () => ({ ok: true, value: du }),
  helperBuild: async (_c: unknown, o: { dockerfile: string; output?: string }) => {
    helpers.push(o);
    for (const m of o.output ? o.dockerfile.matchAll(/\/out\/([^ ]+\.tar)/g) : []) {
      fs.mkdirSync(o.output!, { recursive: true });
      fs.writeFileSync(path.join(o.output!, m[1]), content);
    }
    return { ok: true, value: 0.1 };
  }
}));
const { beginMounts, restoreMounts, saveMounts } = await import('../../src/steps/mounts.js');
const { plan: makePlan } = await import('../../src/plan/planner.js');
const { recordingRunner } = await import('../support/recording-runner.js');
const { inputsOf } = await import('../support/inputs.js');
const { runtime } = await import('../support/runtime.js');
const { prPayload } = await import('../fixtures/events.js');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-remote-step-'));
const client = { buildctl: 'buildctl', addr: 'unix:///nowhere', env: {} };
const ONE_RAN = { cachedSteps: 2, totalSteps: 3 };
let registry: TestRegistry;
let s3: TestS3;
let proxy: FaultProxy;
let s3proxy: FaultProxy;
let env: NodeJS.ProcessEnv;
let secrets: string[];

beforeAll(async () => {
  [registry, s3] = await Promise.all([startRegistry(), startS3(['cache'])]);
  proxy = await startFaultProxy({ upstream: `http://${registry.host}` });
  s3proxy = await startFaultProxy({ upstream: s3.endpoint });
  const dockerConfig = path.join(root, 'docker');
  fs.mkdirSync(dockerConfig);
  const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
  fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth } } }));
  env = {
    GITHUB_WORKSPACE: path.join(root, 'app'),
    RUNNER_TEMP: path.join(root, 'temp'),
    DOCKER_CONFIG: dockerConfig,
    HOME: dockerConfig,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey
  };
  secrets = [registry.password, auth, s3.secretAccessKey];
  // A build file and the file it names: the GitHub cache's keys would carry their fingerprint; these stores' do not.
  fs.mkdirSync(env.GITHUB_WORKSPACE!, { recursive: true });
  fs.writeFileSync(
    path.join(env.GITHUB_WORKSPACE!, 'build.envd'),
    'def build():\n    install.python_packages(requirements="requirements.txt")\n'
  );
  fs.writeFileSync(path.join(env.GITHUB_WORKSPACE!, 'requirements.txt'), 'numpy\n');
}, 30000);
afterAll(async () => {
  await Promise.all([proxy?.close(), s3proxy?.close()]);
  await Promise.all([registry?.stop(), s3?.stop()]);
  fs.rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  helpers.length = 0;
  du = [{ id: PIP, size: 4000, lastUsed: 'x' }];
});

const REGISTRY = () => ({ cache: 'registry', output: `type=image,name=${proxy.host}/octo/env:latest,push=true` });
const S3 = () => ({
  cache: 's3',
  'cache-options': `bucket=cache,region=us-east-1,endpoint_url=${s3proxy.url},use_path_style=true,prefix=ci/`
});
const fork = () => runtime({ event: 'pull_request', ref: 'refs/pull/12/merge', payload: prPayload('fork: true') });
const samePr = () =>
  runtime({ event: 'pull_request', ref: 'refs/pull/12/merge', payload: prPayload('same repository') });

/** One job: restore, a build that ran a step (its package cache now `content`), save. */
async function job(o: Record<string, string>, rt = runtime(), archive = 'wheels') {
  content = archive;
  const p = makePlan(inputsOf({ 'cache-scope': 'py', 'cache-mounts': 'auto', ...o }), rt);
  const masked: string[] = [];
  const { out, record } = recordingRunner();
  const m = beginMounts(p, { env, mask: (secret) => void masked.push(secret) })!;
  await restoreMounts(out, m, client);
  const figures = await saveMounts(out, m, client, { plan: p, figures: ONE_RAN });
  const log = record.stdout;
  for (const s of secrets) expect(log).not.toContain(s);
  expect(masked).toEqual([]); // the Docker config's own credentials: no credential helper answered
  return { figures, log, restored: helpers.filter((h) => !h.output).length };
}

describe.each([
  ['registry', REGISTRY, () => proxy],
  ['s3', S3, () => s3proxy]
])('cache: %s', (_name, inputs, front) => {
  const writes = () =>
    front()
      .requests()
      .filter((r) => r.method === 'PUT' || r.method === 'POST');

  test('the default branch saves; the next job restores it; unchanged, it is not written again', async () => {
    const first = await job(inputs(), runtime(), 'wheels of main');
    expect(first.restored).toBe(0);
    expect(first.figures).toEqual([{ id: PIP, savedBytes: 14, saveSeconds: expect.any(Number) }]);
    expect(first.log).toContain(`${PIP}: written for the default branch main`);
    front().clear();
    const second = await job(inputs(), runtime(), 'wheels of main');
    expect(second.restored).toBe(1);
    expect(second.log).toContain(`${PIP}: 14 B from the default branch main`);
    expect(second.log).toContain('unchanged since the restore');
    expect(writes()).toEqual([]);
  });

  test('a fork restores the default branch’s and writes nothing, whatever cache-write says', async () => {
    front().clear();
    const r = await job({ ...inputs(), 'cache-write': 'true' }, fork(), 'wheels of a fork');
    expect(r.restored).toBe(1);
    expect(r.log).toContain(`${PIP}: 14 B from the default branch main`);
    expect(r.log).toContain('Not saved: this run writes no cache');
    expect(writes()).toEqual([]);
  });

  test('a trusted pull request that may write: reads main’s, writes its own, and then reads its own', async () => {
    await job({ ...inputs(), 'cache-write': 'true' }, samePr(), 'wheels of pr 12');
    const again = await job({ ...inputs(), 'cache-write': 'true' }, samePr(), 'wheels of pr 12');
    expect(again.log).toContain(`${PIP}: 15 B from pull request #12`);
    // The default branch's is untouched.
    expect((await job(inputs(), runtime(), 'wheels of main')).log).toContain('unchanged since the restore');
  });

  test('a stalled store: one warning, the job goes on, nothing restored or saved', async () => {
    await front().set({ kind: 'stall' });
    try {
      const r = await job(inputs(), runtime(), 'wheels after the stall');
      expect(r.restored).toBe(0);
      expect(r.log.match(/::warning::/g)).toHaveLength(1);
      expect(r.log).toMatch(
        /::warning::Package caches: the (registry|s3 bucket) .* failed while reading .*(no answer within 2 s|no data for 3 s)\); the build goes on without them/
      );
      expect(r.log).toContain('Nothing restored (see the warning above)');
      expect(r.figures).toEqual([
        {
          id: PIP,
          note: expect.stringMatching(
            /^not saved: the (registry|s3 bucket) .* did not take it \(see the warning above\)$/
          )
        }
      ]);
    } finally {
      await front().set({ kind: 'none' });
    }
  });
});
