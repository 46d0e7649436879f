/**
 * The hit-ratio history's own cache-service client, against the bundle as the runner runs it (main then post,
 * the stand-ins, the emulator): whatever the service and its data plane answer — a refused download URL, an
 * upload that fails every attempt, a refused write — no line the action writes names the runtime token or a
 * signed URL (its path or its signature) in any form (support/leaks.ts). `npm run package` first.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJob, runPhase } from '../../scripts/harness.mjs';
import { Permission } from '../support/emulator/index.js';
import { bundleWorld } from '../support/world.js';
import { leaks } from './support/leaks.js';

const world = bundleWorld('envd-sec-history', { buildkitVersions: ['v0.32.2'] });

async function run(runId: string, env: Record<string, string>) {
  const workspace = path.join(world.root, 'project');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'build.envd'), '# syntax=v1\n\ndef build():\n    base(dev=True)\n');
  const home = fs.mkdtempSync(path.join(world.root, 'home-'));
  const j = world.track(
    createJob({
      workspace,
      ref: 'refs/heads/main',
      // A backend whose stand-in sends nothing to the cache service: every request the emulator sees is the history's
      // (the registry is a closed port: its probe and the digest read fail at once, as warnings).
      inputs: {
        cache: 'registry',
        'cache-scope': 'leak',
        output: 'type=image,name=127.0.0.1:9/octo/env:1,push=true,registry.insecure=true'
      },
      env: {
        HOME: home,
        GITHUB_RUN_ID: runId,
        FAKE_REGISTRY_ROOT: path.join(world.root, 'fake-registry'),
        ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
        FAKE_DOCKER_ROOT: path.join(home, 'fake-docker'),
        ...env
      }
    })
  );
  const main = await runPhase(j, 'main', { timeoutMs: 90000 });
  const post = await runPhase(j, 'post', { timeoutMs: 30000 });
  return [main, post];
}

/** The signature and the path of every signed URL the emulator was sent. */
const signedParts = () =>
  world.emu.requests
    .filter((r) => r.route.startsWith('blob.'))
    .flatMap((r) => [decodeURIComponent(/sig=([^&]+)/.exec(r.query)?.[1] ?? ''), r.path]);

describe('the history through the own cache-service client: no token, no signed URL in any output', () => {
  test('a refused download URL, an upload that fails every attempt, a refused write', async () => {
    const env = world.runnerEnv('refs/heads/main');
    const token = env.ACTIONS_RUNTIME_TOKEN;
    const first = await run('9001', env);
    expect(first[0].code).toBe(0);
    expect(world.emu.entries().map((e) => e.key)).toEqual(['envd-history-leak#9001-1']);

    world.emu.failNext('blob.get', 2, { authenticationFailed: true });
    world.emu.failNext('blob.put', 3, { status: 500, message: 'InternalError' });
    const second = await run('9002', env);
    expect(second[0].code).toBe(0);
    expect(second[0].stdout).toContain(
      'Reading the hit-ratio history failed (the signed download URL was refused twice)'
    );
    // An upload that fails every attempt leaves the blob store down for the job: one warning names it by its
    // origin and the request's label, never by the signed URL; the history notes it was not saved.
    expect(second[0].stdout).toMatch(
      /::warning::The GitHub cache service \(http:\/\/127\.0\.0\.1:\d+\) failed 3 attempts \(the signed upload URL: answered 500\)/
    );
    expect(second[0].stdout).toContain('Not saved: The GitHub cache service');

    // The service enforces a read-only cache mode the runner did not announce: the create is refused.
    world.emu.setCacheMode('read');
    const third = await run('9003', env);
    world.emu.setCacheMode('write');
    expect(third[0].code).toBe(0);
    expect(third[0].stdout).toContain('was refused: CreateCacheEntry refused: cache write denied: cache mode is read');
    const readOnly = world.runnerEnv('refs/heads/main', [{ Scope: 'refs/heads/main', Permission: Permission.Read }]);

    const parts = signedParts();
    expect(parts.length).toBeGreaterThanOrEqual(6);
    expect(parts.every(Boolean)).toBe(true);
    const written = [...first, ...second, ...third, ...(await run('9004', readOnly))];
    expect(leaks(written, [token, readOnly.ACTIONS_RUNTIME_TOKEN, ...parts])).toEqual([]);
    for (const w of written) expect(`${w.stdout}\n${w.stderr}`).not.toMatch(/sig=|[?&]se=/);
  }, 240000);
});
