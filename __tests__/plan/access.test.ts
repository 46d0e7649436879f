import { describe, expect, test } from '@jest/globals';
import { redactCacheSpec } from '../../src/backends/spec.js';
import { plan } from '../support/freeze.js';
import { EVENTS, type EventFixture, FORKED, prPayload, UNTRUSTED_SAME_REPO } from '../fixtures/events.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

const NOW = 1_800_000_000;
const MODES = [undefined, 'read', 'write', 'write-only', 'none'] as const;

function runtimeFor(
  e: EventFixture,
  env: Record<string, string | undefined> = {},
  claims: Record<string, unknown> = {}
) {
  return runtime({
    event: e.event,
    ref: e.ref,
    payload: e.payload,
    env: { ACTIONS_RUNTIME_TOKEN: jwt(e.ac, { exp: NOW + 6 * 3600, ...claims }), ...env }
  });
}

const line = (p: ReturnType<typeof plan>, topic: string) =>
  p.decisions.filter((d) => d.topic === topic).map((d) => `${d.outcome}: ${d.reason}`);

/** The fixtures whose pull request comes from a fork: they never export, whatever the token allows. */
const FROM_A_FORK = ['pull_request from a fork', 'pull_request_target (read-only token)'];

describe('gha: what the runtime allows', () => {
  // Every event × every ACTIONS_CACHE_MODE: export only with a writable ref, a writing mode and no fork; import unless write-only/none.
  const cases = EVENTS.flatMap((e) => MODES.map((mode) => [e.name, mode ?? 'unset', e, mode] as const));
  test.each(cases)('%s, ACTIONS_CACHE_MODE=%s', (_n, _m, e, mode) => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtimeFor(e, { ACTIONS_CACHE_MODE: mode }), { nowSeconds: NOW });
    const writable = e.ac.some((a) => a.Permission & 2);
    const fork = FROM_A_FORK.includes(e.name);
    const shouldExport = writable && mode !== 'read' && mode !== 'none' && !fork;
    const shouldImport = mode !== 'write-only' && mode !== 'none';
    expect(!!p.export).toBe(shouldExport);
    expect(!!p.import).toBe(shouldImport);
    if (fork)
      expect(line(p, 'export')[0]).toMatch(
        new RegExp(
          `^skipped: ${e.event}: pull request #12 comes from another repository .*Code from a fork never writes a cache, whatever cache-write says$`
        )
      );
    else if (mode === 'read' || mode === 'none')
      expect(line(p, 'export')).toContain(`skipped: ACTIONS_CACHE_MODE=${mode}`);
    else if (!writable) expect(line(p, 'export')[0]).toMatch(/^skipped: the runtime token has no writable ref/);
    if (!shouldImport) expect(line(p, 'import')).toContain(`skipped: ACTIONS_CACHE_MODE=${mode}`);
    expect(p.access?.readable).toEqual(e.ac.filter((a) => a.Permission & 1).map((a) => a.Scope));
    expect(line(p, 'refs')[0]).toContain('the runtime token can read');
  });

  test.each([
    [
      'github.com with the v2 flag',
      { ACTIONS_CACHE_SERVICE_V2: 'True' },
      'url_v2=https://results-receiver.actions.githubusercontent.com/,version=2'
    ],
    [
      'github.com without the v2 flag',
      { ACTIONS_CACHE_SERVICE_V2: undefined, ACTIONS_CACHE_URL: 'https://artifactcache.example/' },
      'url=https://artifactcache.example/,version=1'
    ],
    [
      'GHES with the v2 flag (GHES speaks v1)',
      { GITHUB_SERVER_URL: 'https://ghe.corp', ACTIONS_CACHE_URL: 'https://ghe.corp/cache/' },
      'url=https://ghe.corp/cache/,version=1'
    ],
    [
      'GHES without the flag',
      {
        GITHUB_SERVER_URL: 'https://ghe.corp',
        ACTIONS_CACHE_SERVICE_V2: undefined,
        ACTIONS_CACHE_URL: 'https://ghe.corp/cache/'
      },
      'url=https://ghe.corp/cache/,version=1'
    ]
  ])('%s', (_n, env, endpoint) => {
    const p = plan(inputsOf({ 'cache-scope': 's' }), runtimeFor(EVENTS[0], env), { nowSeconds: NOW });
    expect(redactCacheSpec(p.export!)).toBe(
      `type=gha,scope=s,token=***,${endpoint},timeout=10m,mode=max,ignore-error=true`
    );
    expect(redactCacheSpec(p.import!)).toBe(`type=gha,scope=s,token=***,${endpoint},timeout=10m`);
  });

  test('cache-write: true cannot override a read-only runtime, and says so', () => {
    const p = plan(inputsOf({ 'cache-write': 'true' }), runtimeFor(EVENTS[0], { ACTIONS_CACHE_MODE: 'read' }), {
      nowSeconds: NOW
    });
    expect(p.export).toBeUndefined();
    expect(p.warnings).toContain('cache-write is true, but the export is skipped: ACTIONS_CACHE_MODE=read');
  });

  test('cache-write: false makes any run import-only', () => {
    const p = plan(inputsOf({ 'cache-write': 'false' }), runtimeFor(EVENTS[0]), { nowSeconds: NOW });
    expect(p.export).toBeUndefined();
    expect(line(p, 'export')).toEqual(['skipped: cache-write is false']);
  });

  test('a token that expires before a long build could end is a warning; an expired one drops both flags', () => {
    const soon = plan(inputsOf(), runtimeFor(EVENTS[0], {}, { exp: NOW + 1800 }), { nowSeconds: NOW });
    expect(soon.export).toBeDefined();
    expect(soon.warnings.join()).toContain('The runtime token expires in 30 min');
    const gone = plan(inputsOf(), runtimeFor(EVENTS[0], {}, { exp: NOW - 600 }), { nowSeconds: NOW });
    expect(gone.export).toBeUndefined();
    expect(gone.import).toBeUndefined();
    expect(line(gone, 'export')).toEqual(['skipped: the runtime token expired 10 min ago']);
  });

  test('a malformed runtime token is a clear error', () => {
    const p = plan(inputsOf(), runtime({ env: { ACTIONS_RUNTIME_TOKEN: 'not.a-token' } }), { nowSeconds: NOW });
    expect(p.problems[0]).toMatch(/^ACTIONS_RUNTIME_TOKEN cannot be read: it has 2 segments where a JWT has 3/);
  });
});

describe('registry and s3: pull requests read the shared cache only', () => {
  const IMAGE = { cache: 'registry', output: 'type=image,name=ghcr.io/octo/env:pr,push=true' };
  test.each(EVENTS.map((e) => [e.name, e] as const))('%s', (_n, e) => {
    const p = plan(inputsOf(IMAGE), runtimeFor(e), { nowSeconds: NOW });
    const isPr = e.event.startsWith('pull_request');
    expect(!!p.export).toBe(!isPr);
    expect(p.import).toBeDefined();
  });

  test('cache-write: true lets a same-repository pull request write, never a fork', () => {
    const [, , samePr, forkPr] = EVENTS;
    expect(
      plan(inputsOf({ ...IMAGE, 'cache-write': 'true' }), runtimeFor(samePr), { nowSeconds: NOW }).export
    ).toBeDefined();
    const fork = plan(inputsOf({ ...IMAGE, 'cache-write': 'true' }), runtimeFor(forkPr), { nowSeconds: NOW });
    expect(fork.export).toBeUndefined();
    expect(fork.warnings).toEqual([
      expect.stringMatching(
        /^cache-write is true, but the export is skipped: pull_request: pull request #12 comes from another repository/
      )
    ]);
  });
});

// The trust boundary (DESIGN.md): event × backend × cache-write × head shape. Every fixture's token can
// write (GHES and older runners give untrusted triggers one), so only the action's own rule stops the export.
const BACKENDS: Record<string, Record<string, string>> = {
  gha: { 'cache-scope': 's' },
  local: { cache: 'local', 'cache-scope': 's' },
  registry: { cache: 'registry', output: 'type=image,name=ghcr.io/octo/env:latest,push=true', 'cache-scope': 's' },
  s3: { cache: 's3', 'cache-scope': 's', 'cache-options': 'bucket=b,region=eu-west-1' },
  inline: { cache: 'inline', output: 'type=image,name=ghcr.io/octo/env:latest,push=true' }
};
const each = (fixtures: EventFixture[]) =>
  fixtures.flatMap((e) => Object.keys(BACKENDS).map((b) => [e.name, b, e] as const));

describe('untrusted triggers only read with cache-write: auto, on every backend', () => {
  test.each(each(UNTRUSTED_SAME_REPO))('%s, cache: %s', (_n, backend, e) => {
    const p = plan(inputsOf(BACKENDS[backend]), runtimeFor(e), { nowSeconds: NOW });
    expect(p.problems).toEqual([]);
    expect(p.export).toBeUndefined();
    // Reads go on (cache: local restores its directory and serves it at build time, so it has no import flag yet).
    expect(!!p.import || !!p.local).toBe(true);
    const [skipped] = line(p, 'export');
    expect(skipped).toMatch(new RegExp(`^skipped: ${e.event} `));
    expect(skipped).toContain(
      'with cache-write: auto it only reads, on every backend (set cache-write: true to let a same-repository'
    );
    expect(p.warnings.join('\n')).not.toContain('cache-write is true');
  });

  test.each(each(UNTRUSTED_SAME_REPO))(
    '%s, cache: %s, cache-write: true exports and says whose cache it writes',
    (_n, backend, e) => {
      const p = plan(inputsOf({ ...BACKENDS[backend], 'cache-write': 'true' }), runtimeFor(e), { nowSeconds: NOW });
      expect(p.problems).toEqual([]);
      expect(p.export).toBeDefined();
      const warning = p.warnings.find((w) => w.startsWith('cache-write is true, so this'));
      expect(warning).toContain(`this ${e.event} run exports although ${e.event} `);
      const pr = e.payload && 'pull_request' in e.payload;
      const whose: Record<string, string> = {
        gha: "it writes the GitHub cache of the default branch main's (refs/heads/main), scope s",
        local:
          "it writes the GitHub cache of the default branch main's (refs/heads/main), where the cache directory is saved",
        registry: pr
          ? "it writes buildcache-s-pr-12, pull request #12's registry entry"
          : "it writes buildcache-s, the default branch main's registry entry",
        s3: pr ? "it writes s-pr-12, pull request #12's s3 entry" : "it writes s, the default branch main's s3 entry",
        inline: 'it writes the output image, which carries the cache'
      };
      expect(warning).toContain(whose[backend]);
    }
  );

  test('cache-write: false is said as such, not as a trust decision', () => {
    const p = plan(inputsOf({ 'cache-write': 'false' }), runtimeFor(UNTRUSTED_SAME_REPO[0]), { nowSeconds: NOW });
    expect(line(p, 'export')).toEqual(['skipped: cache-write is false']);
  });

  test('plain push, dispatch and same-repository pull_request runs are not untrusted', () => {
    for (const e of EVENTS.filter((x) => !FROM_A_FORK.includes(x.name)))
      expect(line(plan(inputsOf(), runtimeFor(e), { nowSeconds: NOW }), 'export').join()).not.toMatch(
        /only reads, on every backend/
      );
  });
});

describe('code from a fork never exports, whatever cache-write says', () => {
  const cases = (['auto', 'true'] as const).flatMap((w) => each(FORKED).map(([n, b, e]) => [n, b, w, e] as const));
  test.each(cases)('%s, cache: %s, cache-write: %s', (_n, backend, cacheWrite, e) => {
    const p = plan(inputsOf({ ...BACKENDS[backend], 'cache-write': cacheWrite }), runtimeFor(e), { nowSeconds: NOW });
    expect(p.problems).toEqual([]);
    expect(p.export).toBeUndefined();
    expect(!!p.import || !!p.local).toBe(true);
    const [skipped] = line(p, 'export');
    expect(skipped).toMatch(new RegExp(`^skipped: ${e.event}: `));
    expect(skipped).toMatch(/from a fork never writes a cache, whatever cache-write says$/);
    if (cacheWrite === 'true')
      expect(p.warnings).toContain(
        `cache-write is true, but the export is skipped: ${skipped.replace(/^skipped: /, '')}`
      );
  });

  test.each([
    ['other full_name', 'comes from another repository (someone/envd-demo, not octo/envd-demo)'],
    ['fork: true', 'comes from a fork (head.repo.fork is true)'],
    ['repo: null', 'comes from a deleted repository (head.repo is null)']
  ] as const)('the decision says what made pull request #12 a fork: %s', (shape, words) => {
    const p = plan(
      inputsOf({ 'cache-write': 'true' }),
      runtime({ event: 'pull_request', ref: 'refs/pull/12/merge', payload: prPayload(shape) }),
      { nowSeconds: NOW }
    );
    expect(line(p, 'export')[0]).toBe(
      `skipped: pull_request: pull request #12 ${words}. Code from a fork never writes a cache, whatever cache-write says`
    );
  });

  test('a head that cannot be known (issue_comment on a pull request) is treated as a fork, and said so', () => {
    const p = plan(inputsOf({ 'cache-write': 'true' }), runtimeFor(FORKED[FORKED.length - 1]), { nowSeconds: NOW });
    expect(line(p, 'export')[0]).toBe(
      'skipped: issue_comment: pull request #12 is commented on, and the event does not say which repository its head comes from. A head that cannot be known is treated as a fork, and code from a fork never writes a cache, whatever cache-write says'
    );
  });
});
