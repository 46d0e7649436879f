import { describe, expect, test } from '@jest/globals';
import { plan } from '../../src/plan/planner.js';
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
