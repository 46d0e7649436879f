import { describe, expect, test } from '@jest/globals';
import { redactCacheSpec } from '../../src/backends/spec.js';
import { locations, refSuffix } from '../../src/backends/location.js';
import { chooseImportEntry } from '../../src/plan/planner.js';
import { plan } from '../support/freeze.js';
import { EVENTS, type EventFixture } from '../fixtures/events.js';
import { inputsOf } from '../support/inputs.js';
import { jwt, runtime } from '../support/runtime.js';

const NOW = 1_800_000_000;
const REGISTRY = {
  cache: 'registry',
  output: 'type=image,name=ghcr.io/octo/env:latest,push=true',
  'cache-scope': 'py'
};
const S3 = { cache: 's3', 'cache-scope': 'py', 'cache-options': 'bucket=b,region=eu-west-1' };
const rtFor = (e: EventFixture) =>
  runtime({ event: e.event, ref: e.ref, payload: e.payload, env: { ACTIONS_RUNTIME_TOKEN: jwt(e.ac) } });

const refOf = (s: string | undefined) => s?.match(/ref=([^,]+)/)?.[1] ?? s?.match(/name=([^,]+)/)?.[1];

// [event, expected write entry (null = no export), import candidates in order]
const EXPECTED: Record<string, [string | null, string[]]> = {
  'push to the default branch': ['buildcache-py', ['buildcache-py']],
  'push to another branch': [
    `buildcache-py-${refSuffix('refs/heads/feat')}`,
    [`buildcache-py-${refSuffix('refs/heads/feat')}`, 'buildcache-py']
  ],
  pull_request: [null, ['buildcache-py-pr-12', 'buildcache-py']],
  'pull_request from a fork': [null, ['buildcache-py-pr-12', 'buildcache-py']],
  'pull_request_target (read-only token)': [null, ['buildcache-py-pr-12', 'buildcache-py']],
  'workflow_dispatch on the default branch': ['buildcache-py', ['buildcache-py']],
  'tag push': [
    `buildcache-py-${refSuffix('refs/tags/v1.0')}`,
    [`buildcache-py-${refSuffix('refs/tags/v1.0')}`, 'buildcache-py']
  ]
};

describe('where registry and s3 caches live, per event', () => {
  test.each(EVENTS.map((e) => [e.name, e] as const))('registry: %s', (name, e) => {
    const p = plan(inputsOf(REGISTRY), rtFor(e), { nowSeconds: NOW });
    const [write, reads] = EXPECTED[name];
    expect(refOf(p.export && redactCacheSpec(p.export))).toBe(write === null ? undefined : `ghcr.io/octo/env:${write}`);
    const candidates = p.importCandidates?.map((c) => c.name) ?? [refOf(redactCacheSpec(p.import!))!.split(':').pop()!];
    expect(candidates).toEqual(reads);
  });

  test.each(EVENTS.map((e) => [e.name, e] as const))('s3: %s', (name, e) => {
    const p = plan(inputsOf(S3), rtFor(e), { nowSeconds: NOW });
    const [write, reads] = EXPECTED[name];
    expect(p.export?.attrs.get('name')).toBe(write === null ? undefined : write.replace('buildcache-', ''));
    expect(p.importCandidates?.map((c) => c.spec.attrs.get('name')) ?? [p.import!.attrs.get('name')]).toEqual(
      reads.map((r) => r.replace('buildcache-', ''))
    );
  });

  test('a same-repository pull request with cache-write: true writes its own pr entry, never the default', () => {
    const p = plan(inputsOf({ ...REGISTRY, 'cache-write': 'true' }), rtFor(EVENTS[2]), { nowSeconds: NOW });
    expect(p.export!.attrs.get('ref')).toBe('ghcr.io/octo/env:buildcache-py-pr-12');
  });

  test('a pull request into a non-default base reads its own entry, then the base, then the default branch', () => {
    const payload = {
      pull_request: {
        number: 5,
        base: { ref: 'release', repo: { full_name: 'octo/envd-demo' } },
        head: { ref: 'fix', repo: { full_name: 'octo/envd-demo' } }
      }
    };
    const p = plan(inputsOf(REGISTRY), runtime({ event: 'pull_request', ref: 'refs/pull/5/merge', payload }), {
      nowSeconds: NOW
    });
    expect(p.importCandidates!.map((c) => `${c.name} (${c.owner})`)).toEqual([
      'buildcache-py-pr-5 (pull request #5)',
      `buildcache-py-${refSuffix('refs/heads/release')} (the pull request base release)`,
      'buildcache-py (the default branch main)'
    ]);
  });

  test.each([
    [[true, true], 'buildcache-py-pr-12', 'pull request #12 has a cache'],
    [[false, true], 'buildcache-py', 'the default branch main has a cache (pull request #12: none yet)'],
    [[false, false], 'buildcache-py', 'no cache exists yet'],
    [[undefined, undefined], 'buildcache-py', 'existence could not be checked (no credentials)']
  ])('import choice from existence %j → %s', (exists, entry, reason) => {
    const p = chooseImportEntry(
      plan(inputsOf(REGISTRY), rtFor(EVENTS[2]), { nowSeconds: NOW }),
      exists,
      'no credentials'
    );
    expect(p.import!.attrs.get('ref')).toBe(`ghcr.io/octo/env:${entry}`);
    const d = p.decisions.find((x) => x.topic === 'import entry')!;
    expect(d.outcome).toBe(entry);
    expect(d.reason).toContain(reason);
  });

  test('an explicit cache-ref is used exactly as given, on every branch', () => {
    for (const e of EVENTS) {
      const p = plan(
        inputsOf({ ...REGISTRY, 'cache-ref': 'ghcr.io/octo/cache:shared', 'cache-write': 'true' }),
        rtFor(e),
        { nowSeconds: NOW }
      );
      expect(p.import!.attrs.get('ref')).toBe('ghcr.io/octo/cache:shared');
      if (p.export) expect(p.export.attrs.get('ref')).toBe('ghcr.io/octo/cache:shared');
      expect(p.importCandidates).toBeUndefined();
    }
  });

  test('registry tags stay within 128 characters of [A-Za-z0-9_.-]', () => {
    const long = 'refs/heads/' + 'Feature/'.repeat(40) + 'ÜBER-long name!';
    const tag = `buildcache-${'s'.repeat(64)}-${refSuffix(long)}`;
    expect(tag.length).toBeLessThanOrEqual(128);
    expect(tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
  });
});

describe('property: no run off the default branch can write the default branch entry', () => {
  // Deterministic generator of awkward branch names, including ones that sanitize to "main" or to ''.
  const PIECES = [
    'main',
    'MAIN',
    'Main',
    'main/',
    '/main',
    'main.',
    '-main-',
    'mäin',
    'ma in',
    'feature',
    '..',
    '--',
    '_',
    'release/1.0',
    'ü',
    '🙂',
    'pr',
    '12',
    'tag',
    'v1.0',
    ''
  ];
  function* names(count: number) {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < count; i++)
      yield Array.from({ length: 1 + next(4) }, () => PIECES[next(PIECES.length)]).join(next(2) ? '/' : '');
  }

  test('2,000 generated branch and tag names', () => {
    const defaultEntry = 'buildcache-py';
    const seen = new Map<string, string>();
    for (const name of names(2000)) {
      if (name === 'main' || name === '') continue;
      for (const ref of [`refs/heads/${name}`, `refs/tags/${name}`]) {
        const rt = runtime({ event: 'push', ref });
        const locs = locations(defaultEntry, rt);
        expect(locs.write.name).not.toBe(defaultEntry);
        expect(locs.write.name.startsWith(`${defaultEntry}-`)).toBe(true);
        const other = seen.get(locs.write.name);
        if (other !== undefined) expect(other).toBe(ref); // two refs never share an entry
        seen.set(locs.write.name, ref);
        const p = plan(
          inputsOf({ ...REGISTRY, 'cache-write': 'true' }),
          runtime({ event: 'push', ref, env: { ACTIONS_RUNTIME_TOKEN: jwt([{ Scope: ref, Permission: 3 }]) } }),
          { nowSeconds: NOW }
        );
        expect(p.export!.attrs.get('ref')).not.toBe(`ghcr.io/octo/env:${defaultEntry}`);
      }
    }
  });
});
