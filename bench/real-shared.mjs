// What the real-BuildKit benches (bench:real, bench:replay) share: the tool cache they hand the action (the real
// buildkitd and buildctl, the envd shim), and the processes they start: every child is spawned detached (its own
// process group) so that one signal stops it and what it started; a buildkitd the action started is found by its
// command line, which names the bench's temporary directory.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const ENVD = 'v1.3.4';
export const BUILDKIT = 'v0.32.2';

/** A tool cache under `root` as @actions/tool-cache lays it out: buildkitd and buildctl from `bin`, `shim` as envd. */
export function makeToolCache(root, bin, shim) {
  const tc = path.join(root, 'tool-cache');
  const dirOf = (tool, version) => path.join(tc, tool, version.replace(/^v/, ''), 'amd64');
  const bk = dirOf('buildkit', BUILDKIT);
  fs.mkdirSync(path.join(bk, 'bin'), { recursive: true });
  for (const t of ['buildkitd', 'buildctl']) fs.symlinkSync(path.join(bin, t), path.join(bk, 'bin', t));
  fs.writeFileSync(`${bk}.complete`, '');
  const envd = dirOf('envd', ENVD);
  fs.mkdirSync(envd, { recursive: true });
  fs.copyFileSync(shim, path.join(envd, 'envd'));
  fs.chmodSync(path.join(envd, 'envd'), 0o755);
  fs.writeFileSync(`${envd}.complete`, '');
  return tc;
}

/**
 * A registry without auth on a free 127.0.0.1 port (Debian's docker-registry, `bin`), its storage and log in `dir`
 * (BuildKit speaks plain http to loopback registries by default). Resolves once /v2/ answers 200; the child is
 * detached (its own process group): the caller stops it with killGroup.
 */
export async function startPlainRegistry(dir, bin) {
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`
  );
  const log = fs.openSync(path.join(dir, 'log'), 'a');
  const child = spawn(bin, ['serve', config], { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const deadline = Date.now() + 15000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (r) => r.status === 200,
      () => false
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`${bin} did not answer on 127.0.0.1:${port}:\n${fs.readFileSync(path.join(dir, 'log'), 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { host: `127.0.0.1:${port}`, child };
}

/** Signals a detached child's whole process group; a group already gone is not an error. */
export function killGroup(child, signal = 'SIGTERM') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
}

/** The processes a bench started under `root` (its temporary directory). */
export class Processes {
  constructor(root) {
    this.root = root;
    /** Everything this bench spawned that may outlive a call: killed (process group) in the end, also on failure. */
    this.started = new Set();
  }

  /** Adds a child to `started` until it exits. */
  track(child) {
    this.started.add(child);
    child.once('exit', () => this.started.delete(child));
    return child;
  }

  /** Processes whose command line names the bench's directory (a buildkitd the action started and did not stop). */
  strays() {
    const out = [];
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (cmd.includes(this.root) && Number(pid) !== process.pid) out.push({ pid: Number(pid), cmd: cmd.trim() });
      } catch {
        // exited meanwhile
      }
    }
    return out;
  }

  /**
   * Stops everything the bench started: its own children's process groups, then whatever still names its directory
   * (a buildkitd the action started: SIGTERM first, so that it unmounts what it mounted under its root; SIGKILL after 5 s).
   */
  async stopAll() {
    for (const child of this.started) killGroup(child, 'SIGKILL');
    const signal = (sig) => {
      const left = this.strays();
      for (const s of left) {
        try {
          process.kill(s.pid, sig);
        } catch {
          // gone
        }
      }
      return left.length;
    };
    const deadline = Date.now() + 5000;
    while (signal('SIGTERM') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    signal('SIGKILL');
  }
}
