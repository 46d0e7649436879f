/**
 * Cache poisoning, against the bundle as the runner runs it (dist/index.js through scripts/harness.mjs, in
 * dry-run): code that runs on an untrusted trigger never writes a cache with cache-write: auto, and code
 * from a fork never writes, whatever cache-write says — on every backend. Every runtime token here CAN
 * write (GHES and runners before 2026-06-26 hand untrusted triggers such a token), so nothing but the
 * action's own rule stands between the build and the cache. The plan (outputs) must say so, naming the event.
 *
 * Left out of the table: the few cases the action already refused before this rule (pull_request_target with
 * registry/s3 and cache-write: auto, and a pull request from another full_name with registry/s3); the unit
 * tests in __tests__/plan/access.test.ts cover them with the rest.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';
import { type EventFixture, FORKED, UNTRUSTED_SAME_REPO } from '../fixtures/events.js';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { jwt, RESULTS_URL } from '../support/runtime.js';

const IMAGE = 'type=image,name=ghcr.io/octo/env:latest,push=true';
const BACKENDS: Record<string, Record<string, string>> = {
  gha: { cache: 'gha' },
  local: { cache: 'local', 'cache-scope': 'ex' },
  registry: { cache: 'registry', output: IMAGE },
  s3: { cache: 's3', 'cache-scope': 'ex', 'cache-options': 'bucket=cache,region=eu-west-1' },
  inline: { cache: 'inline', output: IMAGE }
};
const NAMES = Object.keys(BACKENDS);

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    repository: 'octo/envd-demo',
    restTokens: { ghs_harnessToken000000000000000000000: 'read' }
  });
});
afterAll(() => emu.close());
const jobs: Job[] = [];
afterEach(() => {
  while (jobs.length) jobs.pop()!.cleanup();
});

async function dryRun(e: EventFixture, backend: string, cacheWrite: string) {
  const j = createJob({
    inputs: { path: 'examples', 'dry-run': 'true', ...BACKENDS[backend], 'cache-write': cacheWrite },
    env: {
      GITHUB_API_URL: emu.apiUrl,
      ACTIONS_RUNTIME_TOKEN: jwt(e.ac),
      ACTIONS_RESULTS_URL: RESULTS_URL,
      ACTIONS_CACHE_SERVICE_V2: 'True'
    },
    event: e.event,
    ref: e.ref,
    payload: e.payload
  });
  jobs.push(j);
  return runPhase(j, 'main');
}

const safeBefore = (e: EventFixture, backend: string, cacheWrite: string) =>
  ['registry', 's3'].includes(backend) &&
  ((e.event === 'pull_request_target' && cacheWrite === 'auto') ||
    (e.event.startsWith('pull_request') && e.name.endsWith('other full_name')));

type Case = [string, string, string, EventFixture];
const CASES: Case[] = [
  // Untrusted triggers from the repository itself, cache-write: auto: only read, on every backend.
  ...UNTRUSTED_SAME_REPO.flatMap((e) => NAMES.map((b): Case => [e.name, b, 'auto', e])),
  // Forks (other full_name, fork: true, repo: null, head unknown) with cache-write: true, backends in turn.
  ...FORKED.map((e, i): Case => [e.name, NAMES[i % NAMES.length], 'true', e]),
  // A fork's pull_request with cache-write: auto on the GitHub cache (its token writes refs/pull/12/merge).
  ...FORKED.filter((e) => e.event === 'pull_request').map((e): Case => [e.name, 'gha', 'auto', e])
].filter(([, b, w, e]) => !safeBefore(e, b, w));

describe('nothing an untrusted trigger or a fork builds is exported (dist/index.js, dry-run)', () => {
  test.each(CASES)('%s, cache: %s, cache-write: %s', async (_n, backend, cacheWrite, e) => {
    const main = await dryRun(e, backend, cacheWrite);
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.outputs['export-cache']).toBe('');
    const planned = JSON.parse(main.outputs.plan) as {
      export: unknown;
      problems: string[];
      decisions: { topic: string; outcome: string; reason: string }[];
    };
    expect(planned.problems).toEqual([]);
    expect(planned.export).toBeNull();
    const skipped = planned.decisions
      .filter((d) => d.topic === 'export' && d.outcome === 'skipped')
      .map((d) => d.reason);
    expect(skipped[0]).toMatch(new RegExp(`^${e.event}[: ]`));
    expect(skipped[0]).toMatch(
      FORKED.includes(e)
        ? /never writes a cache, whatever cache-write says$/
        : /with cache-write: auto it only reads, on every backend \(set cache-write: true/
    );
    // The reads go on: the import (or, for cache: local, the restore) is still planned.
    expect(
      backend === 'local'
        ? planned.decisions.some((d) => d.topic === 'import' && d.outcome === 'served registry')
        : main.outputs['import-cache'] !== ''
    ).toBe(true);
  });
});
