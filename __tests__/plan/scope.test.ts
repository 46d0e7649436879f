import { describe, expect, test } from '@jest/globals';
import { plan } from '../support/freeze.js';
import { autoScope, MAX_SCOPE, sanitize, type ScopeParts } from '../../src/plan/scope.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

const BASE: ScopeParts = { workflow: 'CI', job: 'build', path: '.', from: 'build.envd:build' };

describe('auto scope', () => {
  test('readable, short and sanitized', () => {
    const s = autoScope({ ...BASE, matrix: '{"os":"ubuntu-24.04","python":"3.11"}', platform: 'linux/arm64' });
    expect(s).toMatch(/^build-ubuntu-24.04-3.11-linux-arm64-[0-9a-f]{8}$/);
    expect(sanitize('Build Env (GPU)!')).toBe('build-env-gpu');
  });

  test('stable: the same parts give the same scope', () => {
    expect(autoScope(BASE)).toBe(autoScope({ ...BASE }));
    expect(autoScope({ ...BASE, path: './' })).toBe(autoScope(BASE));
  });

  test.each<[string, Partial<ScopeParts>]>([
    ['workflow', { workflow: 'Release' }],
    ['job', { job: 'test' }],
    ['matrix entry', { matrix: '{"python":"3.12"}' }],
    ['platform', { platform: 'linux/arm64' }],
    ['path', { path: 'envs/gpu' }],
    ['from', { from: 'build.envd:build_gpu' }]
  ])('distinct per %s', (_what, change) => {
    expect(autoScope({ ...BASE, ...change })).not.toBe(autoScope(BASE));
  });

  test(`at most ${MAX_SCOPE} characters, whatever the matrix`, () => {
    const s = autoScope({ ...BASE, job: 'a-very-long-job-name-that-goes-on', matrix: JSON.stringify({ a: 'x'.repeat(100), b: 'y'.repeat(50) }) });
    expect(s.length).toBeLessThanOrEqual(MAX_SCOPE);
    expect(s).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{8}$/);
  });

  test('two matrix entries of one job get different scopes; one job on two branches gets the same', () => {
    const legA = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime());
    const legB = plan(inputsOf({ matrix: '{"python":"3.12"}' }), runtime());
    expect(legA.scope).not.toBe(legB.scope);
    const onMain = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime({ ref: 'refs/heads/main' }));
    const onFeature = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime({ ref: 'refs/heads/feature/x' }));
    const onPr = plan(inputsOf({ matrix: '{"python":"3.11"}' }), runtime({ event: 'pull_request', ref: 'refs/pull/9/merge' }));
    expect(onFeature.scope).toBe(onMain.scope);
    expect(onPr.scope).toBe(onMain.scope);
  });

  test('an explicit cache-scope is used as given', () => {
    expect(plan(inputsOf({ 'cache-scope': 'gpu-env' }), runtime()).scope).toBe('gpu-env');
  });
});

describe("the platform: the input, else the runner's architecture", () => {
  const onRunner = (arch: string | undefined, inputs: Record<string, string> = {}) => plan(inputsOf(inputs), runtime({ env: { RUNNER_ARCH: arch } }));
  const scopeReason = (p: ReturnType<typeof plan>) => p.decisions.find((d) => d.topic === 'scope')!.reason;
  // The auto scope of this job as it was before the runner's architecture counted (no platform at all).
  const TODAY = autoScope({ workflow: 'CI', job: 'build', path: '.', from: 'build.envd:build' });

  test('this job\'s scope without a platform is pinned: a change here is a cold cache for every user', () => {
    expect(TODAY).toBe('build-c4082bfb');
  });

  test('ARM64: envd gets --platform linux/arm64 and the scope is arm64\'s own', () => {
    const p = onRunner('ARM64');
    expect(p.envd.platform).toBe('linux/arm64');
    expect(p.scope).toBe(autoScope({ workflow: 'CI', job: 'build', path: '.', from: 'build.envd:build', platform: 'linux/arm64' }));
    expect(p.scope).toMatch(/^build-linux-arm64-[0-9a-f]{8}$/);
    expect(scopeReason(p)).toBe("derived from workflow, job, matrix entry, platform (linux/arm64 from RUNNER_ARCH=ARM64) and path/from; the same on every branch");
  });

  test('ARM: linux/arm/v7', () => {
    const p = onRunner('ARM');
    expect(p.envd.platform).toBe('linux/arm/v7');
    expect(p.scope).toMatch(/^build-linux-arm-v7-[0-9a-f]{8}$/);
    expect(scopeReason(p)).toContain("platform (linux/arm/v7 from RUNNER_ARCH=ARM)");
  });

  test('X64: envd gets --platform linux/amd64, and the scope stays byte-identical to the platform-less one', () => {
    const p = onRunner('X64');
    expect(p.envd.platform).toBe('linux/amd64');
    expect(p.scope).toBe(TODAY);
    expect(scopeReason(p)).toContain("platform (linux/amd64 from RUNNER_ARCH=X64, envd's own default, so the scope leaves it out");
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

  test.each(['ARM64', 'X64', undefined])('an explicit platform wins on RUNNER_ARCH=%s, and is in the scope as written', (arch) => {
    const p = onRunner(arch, { platform: 'linux/riscv64' });
    expect(p.envd.platform).toBe('linux/riscv64');
    expect(p.scope).toBe(autoScope({ workflow: 'CI', job: 'build', path: '.', from: 'build.envd:build', platform: 'linux/riscv64' }));
    expect(scopeReason(p)).toContain('platform (linux/riscv64, the platform input)');
  });

  test('an explicit linux/amd64 keeps the scope it always had (the input as written)', () => {
    expect(onRunner('ARM64', { platform: 'linux/amd64' }).scope).toBe(autoScope({ workflow: 'CI', job: 'build', path: '.', from: 'build.envd:build', platform: 'linux/amd64' }));
  });

  test('an explicit cache-scope is kept, and the decision still names the platform', () => {
    const p = onRunner('ARM64', { 'cache-scope': 'gpu-env' });
    expect(p.scope).toBe('gpu-env');
    expect(p.envd.platform).toBe('linux/arm64');
    expect(scopeReason(p)).toBe("cache-scope is set (the build's platform: linux/arm64 from RUNNER_ARCH=ARM64)");
  });
});
