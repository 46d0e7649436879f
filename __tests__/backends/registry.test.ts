/** The backend registry (issue 12 item 1): each backend is one object, and the rest of the code asks it. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { BACKEND_NAMES, BACKENDS, CACHE_TYPES, type Companion } from '../../src/backends/index.js';
import type { Plan } from '../../src/plan/plan.js';
import { resolveImportEntry } from '../../src/steps/import-entry.js';
import { stepContext } from '../../src/steps/context.js';
import { plan } from '../support/freeze.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

describe('registry', () => {
  test('each entry is named by its key; cache types are every backend but none', () => {
    for (const [key, b] of Object.entries(BACKENDS)) expect(b.name).toBe(key);
    expect(BACKEND_NAMES).toEqual(['gha', 'registry', 'inline', 'local', 's3', 'none']);
    expect(CACHE_TYPES).toEqual(['gha', 'registry', 'inline', 'local', 's3']);
  });

  test('action.yml lists exactly the registered backends for the cache input', () => {
    const yml = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8');
    const line = yml.split('\n').find((l) => l.includes("description: 'Cache backend:"))!;
    expect([...line.matchAll(/`([a-z0-9]+)`/g)].map((m) => m[1])).toEqual(BACKEND_NAMES);
  });

  test('a backend with several read candidates (shared locations) can be probed for them', () => {
    for (const b of Object.values(BACKENDS))
      if (b.sharedLocations) expect([b.name, b.probe]).toEqual([b.name, expect.any(String)]);
  });

  test('a backend BuildKit writes to the GitHub cache counts against it; every companion input belongs to one backend', () => {
    for (const b of Object.values(BACKENDS)) if (b.store === 'github-cache') expect(b.savedInGithubCache).toBe(true);
    const companions: Companion[] = ['cache-ref', 'cache-dir'];
    for (const c of companions) expect(Object.values(BACKENDS).filter((b) => b.companions.includes(c))).toHaveLength(1);
  });
});

describe('the rest of the code asks the registry', () => {
  test('companion inputs: cache-ref only with registry, cache-dir only with local', () => {
    expect(() =>
      inputsOf({ cache: 's3', 'cache-options': 'bucket=b,region=r', 'cache-ref': 'ghcr.io/o/r:c', 'cache-dir': 'dir' })
    ).toThrow(
      'cache-ref: is only used with cache: registry (cache is s3); remove it; cache-dir: is only used with cache: local (cache is s3); remove it'
    );
    expect(plan(inputsOf({ cache: 'registry', 'cache-ref': 'ghcr.io/o/r:c' }), runtime()).problems).toEqual([]);
    expect(() => inputsOf({ cache: 'local', 'cache-dir': 'dir' })).not.toThrow();
  });

  test('a candidate of a backend without a probe is not checked as if it were S3', async () => {
    const spec = { type: 'gha', attrs: new Map([['scope', 'x']]) };
    const p = {
      dryRun: false,
      import: spec,
      decisions: [],
      importCandidates: [{ owner: 'main', name: 'x', spec }]
    } as unknown as Plan;
    const out = await resolveImportEntry(stepContext({}), p);
    expect(out.decisions.find((d) => d.topic === 'import entry')?.reason).toContain(
      'the gha backend has no existence probe'
    );
  });
});
