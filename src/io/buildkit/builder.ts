/**
 * The BuildKit daemon envd builds on: one the action starts (builder: auto, or a moby/buildkit container),
 * or a running one at an address. Start, wait until it answers, stop; nothing else.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Exec } from '../exec.js';
import { runnerTemp, socketDir } from '../dirs.js';
import { listWorkersOn } from '../grpc-list-workers.js';
import { buildkitdArgs, splitFlags, sudoArgs } from '../../builder/args.js';
import { buildkitdEnv } from '../../builder/env.js';
import { stopPollMs, withoutGoStacks } from '../../builder/daemon.js';
import {
  decideReuse,
  RECORD_PATTERN,
  recordFileName,
  sharedFingerprint,
  type SharedRecord,
  type SharedWish
} from '../../builder/shared.js';
import type { BuilderHandle } from '../../builder/handle.js';

export type { BuilderHandle };

class BuilderError extends Error {}

const tail = (file: string | undefined, lines = 20, stacks = false) => {
  if (!file || !fs.existsSync(file)) return '';
  const all = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return (stacks ? all : withoutGoStacks(all)).slice(-lines).join('\n');
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a unix socket accepts a connection (closed again at once). */
const accepts = (socket: string) =>
  new Promise<boolean>((resolve) => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });

/**
 * `buildctl debug workers` without starting buildctl: ListWorkers in-process on the unix socket
 * (`listWorkersOn`). True only for an answer with grpc-status 0. buildkitd creates its listeners before its
 * workers and serves only once they exist (cmd/buildkitd/main.go:399-448 at v0.32.2), so a request made as
 * soon as the socket accepts is answered when the daemon is ready. Anything else (no gRPC on the socket, an
 * error, no answer within `timeoutMs`) is false: the caller falls back to buildctl.
 */
export async function listWorkers(socket: string, timeoutMs: number): Promise<boolean> {
  return (await listWorkersOn(() => net.connect(socket), timeoutMs)).ok;
}

export interface StartOptions {
  /** The directory with buildkitd and buildctl. */
  binDir: string;
  /** A private directory for the socket, config and log (and, for builder: auto, the root). */
  workDir: string;
  configInline: string;
  flags: string;
  readyTimeoutMs: number;
  env: NodeJS.ProcessEnv;
}

async function answers(
  buildctl: string,
  addr: string,
  env: NodeJS.ProcessEnv
): Promise<{ ok: boolean; detail: string }> {
  const r = await Exec.run(buildctl, ['--addr', addr, 'debug', 'workers'], { env, timeoutMs: 10000 });
  return { ok: r.code === 0, detail: (r.stderr || r.stdout).trim() };
}

/** How this process may run buildkitd as root: it is root, or `sudo -n` works, or neither. */
export type RootVia = 'root' | 'sudo' | 'none';

/** The answer of Exec.rootVia without blocking: the sudo probe runs while other work goes on (tools, the cache). */
export function rootViaAsync(): Promise<RootVia> {
  if (process.getuid?.() === 0) return Promise.resolve('root');
  return Exec.run('sudo', ['-n', 'true']).then((r) => (r.code === 0 ? 'sudo' : 'none'));
}

/**
 * builder: auto — buildkitd from the tool cache, as root (directly or through sudo), on a private socket. Not
 * awaited. `rootVia`: what rootViaAsync found when it was asked ahead; else it is asked here.
 */
export function spawnBuildkitd(o: StartOptions & { rootVia?: RootVia }): BuilderHandle {
  const found = o.rootVia ?? Exec.rootVia() ?? 'none';
  const via = found === 'none' ? undefined : found;
  if (!via)
    throw new BuilderError(
      'buildkitd needs root, and this runner user has no password-less sudo. Use builder: docker-container, or the address of a running buildkitd (builder: unix:///… or tcp://…)'
    );
  const allowed = buildkitdEnv(o.env);
  if ('problem' in allowed) throw new BuilderError(allowed.problem);
  fs.mkdirSync(o.workDir, { recursive: true });
  const socket = path.join(o.workDir, 'buildkitd.sock');
  const logFile = path.join(o.workDir, 'buildkitd.log');
  // Its own root: the default /var/lib/buildkit is locked by whichever buildkitd came first on the machine.
  const root = path.join(o.workDir, 'root');
  let configFile: string | undefined;
  if (o.configInline) {
    configFile = path.join(o.workDir, 'buildkitd.toml');
    fs.writeFileSync(configFile, o.configInline + '\n');
  }
  let flags: string[];
  try {
    flags = splitFlags(o.flags);
  } catch (e) {
    throw new BuilderError(`buildkitd-flags cannot be read: ${(e as Error).message}`);
  }
  const command = [
    path.join(o.binDir, 'buildkitd'),
    ...buildkitdArgs({ socket, root, configFile, group: via === 'sudo' ? process.getgid?.() : undefined, flags })
  ];
  const handle: BuilderHandle = {
    kind: 'auto',
    envdBuilder: 'unix',
    envdAddress: socket,
    buildctlAddr: `unix://${socket}`,
    sudo: via === 'sudo',
    logFile,
    root,
    daemonDir: o.workDir
  };
  const PATH = o.env.PATH ?? '';
  if (via === 'root')
    handle.pid = Exec.spawnDetached(command[0], command.slice(1), { env: { ...allowed.env, PATH }, logFile });
  else {
    // sudo's pid until buildkitd's own is read from pidFile (daemonPid): signals and liveness go to buildkitd itself.
    handle.pidFile = path.join(o.workDir, 'buildkitd.pid');
    handle.pid = Exec.spawnDetached(
      'sudo',
      sudoArgs({ preserve: allowed.names, pidFile: handle.pidFile, path: PATH, command }),
      { env: { ...allowed.env, PATH }, logFile }
    );
  }
  return handle;
}

/**
 * The pid of the buildkitd itself: for one started through sudo, what its wrapper wrote to pidFile (the pid the
 * shell `exec`s buildkitd with), else the pid recorded at the start (sudo's, before the wrapper ran).
 */
function daemonPid(h: BuilderHandle): number | undefined {
  if (!h.pidFile) return h.pid;
  try {
    const pid = Number(fs.readFileSync(h.pidFile, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : h.pid;
  } catch {
    return h.pid;
  }
}

const DAEMON_DIR_PREFIX = 'envd-bk-';

/**
 * A fresh directory for a buildkitd the action starts: under RUNNER_TEMP (emptied after the job) when its
 * path is short enough for a unix socket (builder/dirs.ts), else under the system temp directory.
 */
export function newDaemonDir(env: NodeJS.ProcessEnv): string {
  return socketDir(env, DAEMON_DIR_PREFIX);
}

/** Where the records of this job's buildkitds live: RUNNER_TEMP is per job, so jobs never see each other's. */
export const recordsDir = runnerTemp;

export interface SharedLookup {
  handle?: BuilderHandle;
  /** Every recorded buildkitd this call did not take, and why. */
  notReused: { pid?: number; why: string }[];
}

/**
 * Looks for a buildkitd an earlier call of the action in this job started and this call may use. The record
 * of the same configuration is tried first; every record is checked for liveness (pid, then buildctl).
 */
export async function findShared(
  dir: string,
  wish: SharedWish,
  binDir: string,
  env: NodeJS.ProcessEnv
): Promise<SharedLookup> {
  const own = recordFileName(wish);
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => RECORD_PATTERN.test(f));
  } catch {
    return { notReused: [] };
  }
  files.sort((a, b) => Number(b === own) - Number(a === own));
  const notReused: SharedLookup['notReused'] = [];
  for (const file of files) {
    let record: unknown;
    try {
      record = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch {
      record = undefined;
    }
    const r = record as Partial<SharedRecord> | undefined;
    const pid = typeof r?.pid === 'number' ? r.pid : undefined;
    const isRunning = pid !== undefined && Exec.isAlive(pid);
    const live = {
      running: isRunning,
      answers:
        isRunning && typeof r?.buildctlAddr === 'string'
          ? (await answers(path.join(binDir, 'buildctl'), r.buildctlAddr, env)).ok
          : false
    };
    const decision = decideReuse(record, wish, live);
    if (!decision.reuse) {
      notReused.push({ pid, why: decision.why });
      continue;
    }
    const rec = record as SharedRecord;
    return {
      notReused,
      handle: {
        kind: 'auto',
        envdBuilder: 'unix',
        envdAddress: rec.envdAddress,
        buildctlAddr: rec.buildctlAddr,
        version: rec.version,
        pid: rec.pid,
        sudo: rec.sudo,
        logFile: rec.logFile,
        root: rec.root,
        daemonDir: rec.dir,
        reused: true
      }
    };
  }
  return { notReused };
}

/** Writes the record that lets later calls in this job use `h` (once it answers). Sets `h.record`. */
export function publishShared(h: BuilderHandle, wish: SharedWish, dir: string): void {
  if (h.kind !== 'auto' || h.pid === undefined || !h.daemonDir || !h.root || !h.logFile) return;
  const fp = sharedFingerprint(wish);
  const record: SharedRecord = {
    schema: 1,
    version: fp.version,
    flags: fp.flags,
    config: fp.config,
    pid: h.pid,
    sudo: h.sudo === true,
    buildctlAddr: h.buildctlAddr,
    envdAddress: h.envdAddress,
    dir: h.daemonDir,
    root: h.root,
    logFile: h.logFile
  };
  const file = path.join(dir, recordFileName(wish));
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(record) + '\n');
  fs.renameSync(temp, file); // whole or nothing for a reader
  h.record = file;
}

/**
 * After stopping a buildkitd this call started: removes its record (if it is still the one pointing at it)
 * and its directory (root, socket, log), through sudo when buildkitd ran as root for this user.
 * Returns a problem to warn about, or undefined.
 */
export async function releaseShared(
  h: BuilderHandle,
  env: NodeJS.ProcessEnv = process.env
): Promise<string | undefined> {
  if (h.reused) return undefined;
  if (h.record) {
    try {
      const r = JSON.parse(fs.readFileSync(h.record, 'utf8')) as Partial<SharedRecord>;
      if (r.pid === h.pid) fs.rmSync(h.record, { force: true });
    } catch {
      // gone already, or overwritten by a call that started a buildkitd of the same configuration
    }
  }
  const dir = h.daemonDir;
  // Only a directory the action made for it (the --root inside is buildkitd's, owned by root under sudo).
  if (!dir || !path.basename(dir).startsWith(DAEMON_DIR_PREFIX) || !fs.existsSync(dir)) return undefined;
  if (h.sudo) {
    const r = await Exec.run('sudo', ['-n', 'rm', '-rf', '--', dir], { env });
    return r.code === 0 ? undefined : `could not remove ${dir}: ${(r.stderr || r.stdout).trim()}`;
  }
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  } catch (e) {
    return `could not remove ${dir}: ${(e as Error).message}`;
  }
}

/** How long the in-process ListWorkers may wait for buildkitd to serve before buildctl takes over. */
const IN_PROCESS_WAIT_MS = 10_000;

/** Waits, bounded, until `buildctl debug workers` answers; stops the daemon and shows its log when it does not. */
export async function awaitBuildkitd(
  handle: BuilderHandle,
  o: Pick<StartOptions, 'binDir' | 'readyTimeoutMs' | 'env'>
): Promise<void> {
  const started = Date.now();
  const deadline = started + o.readyTimeoutMs;
  const buildctl = path.join(o.binDir, 'buildctl');
  let last = '';
  // A socket that does not accept connections yet cannot answer buildctl: wait for it in-process first.
  if (handle.buildctlAddr.startsWith('unix://')) {
    const socket = handle.buildctlAddr.slice('unix://'.length);
    while (Date.now() < deadline && !(await accepts(socket))) {
      if (handle.pid !== undefined && !Exec.isAlive(handle.pid)) break;
      await sleep(5); // a connect attempt is cheap; every 5 ms loses little of the moment it listens
    }
  }
  // Through sudo, the wrapper wrote buildkitd's pid before it became buildkitd: from here on, the pid is its own.
  handle.pid = daemonPid(handle);
  // Asked in-process first (no buildctl to start); whatever that does not settle, buildctl decides, as always.
  if (
    handle.buildctlAddr.startsWith('unix://') &&
    (await listWorkers(
      handle.buildctlAddr.slice('unix://'.length),
      Math.min(IN_PROCESS_WAIT_MS, Math.max(0, deadline - Date.now()))
    ))
  )
    return;
  for (;;) {
    if (handle.pid !== undefined && !Exec.isAlive(handle.pid))
      throw new BuilderError(`buildkitd exited while starting. Its log:\n${tail(handle.logFile)}`);
    const r = await answers(buildctl, handle.buildctlAddr, o.env);
    if (r.ok) return;
    last = r.detail;
    if (Date.now() >= deadline) {
      await stopBuilder(handle, o.env);
      throw new BuilderError(
        `buildkitd did not answer within ${Math.round(o.readyTimeoutMs / 1000)} s (buildctl: ${last || 'no answer'}). Its log:\n${tail(handle.logFile)}`
      );
    }
    // Poll quickly at first (a local buildkitd is usually up within a few hundred ms), then back off.
    await sleep(Date.now() - started < 2000 ? 50 : 250);
  }
}

/** builder: docker-container — the moby/buildkit image under a unique name; envd reaches it through docker exec. */
export async function startContainer(o: StartOptions & { image: string; name: string }): Promise<BuilderHandle> {
  const args = ['run', '-d', '--privileged', '--name', o.name];
  if (o.configInline) {
    fs.mkdirSync(o.workDir, { recursive: true });
    const configFile = path.join(o.workDir, 'buildkitd.toml');
    fs.writeFileSync(configFile, o.configInline + '\n');
    args.push('-v', `${configFile}:/etc/buildkit/buildkitd.toml:ro`);
  }
  args.push(o.image, ...splitFlags(o.flags));
  const run = await Exec.run('docker', args, { env: o.env });
  if (run.code !== 0) throw new BuilderError(`docker could not start ${o.image}: ${(run.stderr || run.stdout).trim()}`);
  const handle: BuilderHandle = {
    kind: 'docker-container',
    envdBuilder: 'docker-container',
    envdAddress: o.name,
    buildctlAddr: `docker-container://${o.name}`,
    container: o.name
  };
  const deadline = Date.now() + o.readyTimeoutMs;
  for (;;) {
    const r = await Exec.run('docker', ['exec', o.name, 'buildctl', 'debug', 'workers'], {
      env: o.env,
      timeoutMs: 10000
    });
    if (r.code === 0) return handle;
    if (Date.now() >= deadline) {
      const logs = await Exec.run('docker', ['logs', '--tail', '20', o.name], { env: o.env });
      await stopBuilder(handle, o.env);
      throw new BuilderError(
        `the buildkit container did not answer within ${Math.round(o.readyTimeoutMs / 1000)} s. Its log:\n${logs.stdout}${logs.stderr}`
      );
    }
    await sleep(500);
  }
}

/** Stops what the action started; a no-op for an address builder. Waits for the process to go. */
export async function stopBuilder(
  h: BuilderHandle,
  env: NodeJS.ProcessEnv = process.env,
  graceMs = 5000
): Promise<void> {
  if (h.container) {
    await Exec.run('docker', ['rm', '-f', h.container], { env });
    return;
  }
  const pid = daemonPid(h);
  if (pid === undefined) return;
  Exec.kill(pid, 'SIGTERM', h.sudo);
  const started = Date.now();
  while (Exec.isAlive(pid) && Date.now() < started + graceMs) await sleep(stopPollMs(Date.now() - started));
  if (Exec.isAlive(pid)) Exec.kill(pid, 'SIGKILL', h.sudo);
}

export function builderLogTail(h: BuilderHandle, lines = 200): string {
  return tail(h.logFile, lines, true);
}
