/**
 * cache-mounts against a real BuildKit (issue 23's "done when", without envd): on a fresh buildkitd each job, a
 * package step that reruns finds the previous job's files in its mount when the mounts are restored and saved, and
 * does not without it; an unchanged job saves nothing. The "package step" uses envd's mount id
 * (envd's pip cache directory, `ENVD_MOUNT_DIRS`, with the id `<dir>/<env>-cpu`); the GitHub cache is a directory store here (the service itself is tested with
 * its emulator elsewhere), and with `cache: registry` the real store against Debian's docker-registry on 127.0.0.1. Runs with `BUILDKIT_BIN=<dir with buildkitd and buildctl v0.32.2>` as root
 * (`npm run contract:buildkit` runs it); without it every test is skipped and says so. Prints the times it measures.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { githubMountStore, type MountStore } from '../../src/io/mounts.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { beginMounts, restoreMounts, saveMounts } from '../../src/steps/mounts.js';
import { recordingRunner } from '../support/recording-runner.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';
import { ENVD_MOUNT_DIRS } from '../../src/mounts/mounts.js';
import { startEmulator } from '../support/emulator/index.js';
import { scopes } from '../emulator/client.js';
import { registryAvailable, startRegistry } from '../support/services/registry.js';

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP_DIR = ENVD_MOUNT_DIRS[0];

const BIN = process.env.BUILDKIT_BIN;
const BUSYBOX = process.env.BENCH_BUSYBOX || ['/usr/bin/busybox', '/bin/busybox'].find((p) => fs.existsSync(p));
const READY = !!BIN && !!BUSYBOX && process.getuid?.() === 0;
const real = READY ? test : test.skip;
/** The registry job also needs Debian's docker-registry and htpasswd (scripts/test-deps.sh). */
const realRegistry = READY && registryAvailable() ? test : test.skip;
const NAME = READY ? '' : ' (skipped: needs BUILDKIT_BIN, a static busybox and root)';

// Made only when the test runs: Jest runs no afterAll in a file whose tests are all skipped.
const root = READY
  ? fs.mkdtempSync(path.join(os.tmpdir(), 'mounts-real-'))
  : path.join(os.tmpdir(), 'mounts-real-not-run');
const workspace = path.join(root, 'demo');
if (READY) fs.mkdirSync(workspace);
const daemons: ChildProcess[] = [];

afterAll(() => {
  for (const d of daemons) if (d.exitCode === null) d.kill('SIGTERM');
  fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh buildkitd (its own --root and socket), as on a fresh runner; waits until buildctl reaches it. */
async function freshDaemon(name: string) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const sock = path.join(dir, 'bk.sock');
  const config = `root = "${dir}/root"\n[grpc]\n  address = ["unix://${sock}"]\n[worker.oci]\n  enabled = true\n  snapshotter = "native"\n[worker.containerd]\n  enabled = false\n`;
  fs.writeFileSync(path.join(dir, 'buildkitd.toml'), config);
  const log = fs.openSync(path.join(dir, 'buildkitd.log'), 'w');
  const d = spawn(path.join(BIN!, 'buildkitd'), ['--config', path.join(dir, 'buildkitd.toml')], {
    stdio: ['ignore', log, log]
  });
  daemons.push(d);
  const client = { buildctl: path.join(BIN!, 'buildctl'), addr: `unix://${sock}`, env: process.env };
  // Waits on the daemon answering (each attempt is a buildctl call), not on a clock.
  while (spawnSync(client.buildctl, ['--addr', client.addr, 'debug', 'workers']).status !== 0) {
    if (d.exitCode !== null)
      throw new Error(`buildkitd exited: ${fs.readFileSync(path.join(dir, 'buildkitd.log'), 'utf8').slice(-2000)}`);
    await new Promise((r) => setImmediate(r));
  }
  return {
    client,
    stop: () => new Promise<void>((r) => (d.exitCode !== null ? r() : (d.once('exit', () => r()), d.kill('SIGTERM'))))
  };
}

/** envd's package step: lists its pip cache mount, then "downloads" the requirement into it. Returns what it found. */
function packageStep(client: { buildctl: string; addr: string }, requirement: string): string[] {
  const dir = fs.mkdtempSync(path.join(root, 'step-'));
  fs.copyFileSync(BUSYBOX!, path.join(dir, 'busybox'));
  const script = `/bin/busybox ls ${PIP_DIR} > /seen; /bin/busybox echo ${requirement} > ${PIP_DIR}/wheel-${requirement}`;
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    `FROM scratch\nCOPY busybox /bin/busybox\nRUN --mount=type=cache,id=root/.cache/pip/demo-cpu,target=${PIP_DIR},sharing=shared ${JSON.stringify(['/bin/busybox', 'sh', '-c', script])}\nFROM scratch\nCOPY --from=0 /seen /\n`
  );
  const out = path.join(dir, 'out');
  const r = spawnSync(
    client.buildctl,
    [
      '--addr',
      client.addr,
      'build',
      '--frontend',
      'dockerfile.v0',
      '--local',
      `context=${dir}`,
      '--local',
      `dockerfile=${dir}`,
      '--output',
      `type=local,dest=${out}`
    ],
    { encoding: 'utf8' }
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return fs.readFileSync(path.join(out, 'seen'), 'utf8').split('\n').filter(Boolean);
}

const env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: path.join(root, 'runner-temp') };
const planOf = (mounts: string, extra: Record<string, string> = {}) =>
  makePlan(
    inputsOf({
      'cache-scope': 'py',
      'cache-mounts': mounts,
      'cache-mounts-image': BUSYBOX ?? '/bin/busybox',
      ...extra
    }),
    runtime()
  );

/**
 * One job on a fresh daemon: restore, the package step (an unchanged job: its one step came from the layer cache),
 * save. Without a store, the one the plan's backend names (registry: OCI artifacts).
 */
async function job(
  name: string,
  store: MountStore | undefined,
  o: { mounts: string; requirement?: string; inputs?: Record<string, string>; env?: NodeJS.ProcessEnv }
) {
  const daemon = await freshDaemon(name);
  try {
    const p = planOf(o.mounts, o.inputs);
    const caller = { env: { ...env, ...o.env }, mask: () => undefined };
    const m = store ? beginMounts(p, caller, store) : beginMounts(p, caller);
    const { out } = recordingRunner();
    const t0 = Date.now();
    if (m) await restoreMounts(out, m, daemon.client);
    const restoreMs = Date.now() - t0;
    const seen = o.requirement ? packageStep(daemon.client, o.requirement) : [];
    const t1 = Date.now();
    const figures = m
      ? await saveMounts(out, m, daemon.client, {
          plan: p,
          figures: { cachedSteps: o.requirement ? 0 : 1, totalSteps: 1 }
        })
      : [];
    return { seen, figures, restoreMs, saveMs: Date.now() - t1 };
  } finally {
    await daemon.stop();
  }
}

describe(`cache-mounts through a real BuildKit${NAME}`, () => {
  real(
    "cache: gha (the GitHub store into the emulator): a rerun package step finds the previous job's files with cache-mounts: auto, and not without it; an unchanged job saves nothing",
    async () => {
      const emu = await startEmulator();
      // @actions/cache reads the runner's variables from process.env: set for this test, put back after it.
      const vars = {
        ACTIONS_RESULTS_URL: emu.resultsUrl,
        ACTIONS_CACHE_SERVICE_V2: 'True',
        ACTIONS_RUNTIME_TOKEN: emu.mintToken(scopes.main),
        GITHUB_SERVER_URL: 'https://github.com',
        ACTIONS_CACHE_URL: undefined
      };
      const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
      const put = (values: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(values))
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
      };
      put(vars);
      const store = githubMountStore(process.env);
      const keys = () =>
        emu
          .entries()
          .map((e) => e.key)
          .filter((k) => k.startsWith('envd-mount-'));
      try {
        const first = await job('job1', store, { mounts: 'auto', requirement: 'a' });
        expect(first.seen).toEqual([]);
        expect(keys()).toEqual([expect.stringMatching(/^envd-mount-py#\/root\/\.cache\/pip\/demo-cpu#[0-9a-f]{16}$/)]);
        expect(first.figures).toEqual([
          expect.objectContaining({ id: `${PIP_DIR}/demo-cpu`, savedBytes: expect.any(Number) })
        ]);

        const second = await job('job2', store, { mounts: 'auto', requirement: 'b' });
        expect(second.seen).toEqual(['wheel-a']);
        expect(second.figures).toEqual([
          expect.objectContaining({
            id: `${PIP_DIR}/demo-cpu`,
            restoredBytes: expect.any(Number),
            savedBytes: expect.any(Number)
          })
        ]);
        expect(keys()).toHaveLength(2);

        const without = await job('job3', store, { mounts: 'none', requirement: 'c' });
        expect(without.seen).toEqual([]);

        const unchanged = await job('job4', store, { mounts: 'auto' });
        expect(unchanged.figures).toEqual([
          expect.objectContaining({
            id: `${PIP_DIR}/demo-cpu`,
            restoredBytes: expect.any(Number),
            note: 'not saved: unchanged, every step came from the cache'
          })
        ]);
        expect(keys()).toHaveLength(2);
        process.stdout.write(
          `cache-mounts, real BuildKit, cache: gha (emulator): restore ${second.restoreMs} ms, save ${first.saveMs} ms; unchanged job: restore ${unchanged.restoreMs} ms + save check ${unchanged.saveMs} ms\n`
        );
      } finally {
        put(saved);
        await emu.close();
      }
    },
    180_000
  );

  realRegistry(
    'cache: registry (docker-registry on loopback): the rerun package step finds the previous job’s files in its mount, and not without cache-mounts',
    async () => {
      const registry = await startRegistry();
      try {
        const dockerConfig = path.join(root, 'docker');
        fs.mkdirSync(dockerConfig, { recursive: true });
        const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64');
        fs.writeFileSync(
          path.join(dockerConfig, 'config.json'),
          JSON.stringify({ auths: { [registry.host]: { auth } } })
        );
        const o = {
          inputs: { cache: 'registry', output: `type=image,name=${registry.host}/octo/demo:latest,push=true` },
          env: { DOCKER_CONFIG: dockerConfig, HOME: dockerConfig }
        };
        const first = await job('reg1', undefined, { ...o, mounts: 'auto', requirement: 'a' });
        expect(first.seen).toEqual([]);
        expect(first.figures).toEqual([
          expect.objectContaining({ id: `${PIP_DIR}/demo-cpu`, savedBytes: expect.any(Number) })
        ]);
        const second = await job('reg2', undefined, { ...o, mounts: 'auto', requirement: 'b' });
        expect(second.seen).toEqual(['wheel-a']);
        const without = await job('reg3', undefined, { ...o, mounts: 'none', requirement: 'c' });
        expect(without.seen).toEqual([]);
        const f1 = first.figures[0];
        const f2 = second.figures[0];
        process.stdout.write(
          `cache-mounts, real BuildKit: cache: registry, job 1 saved ${f1.savedBytes} B in ${f1.saveSeconds} s (save phase ${first.saveMs} ms); job 2 restored ${f2.restoredBytes} B in ${f2.restoreSeconds} s (restore phase ${second.restoreMs} ms), saved ${f2.savedBytes} B in ${f2.saveSeconds} s (save phase ${second.saveMs} ms)\n`
        );
      } finally {
        await registry.stop();
      }
    },
    180_000
  );
});
