/**
 * cache: local, kept between runs through the GitHub cache (@actions/cache): restored before the build,
 * served read-only on 127.0.0.1 so BuildKit can import it as a registry cache, and — after a successful
 * export into a fresh directory — swapped in and saved under a key derived from its content.
 *
 * The action deletes only directories it created: each one gets a marker file (OWNER_MARK) when it is
 * created, the marker travels with the swap and the save, and a directory without it is never deleted.
 */
import type { Runner } from '../runner.js';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { echo } from '../../text/text.js';
import { type OciServer, startOciServer } from './oci-server.js';
import { claimDir, inspectDir, placeOf, releaseDir, surroundingsOf } from './owned-dirs.js';
import { CACHE_DIR_FIX, deletionProblem, OWNER_MARK, type Surroundings } from '../../local/ownership.js';
import { exportIdentity } from '../../local/identity.js';

/**
 * @actions/cache with the Azure SDK is the largest part of the bundle: loaded when an entry is restored or saved,
 * not for a post step that finds the export unchanged.
 */
const actionsCache = () => import('@actions/cache');

/** Loads @actions/cache ahead of the restore (main, while the budget is read); never throws. */
export const preloadCacheClient = (): Promise<unknown> => actionsCache().catch(() => undefined);

export { surroundingsOf };

/** Where the restore and the save say what they did: the step's runner protocol. */
type Lines = Pick<Runner, 'info' | 'warning'>;

export interface LocalCache {
  dir: string;
  exportDir: string;
  keyPrefix: string;
}

/** What post needs to save the new export. */
export interface LocalSave extends LocalCache {
  restoredKey?: string;
  /** The workspace and home directory of the run, never to be deleted (absent in state from older versions). */
  workspace?: string;
  home?: string;
}

/** The largest manifest blob read for the key (BuildKit's cache manifests are a few KB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A manifest blob of the layout, when it is a regular file of a manifest's size. */
function manifestBlob(dir: string, digest: string): string | undefined {
  const file = path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  try {
    const st = fs.lstatSync(file);
    return st.isFile() && st.size <= MAX_MANIFEST_BYTES ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The key of an exported directory: the scope's prefix and a hash of its content's identity (local/identity.ts:
 * index.json and its manifests, without the layers' distribution-source annotations BuildKit adds after an import).
 */
export function contentKey(prefix: string, dir: string): string | undefined {
  const index = `${dir}/index.json`;
  if (!fs.existsSync(index)) return undefined;
  const identity = exportIdentity(fs.readFileSync(index, 'utf8'), (digest) => manifestBlob(dir, digest));
  return `${prefix}${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}

/**
 * Prepares the two directories of the action's own: a fresh one to restore into, and the (marked) one the
 * build exports into. Throws, deleting nothing, when either holds something the action did not create.
 */
export function claimLocal(local: LocalCache, around: Surroundings): void {
  for (const dir of [local.dir, local.exportDir]) {
    const facts = inspectDir(dir);
    const problem = deletionProblem(placeOf(dir), around, facts);
    if (problem) throw new Error(`cache: local: ${echo(dir)} ${problem}; it was left untouched. ${CACHE_DIR_FIX}`);
  }
  claimDir(local.dir, around);
  claimDir(local.exportDir, around);
}

/**
 * Restores the newest entry of this scope (own ref first, then the default branch, by GitHub's rules) into
 * the claimed directory (claimLocal). Returns the key restored; never throws for the cache service.
 */
export async function restoreLocal(out: Lines, local: LocalCache): Promise<string | undefined> {
  const cache = await actionsCache();
  if (!cache.isFeatureAvailable()) {
    out.info('The GitHub cache service is not available to this run: the local cache starts empty and is not kept');
    return undefined;
  }
  try {
    const key = await cache.restoreCache([local.dir], local.keyPrefix, [local.keyPrefix]);
    out.info(
      key
        ? `Restored the local cache ${echo(key)} into ${echo(local.dir)}`
        : `No local cache for ${echo(local.keyPrefix)}* yet`
    );
    return key;
  } catch (e) {
    out.warning(`Restoring the local cache failed (${echo((e as Error).message)}); the build runs without it`);
    return undefined;
  }
}

/**
 * Serves the claimed directory read-only on 127.0.0.1. It reads the directory at each request, so it can
 * listen (and buildkitd be told its address) before the restore has filled it.
 */
export function serveLocal(local: LocalCache): Promise<OciServer> {
  return startOciServer(local.dir);
}

/** Whether the directory holds an OCI layout to import (after the restore). */
export const hasLayout = (local: LocalCache) => fs.existsSync(`${local.dir}/index.json`);

/** Post: replaces the old directory with the new export and saves it, unless its content is already stored. */
export async function saveLocal(out: Lines, state: LocalSave): Promise<void> {
  const workspace = state.workspace ?? process.cwd();
  const around = surroundingsOf(workspace, state.home ?? os.homedir());
  const save = {
    ...state,
    dir: path.resolve(workspace, state.dir),
    exportDir: path.resolve(workspace, state.exportDir)
  };
  const key = contentKey(save.keyPrefix, save.exportDir);
  if (!key) {
    out.info('The build exported no local cache; nothing to save');
    const kept = releaseDir(save.exportDir, around);
    if (kept) out.warning(`cache: local: ${kept}`);
    return;
  }
  const exported = inspectDir(save.exportDir);
  if (exported.kind !== 'directory' || !exported.marked) {
    out.warning(
      `cache: local: ${echo(save.exportDir)} is not the directory the action created for the export (no ${OWNER_MARK} marker); the local cache was not swapped in or saved`
    );
    return;
  }
  const kept = releaseDir(save.dir, around);
  if (kept) {
    out.warning(`cache: local: ${kept}; the new export stays in ${echo(save.exportDir)} and was not saved`);
    return;
  }
  // The marker moves with the directory, so the next run may replace it again.
  fs.renameSync(save.exportDir, save.dir);
  if (key === save.restoredKey) {
    out.info(`The local cache is unchanged (${echo(key)}); not saved again`);
    return;
  }
  const cache = await actionsCache();
  if (!cache.isFeatureAvailable()) {
    out.info('The GitHub cache service is not available to this run: the local cache is not kept');
    return;
  }
  // The blobs are compressed layers already: a stronger zstd level gains nothing but time. @actions/cache has no
  // option for the level; zstd reads it from ZSTD_CLEVEL (its default is 3). A level the workflow set is kept.
  const level = process.env.ZSTD_CLEVEL;
  if (level === undefined) process.env.ZSTD_CLEVEL = SAVE_ZSTD_LEVEL;
  try {
    await cache.saveCache([save.dir], key);
    out.info(`Saved the local cache as ${echo(key)}`);
  } catch (e) {
    out.warning(`Saving the local cache failed: ${echo((e as Error).message)}`);
  } finally {
    if (level === undefined) delete process.env.ZSTD_CLEVEL;
  }
}

/** The fastest of zstd's normal levels (1–19), for archives of already-compressed blobs. */
const SAVE_ZSTD_LEVEL = '1';
