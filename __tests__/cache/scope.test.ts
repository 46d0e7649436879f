import { describe, expect, test } from '@jest/globals';
import { plan } from '../support/freeze.js';
import { autoScope, MAX_SCOPE, sanitize, scopeFamily, type ScopeParts } from '../../src/cache/scope.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

const BASE: ScopeParts = { path: '.', from: 'build.envd:build' };

// The auto scope of the default build (path `.`, build.envd:build, no matrix, linux/amd64 or no platform).
const TODAY = autoScope(BASE);

describe('auto scope', () => {
  test('readable, short and sanitized', () => {
    const s = autoScope({ ...BASE, matrix: '{"os":"ubuntu-24.04","python":"3.11"}', platform: 'linux/arm64' });
    expect(s).toMatch(/^envd-ubuntu-24.04-3.11-linux-arm64-[0-9a-f]{8}$/);
    expect(autoScope({ path: 'envs/gpu/', from: 'build.envd:build_cuda' })).toMatch(/^gpu-build_cuda-[0-9a-f]{8}$/);
    expect(autoScope({ path: '.', from: 'gpu.envd:build' })).toMatch(/^envd-gpu-[0-9a-f]{8}$/);
    expect(sanitize('Build Env (GPU)!')).toBe('build-env-gpu');
  });

  test('stable: the same parts give the same scope', () => {
    expect(autoScope(BASE)).toBe(autoScope({ ...BASE }));
    expect(autoScope({ ...BASE, path: './' })).toBe(autoScope(BASE));
  });

  test.each<[string, Partial<ScopeParts>]>([
    ['matrix entry', { matrix: '{"python":"3.12"}' }],
    ['platform', { platform: 'linux/arm64' }],
    ['path', { path: 'envs/gpu' }],
    ['from', { from: 'build.envd:build_gpu' }]
  ])('distinct per %s', (_what, change) => {
    expect(autoScope({ ...BASE, ...change })).not.toBe(autoScope(BASE));
  });

  test(`at most ${MAX_SCOPE} characters, whatever the matrix`, () => {
    const s = autoScope({
      ...BASE,
      path: 'a-very-long-directory-name-that-goes-on-and-on',
      matrix: JSON.stringify({ a: 'x'.repeat(100), b: 'y'.repeat(50) })
    });
    expect(s.length).toBeLessThanOrEqual(MAX_SCOPE);
    expect(s).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{8}$/);
  });

  test('two matrix entries of one job get different scopes; one job on two branches gets the same', () => {
    const legA = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime());
    const legB = plan(inputsOf({ matrix: '{"python":"3.12"}' }), runtime());
    expect(legA.scope).not.toBe(legB.scope);
    const onMain = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime({ ref: 'refs/heads/main' }));
    const onFeature = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime({ ref: 'refs/heads/feature/x' }));
    const onPr = plan(
      inputsOf({ matrix: '{"python":"3.11"}' }),
      runtime({ event: 'pull_request', ref: 'refs/pull/9/merge' })
    );
    expect(onFeature.scope).toBe(onMain.scope);
    expect(onPr.scope).toBe(onMain.scope);
  });

  // Issue 20 item 5: the scope says what is built, not which workflow or job builds it, so that a pull-request
  // workflow of its own (README, "Pull request pipeline: import only": `name: envd pr`) reads what main's wrote.
  test.each([
    ["README's gha example on main: workflow `envd`, job `build`", 'envd', 'build', 'push', 'refs/heads/main'],
    ["README's PR pipeline: workflow `envd pr`, job `build`", 'envd pr', 'build', 'pull_request', 'refs/pull/9/merge'],
    ['a PR workflow with a job id of its own', 'envd pr', 'pr-import', 'pull_request', 'refs/pull/9/merge'],
    ['a release workflow building the same thing on a tag', 'Release', 'image', 'push', 'refs/tags/v1.2.0'],
    ['another job of the same workflow on a feature branch', 'envd', 'test', 'push', 'refs/heads/feature/x']
  ])('%s: the scope main writes', (_what, workflow, job, event, ref) => {
    const at = (w: string, j: string, e: string, r: string) =>
      plan(inputsOf({ path: '.' }), runtime({ event: e, ref: r, env: { GITHUB_WORKFLOW: w, GITHUB_JOB: j } }));
    const main = at('envd', 'build', 'push', 'refs/heads/main');
    const p = at(workflow, job, event, ref);
    expect(p.scope).toBe(main.scope);
    expect(p.scope).toBe(TODAY);
    expect(p.decisions.find((d) => d.topic === 'scope')!.reason).toMatch(
      /^derived from what is built: path\/from, platform .* and matrix entry, not from the workflow or job/
    );
  });

  test('two jobs of one run building the same path/from/platform share a scope; another matrix entry does not', () => {
    const job = (name: string, matrix?: string) =>
      plan(inputsOf(matrix ? { matrix } : {}), runtime({ env: { GITHUB_JOB: name } }));
    expect(job('lint-env').scope).toBe(job('build').scope);
    expect(job('lint-env', '{"python":"3.11"}').scope).toBe(job('build', '{"python":"3.11"}').scope);
    expect(job('lint-env', '{"python":"3.11"}').scope).not.toBe(job('build', '{"python":"3.12"}').scope);
    expect(job('build', '{"python":"3.11"}').scope).not.toBe(job('build').scope);
  });

  test('the legs of one matrix share the first word of their scopes (the budget counts them as siblings)', () => {
    const legs = ['{"python":"3.11"}', '{"python":"3.12"}'].map((matrix) => autoScope({ ...BASE, matrix }));
    for (const leg of legs) expect(leg.startsWith(`${scopeFamily(BASE.path, BASE.from)}-`)).toBe(true);
    expect(scopeFamily('envs/gpu', 'build.envd:build')).toBe('gpu');
    expect(scopeFamily('.', 'build.envd:build')).toBe('envd');
  });

  test('an explicit cache-scope is used as given', () => {
    expect(plan(inputsOf({ 'cache-scope': 'gpu-env' }), runtime()).scope).toBe('gpu-env');
  });
});

describe("the platform: the input, else the runner's architecture", () => {
  const onRunner = (arch: string | undefined, inputs: Record<string, string> = {}) =>
    plan(inputsOf(inputs), runtime({ env: { RUNNER_ARCH: arch } }));
  const scopeReason = (p: ReturnType<typeof plan>) => p.decisions.find((d) => d.topic === 'scope')!.reason;
  test("the default build's scope without a platform is pinned: a change here is a cold cache for every user", () => {
    // It was build-c4082bfb (workflow CI, job build) until issue 20 took the workflow and the job out: one miss
    // after upgrading, said in the README.
    expect(TODAY).toBe('envd-b1298d29');
  });

  test("ARM64: envd gets --platform linux/arm64 and the scope is arm64's own", () => {
    const p = onRunner('ARM64');
    expect(p.envd.platform).toBe('linux/arm64');
    expect(p.scope).toBe(autoScope({ ...BASE, platform: 'linux/arm64' }));
    expect(p.scope).toMatch(/^envd-linux-arm64-[0-9a-f]{8}$/);
    expect(scopeReason(p)).toBe(
      'derived from what is built: path/from, platform (linux/arm64 from RUNNER_ARCH=ARM64) and matrix entry, not from the workflow or job; the same on every branch, in every workflow'
    );
  });

  test('ARM: linux/arm/v7', () => {
    const p = onRunner('ARM');
    expect(p.envd.platform).toBe('linux/arm/v7');
    expect(p.scope).toMatch(/^envd-linux-arm-v7-[0-9a-f]{8}$/);
    expect(scopeReason(p)).toContain('platform (linux/arm/v7 from RUNNER_ARCH=ARM)');
  });

  test('X64: envd gets --platform linux/amd64, and the scope stays byte-identical to the platform-less one', () => {
    const p = onRunner('X64');
    expect(p.envd.platform).toBe('linux/amd64');
    expect(p.scope).toBe(TODAY);
    expect(scopeReason(p)).toContain(
      "platform (linux/amd64 from RUNNER_ARCH=X64, envd's own default, so the scope leaves it out"
    );
  });

  test('amd64 and arm64 legs of one job never share a scope', () => {
    expect(onRunner('X64').scope).not.toBe(onRunner('ARM64').scope);
    expect(onRunner('ARM').scope).not.toBe(onRunner('ARM64').scope);
  });

  test.each([
    [undefined, 'none: RUNNER_ARCH is not set, so envd builds its default linux/amd64'],
    ['X86', 'none: RUNNER_ARCH=X86 has no envd platform, so envd builds its default linux/amd64']
  ])('RUNNER_ARCH=%s: no --platform, as before', (arch, words) => {
    const p = onRunner(arch);
    expect(p.envd.platform).toBeUndefined();
    expect(p.scope).toBe(TODAY);
    expect(scopeReason(p)).toContain(`platform (${words})`);
  });

  test.each(['ARM64', 'X64', undefined])(
    'an explicit platform wins on RUNNER_ARCH=%s, and is in the scope as written',
    (arch) => {
      const p = onRunner(arch, { platform: 'linux/riscv64' });
      expect(p.envd.platform).toBe('linux/riscv64');
      expect(p.scope).toBe(autoScope({ ...BASE, platform: 'linux/riscv64' }));
      expect(scopeReason(p)).toContain('platform (linux/riscv64, the platform input)');
    }
  );

  test('an explicit linux/amd64 keeps the scope it always had (the input as written)', () => {
    expect(onRunner('ARM64', { platform: 'linux/amd64' }).scope).toBe(autoScope({ ...BASE, platform: 'linux/amd64' }));
  });

  test('an explicit cache-scope is kept, and the decision still names the platform', () => {
    const p = onRunner('ARM64', { 'cache-scope': 'gpu-env' });
    expect(p.scope).toBe('gpu-env');
    expect(p.envd.platform).toBe('linux/arm64');
    expect(scopeReason(p)).toBe("cache-scope is set (the build's platform: linux/arm64 from RUNNER_ARCH=ARM64)");
  });
});
