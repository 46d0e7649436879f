/**
 * The world an end-to-end test of the bundle runs in: the GitHub cache emulator, the fake release server, a
 * temporary root with a shared tool cache, and the jobs to clean up after each test. `bundleWorld()` registers
 * its own hooks; call it once at the top of a test file and read the fields inside tests.
 */
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Job } from '../../scripts/harness.mjs';
import { type AccessControl, type Emulator, Permission, startEmulator } from './emulator/index.js';
import { type ReleaseServer, type ReleaseServerOptions, startReleaseServer } from './fakes/releases.mjs';
import { removeAsRoot } from './sudo.js';

export interface World {
  emu: Emulator;
  releases: ReleaseServer;
  root: string;
  /** One tool cache for the whole file, so envd and BuildKit are downloaded once. */
  toolCache: string;
  /**
   * The runner's environment for a job on `ref`: a runtime token the emulator accepts (all rights on `ref`
   * unless `ac` says otherwise), the cache service and REST endpoints, and the fake release server.
   */
  runnerEnv(ref: string, ac?: AccessControl[]): Record<string, string>;
  /** Keeps a job for cleanup after the test; `before` runs first (e.g. to stop what a failed test left). */
  track(job: Job, before?: (job: Job) => void): Job;
}

export function bundleWorld(prefix: string, releaseOptions: ReleaseServerOptions = {}): World {
  // Set in beforeAll: read the fields inside tests, never at the top of a file.
  const jobs: { job: Job; before?: (job: Job) => void }[] = [];
  const world: World = {
    emu: undefined as unknown as Emulator,
    releases: undefined as unknown as ReleaseServer,
    root: '',
    toolCache: '',
    runnerEnv(ref, ac) {
      return {
        RUNNER_TOOL_CACHE: world.toolCache,
        ACTIONS_RUNTIME_TOKEN: world.emu.mintToken(ac ?? [{ Scope: ref, Permission: Permission.All }]),
        ACTIONS_RESULTS_URL: world.emu.resultsUrl,
        ACTIONS_CACHE_SERVICE_V2: 'True',
        GITHUB_API_URL: world.emu.apiUrl,
        ENVD_CACHE_ACTION_DOWNLOAD_URL: world.releases.url,
        ENVD_CACHE_ACTION_API_URL: world.releases.apiUrl
      };
    },
    track(job, before) {
      jobs.push({ job, before });
      return job;
    }
  };

  beforeAll(async () => {
    world.emu = await startEmulator({ repository: 'octo/envd-demo' });
    world.releases = await startReleaseServer(releaseOptions);
    world.root = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    world.toolCache = path.join(world.root, 'tool-cache');
  }, 30000);
  afterAll(async () => {
    await world.emu?.close();
    await world.releases?.close();
    // Through sudo where the suite is not root: buildkitd ran as root and wrote into the stand-ins' storage here.
    if (world.root) removeAsRoot(world.root);
  });
  afterEach(() => {
    while (jobs.length) {
      const { job, before } = jobs.pop()!;
      before?.(job);
      job.cleanup();
    }
  });
  return world;
}
