/**
 * The sudo path as the hosted runner takes it: the action runs as a user who is not root and has password-less
 * sudo, and starts buildkitd through `sudo -n`. Where the suite runs as root (a container, this repository's CI),
 * scripts/test-deps.sh creates such a user (TEST_USER) and the tests run the action as that user; where it
 * runs as a user with password-less sudo (GitHub's `runner`), as that user.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { JobUser } from '../../scripts/harness.mjs';

/** The user scripts/test-deps.sh creates when it runs as root: password-less sudo, as GitHub's `runner`. */
export const TEST_USER = 'envd-cache-test';

const asRoot = () => process.getuid?.() === 0;

/**
 * Who runs the action in a sudo-path test: `{ user }` (switch to TEST_USER) when the suite is root, `{}` (this
 * process's user) when it is not. Throws what to set up when neither can take the sudo path.
 */
export function sudoRunner(): { user?: JobUser } {
  if (!asRoot()) {
    if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return {};
    throw new Error(
      'the sudo-path tests run the action as this user through `sudo -n`, which asks for a password or is missing: give this user password-less sudo, or run the suite as root (scripts/test-deps.sh then creates a user for them)'
    );
  }
  const id = (flag: string) => spawnSync('id', [flag, TEST_USER], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error(
      `the sudo-path tests run the action as the user ${TEST_USER}, which does not exist: run bash scripts/test-deps.sh as root (it creates the user with password-less sudo)`
    );
  const user = { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  if (spawnSync('sudo', ['-n', '-u', TEST_USER, 'sudo', '-n', 'true'], { stdio: 'ignore' }).status !== 0)
    throw new Error(`the user ${TEST_USER} has no password-less sudo: run bash scripts/test-deps.sh as root`);
  return { user };
}

/** A file only root may read (a root process's /proc/<pid>/environ): directly as root, else through sudo. */
export function readAsRoot(file: string): string {
  if (asRoot()) return fs.readFileSync(file, 'utf8');
  const r = spawnSync('sudo', ['-n', 'cat', '--', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sudo cat ${file}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Signals a process that may be root's (what a failed test left running). */
export function killAsRoot(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (asRoot()) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  } else spawnSync('sudo', ['-n', 'kill', `-${signal}`, String(pid)], { stdio: 'ignore' });
}

/** Removes a tree that may hold root's files (a test's leftovers). */
export function removeAsRoot(dir: string): void {
  if (asRoot()) fs.rmSync(dir, { recursive: true, force: true });
  else spawnSync('sudo', ['-n', 'rm', '-rf', '--', dir], { stdio: 'ignore' });
}

/** Paths under `dir` (itself included) that belong to root or that this process cannot read (root's 0700 directories). */
export function rootOwned(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.uid === 0) found.push(p);
    if (!st.isDirectory()) return;
    let entries: string[];
    try {
      entries = fs.readdirSync(p);
    } catch {
      return void found.push(p);
    }
    for (const e of entries) walk(`${p}/${e}`);
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

/** Whether a path exists, also inside root's 0700 directories (buildkitd's --root seen from the runner user). */
export function existsAsRoot(file: string): boolean {
  if (asRoot()) return fs.existsSync(file);
  return spawnSync('sudo', ['-n', 'test', '-e', file], { stdio: 'ignore' }).status === 0;
}
