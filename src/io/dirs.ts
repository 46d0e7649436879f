/**
 * The runner's directories as the action finds them (HOME, the job's temp directory), and the private files it
 * makes there: the work dir main records for post, a daemon directory, a file written into one. Random names come
 * from here too, so that a step never reaches for `node:*` itself.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { socketBase } from '../builder/dirs.js';
import { OWNER_MARK, OWNER_MARK_TEXT } from '../local/ownership.js';

/** The user's home directory: HOME, else what the system says. */
export const homeOf = (env: NodeJS.ProcessEnv): string => env.HOME || os.homedir();

/** The workspace (GITHUB_WORKSPACE), else the directory the step runs in: where relative paths resolve. */
export const workspaceOf = (env: NodeJS.ProcessEnv): string => env.GITHUB_WORKSPACE || process.cwd();

/** The job's temp directory: RUNNER_TEMP (per job, emptied after it), else the system's. */
export const runnerTemp = (env: NodeJS.ProcessEnv): string => env.RUNNER_TEMP || os.tmpdir();

/** A new directory `<prefix>XXXXXX` where buildkitd's socket may live (builder/dirs.ts socketBase). */
export function socketDir(env: NodeJS.ProcessEnv, prefix: string): string {
  const base = socketBase(env.RUNNER_TEMP) ?? os.tmpdir();
  // A RUNNER_TEMP that names a directory not made yet (a self-hosted runner, a local run) is created.
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}

/** The action's private work dir, marked as its own: post deletes only marked directories. */
export function createWorkDir(env: NodeJS.ProcessEnv): string {
  const dir = socketDir(env, 'envd-cache-');
  fs.writeFileSync(path.join(dir, OWNER_MARK), OWNER_MARK_TEXT);
  return dir;
}

/** Writes `text` to `name` in `dir`; the file's path. */
export function writeFileIn(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** `bytes` random bytes in hex, for names that must not collide (contexts, containers). */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
