/**
 * cache-mounts' effects: BuildKit's records of its cache mounts (`buildctl du --verbose`), the helper builds that
 * copy an archive into a mount or out of it (through `buildctl build` on the same buildkitd), the archives on the
 * runner, and their GitHub cache entries (@actions/cache, loaded only when mounts are kept). Decides nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Exec } from './exec.js';
import { CacheService } from './github/cache-service.js';
import {
  type Helper,
  namedFiles,
  NONCE_ARG,
  type PackageInputs,
  parseDiskUsage,
  type MountRecord,
  slotOf
} from '../mounts/mounts.js';

/** How the helper builds reach buildkitd: buildctl and its address. */
export interface BuildkitClient {
  buildctl: string;
  addr: string;
  env: NodeJS.ProcessEnv;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A helper build may stall like any build (a pull, a daemon that hangs): bounded. */
const HELPER_TIMEOUT_MS = 15 * 60_000;

const lastLines = (text: string, n = 3) => text.trim().split('\n').slice(-n).join(' / ').slice(0, 400);

/** The cache mounts buildkitd holds now. */
export async function listMounts(c: BuildkitClient): Promise<Outcome<MountRecord[]>> {
  const r = await Exec.run(c.buildctl, ['--addr', c.addr, 'du', '--verbose'], { env: c.env, timeoutMs: 60_000 });
  if (r.code !== 0) return { ok: false, reason: `buildctl du failed (exit ${r.code}): ${lastLines(r.stderr)}` };
  return { ok: true, value: parseDiskUsage(r.stdout) };
}

/** Where a run keeps the archives: the same path every run, as the GitHub cache entries' version depends on it. */
export function mountsDir(runnerTemp: string): string {
  return path.join(runnerTemp, 'envd-cache-mounts');
}

/** The directory one mount's archive is restored into and saved from: `<dir>/<slot>/mount.tar`. */
export const slotDir = (dir: string, id: string) => path.join(dir, slotOf(id));

/**
 * One helper build: `dockerfile` in a directory of its own, `context` as the build context (a static busybox
 * copied into it first when that is the helper), a fresh nonce so that no step comes from BuildKit's cache,
 * and, for a save, a local output directory.
 */
export async function helperBuild(
  c: BuildkitClient,
  o: { dockerfile: string; context: string; helper: Helper; output?: string }
): Promise<Outcome<number>> {
  const started = Date.now();
  let dfDir: string | undefined;
  try {
    fs.mkdirSync(o.context, { recursive: true });
    dfDir = fs.mkdtempSync(`${o.context}-dockerfile-`);
    fs.writeFileSync(path.join(dfDir, 'Dockerfile'), o.dockerfile);
    if (o.helper.kind === 'busybox') fs.copyFileSync(path.resolve(o.helper.file), path.join(o.context, 'busybox'));
    const args = [
      '--addr',
      c.addr,
      'build',
      '--frontend',
      'dockerfile.v0',
      '--local',
      `context=${o.context}`,
      '--local',
      `dockerfile=${dfDir}`
    ];
    args.push('--opt', `build-arg:${NONCE_ARG}=${randomBytes(8).toString('hex')}`);
    if (o.output) args.push('--output', `type=local,dest=${o.output}`);
    const r = await Exec.run(c.buildctl, args, { env: c.env, timeoutMs: HELPER_TIMEOUT_MS });
    if (r.code !== 0) return { ok: false, reason: `the helper build failed (exit ${r.code}): ${lastLines(r.stderr)}` };
    return { ok: true, value: (Date.now() - started) / 1000 };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  } finally {
    if (dfDir) fs.rmSync(dfDir, { recursive: true, force: true });
  }
}

/** The first 64 hex of a file's sha256, read as a stream (archives are gigabytes). */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/** Moves a saved archive (`<out>/<slot>.tar`) to its slot (`<dir>/<slot>/mount.tar`), replacing what was there. */
export function placeArchive(out: string, dir: string, id: string): string {
  const slot = slotDir(dir, id);
  fs.rmSync(slot, { recursive: true, force: true });
  fs.mkdirSync(slot, { recursive: true });
  const file = path.join(slot, 'mount.tar');
  fs.renameSync(path.join(out, `${slotOf(id)}.tar`), file);
  return file;
}

export const removeDir = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });

/** A line a store has to say; kept until the step's log group is open (the restore runs before it). */
export interface StoreNote {
  warning?: boolean;
  text: string;
}

/**
 * Where the mounts are kept, as the step uses it: one directory per entry (its `mount.tar`), restored by key prefix,
 * saved under a key — the GitHub cache, or beside the registry or s3 layers (io/mounts-remote.ts).
 */
export interface MountStore {
  /** How messages name it; default the GitHub cache. */
  readonly where?: string;
  /** What it has to say since it was last asked (the step prints it in its group). */
  drain?(): StoreNote[];
  available(): Promise<boolean>;
  /** The key restored into `dir`, or undefined on a miss. Throws on a service failure. */
  restore(dir: string, prefix: string): Promise<string | undefined>;
  /** False when the service did not take it (@actions/cache warns why: the key exists, a write denied, …). */
  save(dir: string, key: string): Promise<boolean>;
  /**
   * The key a restore into `dir` by `prefix` would pick, downloading nothing (undefined: none, or not known).
   * Without it the restore is never skipped.
   */
  lookup?(dir: string, prefix: string): Promise<string | undefined>;
}

const actionsCache = () => import('@actions/cache');

/**
 * The version @actions/cache gives an entry of `dir` (`getCacheVersion` in its internal/cacheUtils.js: the paths,
 * the compression method, the salt `1.0`, joined by `|`, sha256). The method is `zstd-without-long` when a `zstd`
 * runs on this machine (its `getCompressionMethod` asks `zstd --quiet --version`), else `gzip`: here a `zstd` on
 * PATH stands for that answer.
 */
export function actionsCacheVersion(dir: string, pathValue = process.env.PATH ?? ''): string {
  const zstd = pathValue.split(path.delimiter).some((d) => {
    try {
      fs.accessSync(path.join(d || '.', 'zstd'), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return createHash('sha256')
    .update([dir, zstd ? 'zstd-without-long' : 'gzip', '1.0'].join('|'))
    .digest('hex');
}

/**
 * The lookup without @actions/cache: on the cache service v2, one GetCacheEntryDownloadURL through the action's
 * own client, so an unchanged job loads neither @actions/cache nor the Azure SDK (most of the bundle's start-up).
 * Elsewhere (GHES's v1 service) @actions/cache's lookupOnly.
 */
async function lookupKey(env: NodeJS.ProcessEnv, at: { dir: string; prefix: string }): Promise<string | undefined> {
  const { dir, prefix } = at;
  const token = env.ACTIONS_RUNTIME_TOKEN;
  const resultsUrl = env.ACTIONS_RESULTS_URL;
  if (token && resultsUrl && /^true$/i.test(env.ACTIONS_CACHE_SERVICE_V2 ?? '')) {
    const r = await new CacheService({ token, resultsUrl }).lookup(prefix, [prefix], actionsCacheVersion(dir));
    return r.status === 'hit' ? r.matchedKey : undefined;
  }
  return (await actionsCache()).restoreCache([dir], prefix, [prefix], { lookupOnly: true });
}

/**
 * @actions/cache: its nearest-key restore searches the run's own ref, then the base and default branches (it reads
 * the runner's variables from the process). The lookup, the action's own client, reads them from `env`.
 */
export const githubMountStore = (env: NodeJS.ProcessEnv): MountStore => ({
  available: async () => (await actionsCache()).isFeatureAvailable(),
  restore: async (dir, prefix) => (await actionsCache()).restoreCache([dir], prefix, [prefix]),
  save: async (dir, key) => (await (await actionsCache()).saveCache([dir], key)) !== -1,
  lookup: (dir, prefix) => lookupKey(env, { dir, prefix })
});

/** A named file larger than this is not hashed: the build then has no fingerprint (a fork could name a huge one). */
const MAX_HASHED_BYTES = 64 * 2 ** 20;

/**
 * What the package steps depend on, read from the build directory: the build file and each file it names that is
 * a regular file inside the directory (symlinks resolved; one that leads outside is left out). Undefined when the
 * build file cannot be read or a named file is over MAX_HASHED_BYTES (then the restore is never skipped).
 */
export async function readPackageInputs(
  buildDir: string,
  buildFile: string,
  build: string[]
): Promise<PackageInputs | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(buildFile, 'utf8');
  } catch {
    return undefined;
  }
  const real = fs.realpathSync(buildDir);
  const files: { path: string; sha256: string }[] = [];
  for (const rel of namedFiles(text)) {
    try {
      const file = fs.realpathSync(path.join(buildDir, rel));
      const stat = fs.statSync(file);
      if (!file.startsWith(real + path.sep) || !stat.isFile()) continue;
      if (stat.size > MAX_HASHED_BYTES) return undefined;
      files.push({ path: rel, sha256: await fileSha256(file) });
    } catch {
      // not a file: a package name, or a path that does not exist
    }
  }
  return { buildFile: text, build, files };
}
