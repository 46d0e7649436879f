import { describe, expect, test } from '@jest/globals';
import { redactCacheSpec } from '../../src/cache/spec.js';
import { plan } from '../../src/plan/planner.js';
import { EVENTS, type EventFixture } from '../fixtures/events.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

const NOW = 1_800_000_000;
const MODES = [undefined, 'read', 'write', 'write-only', 'none'] as const;

function runtimeFor(e: EventFixture, env: Record<string, string | undefined> = {}, claims: Record<string, unknown> = {}) {
  return runtime({ event: e.event, ref: e.ref, payload: e.payload, env: { ACTIONS_RUNTIME_TOKEN: jwt(e.ac, { exp: NOW + 6 * 3600, ...claims }), ...env } });
}

const line = (p: ReturnType<typeof plan>, topic: string) => p.decisions.filter((d) => d.topic === topic).map((d) => `${d.outcome}: ${d.reason}`);

describe('gha: what the runtime allows', () => {
  // Every event × every ACTIONS_CACHE_MODE: export only with a writable ref and a writing mode; import unless write-only/none.
  const cases = EVENTS.flatMap((e) => MODES.map((mode) => [e.name, mode ?? 'unset', e, mode] as const));
  test.each(cases)('%s, ACTIONS_CACHE_MODE=%s', (_n, _m, e, mode) => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtimeFor(e, { ACTIONS_CACHE_MODE: mode }), NOW);
    const writable = e.ac.some((a) => a.Permission & 2);
    const shouldExport = writable && mode !== 'read' && mode !== 'none';
    const shouldImport = mode !== 'write-only' && mode !== 'none';
    expect(!!p.export).toBe(shouldExport);
    expect(!!p.import).toBe(shouldImport);
    if (mode === 'read' || mode === 'none') expect(line(p, 'export')).toContain(`skipped: ACTIONS_CACHE_MODE=${mode}`);
    else if (!writable) expect(line(p, 'export')[0]).toMatch(/^skipped: the runtime token has no writable ref/);
    if (!shouldImport) expect(line(p, 'import')).toContain(`skipped: ACTIONS_CACHE_MODE=${mode}`);
    expect(p.access?.readable).toEqual(e.ac.filter((a) => a.Permission & 1).map((a) => a.Scope));
    expect(line(p, 'refs')[0]).toContain('the runtime token can read');
  });

  test.each([
    ['github.com with the v2 flag', { ACTIONS_CACHE_SERVICE_V2: 'True' }, 'url_v2=https://results-receiver.actions.githubusercontent.com/,version=2'],
    ['github.com without the v2 flag', { ACTIONS_CACHE_SERVICE_V2: undefined, ACTIONS_CACHE_URL: 'https://artifactcache.example/' }, 'url=https://artifactcache.example/,version=1'],
    ['GHES with the v2 flag (GHES speaks v1)', { GITHUB_SERVER_URL: 'https://ghe.corp', ACTIONS_CACHE_URL: 'https://ghe.corp/cache/' }, 'url=https://ghe.corp/cache/,version=1'],
    ['GHES without the flag', { GITHUB_SERVER_URL: 'https://ghe.corp', ACTIONS_CACHE_SERVICE_V2: undefined, ACTIONS_CACHE_URL: 'https://ghe.corp/cache/' }, 'url=https://ghe.corp/cache/,version=1']
  ])('%s', (_n, env, endpoint) => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtimeFor(EVENTS[0], env), NOW);
    expect(redactCacheSpec(p.export!)).toBe(`type=gha,scope=s,token=***,${endpoint},timeout=10m,mode=max,ignore-error=true`);
    expect(redactCacheSpec(p.import!)).toBe(`type=gha,scope=s,token=***,${endpoint},timeout=10m`);
  });

  test('cache-write: true cannot override a read-only runtime, and says so', () => {
    const p = plan(inputsOf({ 'cache-write': 'true' }), runtimeFor(EVENTS[0], { ACTIONS_CACHE_MODE: 'read' }), NOW);
    expect(p.export).toBeUndefined();
    expect(p.warnings).toContain('cache-write is true, but the export is skipped: ACTIONS_CACHE_MODE=read');
  });

  test('cache-write: false makes any run import-only', () => {
    const p = plan(inputsOf({ 'cache-write': 'false' }), runtimeFor(EVENTS[0]), NOW);
    expect(p.export).toBeUndefined();
    expect(line(p, 'export')).toEqual(['skipped: cache-write is false']);
  });

  test('a token that expires before a long build could end is a warning; an expired one drops both flags', () => {
    const soon = plan(inputsOf(), runtimeFor(EVENTS[0], {}, { exp: NOW + 1800 }), NOW);
    expect(soon.export).toBeDefined();
    expect(soon.warnings.join()).toContain('The runtime token expires in 30 min');
    const gone = plan(inputsOf(), runtimeFor(EVENTS[0], {}, { exp: NOW - 600 }), NOW);
    expect(gone.export).toBeUndefined();
    expect(gone.import).toBeUndefined();
    expect(line(gone, 'export')).toEqual(['skipped: the runtime token expired 10 min ago']);
  });

  test('a malformed runtime token is a clear error', () => {
    const p = plan(inputsOf(), runtime({ env: { ACTIONS_RUNTIME_TOKEN: 'not.a-token' } }), NOW);
    expect(p.problems[0]).toMatch(/^ACTIONS_RUNTIME_TOKEN cannot be read: it has 2 segments where a JWT has 3/);
  });
});

describe('registry and s3: pull requests read the shared cache only', () => {
  const IMAGE = { cache: 'registry', output: 'type=image,name=ghcr.io/octo/env:pr,push=true' };
  test.each(EVENTS.map((e) => [e.name, e] as const))('%s', (_n, e) => {
    const p = plan(inputsOf(IMAGE), runtimeFor(e), NOW);
    const isPr = e.event.startsWith('pull_request');
    expect(!!p.export).toBe(!isPr);
    expect(p.import).toBeDefined();
  });

  test('cache-write: true lets a same-repository pull request write, never a fork', () => {
    const [, , samePr, forkPr] = EVENTS;
    expect(plan(inputsOf({ ...IMAGE, 'cache-write': 'true' }), runtimeFor(samePr), NOW).export).toBeDefined();
    const fork = plan(inputsOf({ ...IMAGE, 'cache-write': 'true' }), runtimeFor(forkPr), NOW);
    expect(fork.export).toBeUndefined();
    expect(fork.warnings).toContain('cache-write is true, but the export is skipped: pull requests from forks never write to a shared cache');
  });
});
