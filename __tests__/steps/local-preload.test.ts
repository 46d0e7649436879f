/**
 * cache: local (issue 13): main loads the cache client its restore needs (@actions/cache, ~80 ms of compiling)
 * while the budget's REST calls are pending, not after them. From source, as `early-start.test.ts`; its own
 * file, so that nothing else in the process has loaded @actions/cache before.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob } from '../../scripts/harness.mjs';
import { FAKES_BIN } from '../support/fakes/index.mjs';
import { type Emulator, Permission, startEmulator } from '../support/emulator/index.js';
import { holdingFront } from '../support/holding-front.js';
import { running } from '../support/process.js';

const loads = { cache: 0 };
const realCache = await import('@actions/cache');
jest.unstable_mockModule('@actions/cache', () => {
  loads.cache++;
  return realCache;
});
const { main } = await import('../../src/steps/main.js');
const { post, realPostIo } = await import('../../src/steps/post.js');
const { StateKey } = await import('../../src/state.js');
const { mainDeps, memoryState, recordingStep } = await import('../support/steps.js');

let root: string;
let emu: Emulator;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-preload-'));
  emu = await startEmulator({ repository: 'octo/envd-demo' });
});
afterAll(async () => {
  await emu?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test("cache: local loads @actions/cache while the budget's first REST call is still unanswered", async () => {
  // Every REST call held until @actions/cache is loaded: without the preload, main loads it only for the
  // restore, after the budget, and the front gives up.
  const front = await holdingFront(emu.apiUrl.replace(/\/api$/, ''), () => loads.cache > 0, 8000);
  const workspace = fs.mkdtempSync(path.join(root, 'ws-'));
  fs.writeFileSync(path.join(workspace, 'build.envd'), '# syntax=v1\n\ndef build():\n    base(dev=True)\n');
  const j = createJob({
    workspace,
    inputs: { cache: 'local', builder: 'auto', 'envd-version': 'system', 'buildkit-version': 'system' },
    env: {
      HOME: path.join(root, 'home'),
      // envd-version/buildkit-version: system are looked up on the step's PATH, as on a runner.
      PATH: `${FAKES_BIN}:${process.env.PATH ?? ''}`,
      RUNNER_TEMP: path.join(root, 'temp'),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '10',
      ACTIONS_RUNTIME_TOKEN: emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }]),
      ACTIONS_RESULTS_URL: emu.resultsUrl,
      ACTIONS_CACHE_SERVICE_V2: 'True',
      GITHUB_API_URL: `${front.url}/api`
    }
  });
  const { store: state, saved } = memoryState();
  try {
    const first = recordingStep(j.env);
    await main(first.ctx, mainDeps(first.ctx, state));
    const then = recordingStep(j.env);
    await post(then.ctx, { state, io: realPostIo });
    const log = first.record.stdout + then.record.stdout;
    expect(log.split(os.EOL).filter((l) => l.startsWith('::error'))).toEqual([]);
    expect(first.record.exitCode).toBeUndefined();
    expect(log).toContain('::group::Restore the local cache');
    expect(front.outcomes.length).toBeGreaterThan(0);
    expect(front.outcomes).not.toContain('gave up');
    expect(loads.cache).toBe(1);
  } finally {
    const pid = (JSON.parse(saved.get(StateKey.Builder) || '{}') as { pid?: number }).pid;
    if (pid && running(pid)) process.kill(pid, 'SIGKILL');
    await front.close();
    j.cleanup();
  }
}, 30000);
