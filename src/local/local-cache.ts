/**
 * cache: local, kept between runs through the GitHub cache (@actions/cache): restored before the build,
 * served read-only on 127.0.0.1 so BuildKit can import it as a registry cache, and — after a successful
 * export into a fresh directory — swapped in and saved under a key derived from its content.
 */
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { type OciServer, startOciServer } from './oci-server.js';

export interface LocalCache {
  dir: string;
  exportDir: string;
  keyPrefix: string;
}

/** What post needs to save the new export. */
export interface LocalSave extends LocalCache {
  restoredKey?: string;
}

/** The key of an exported directory: the scope's prefix and a hash of its index.json (the export's identity). */
export function contentKey(prefix: string, dir: string): string | undefined {
  const index = `${dir}/index.json`;
  if (!fs.existsSync(index)) return undefined;
  return `${prefix}${createHash('sha256').update(fs.readFileSync(index)).digest('hex').slice(0, 16)}`;
}

/** Restores the newest entry of this scope (own ref first, then the default branch, by GitHub's rules). */
export async function restoreLocal(local: LocalCache): Promise<string | undefined> {
  fs.rmSync(local.dir, { recursive: true, force: true });
  fs.rmSync(local.exportDir, { recursive: true, force: true });
  if (!cache.isFeatureAvailable()) {
    core.info('The GitHub cache service is not available to this run: the local cache starts empty and is not kept');
    return undefined;
  }
  try {
    const key = await cache.restoreCache([local.dir], local.keyPrefix, [local.keyPrefix]);
    core.info(key ? `Restored the local cache ${key} into ${local.dir}` : `No local cache for ${local.keyPrefix}* yet`);
    return key;
  } catch (e) {
    core.warning(`Restoring the local cache failed (${(e as Error).message}); the build runs without it`);
    return undefined;
  }
}

/** Serves the restored directory when it holds an OCI layout. */
export async function serveLocal(local: LocalCache): Promise<OciServer | undefined> {
  if (!fs.existsSync(`${local.dir}/index.json`)) return undefined;
  return startOciServer(local.dir);
}

/** Post: replaces the old directory with the new export and saves it, unless its content is already stored. */
export async function saveLocal(save: LocalSave): Promise<void> {
  const key = contentKey(save.keyPrefix, save.exportDir);
  if (!key) {
    core.info('The build exported no local cache; nothing to save');
    return;
  }
  fs.rmSync(save.dir, { recursive: true, force: true });
  fs.renameSync(save.exportDir, save.dir);
  if (key === save.restoredKey) {
    core.info(`The local cache is unchanged (${key}); not saved again`);
    return;
  }
  if (!cache.isFeatureAvailable()) {
    core.info('The GitHub cache service is not available to this run: the local cache is not kept');
    return;
  }
  try {
    await cache.saveCache([save.dir], key);
    core.info(`Saved the local cache as ${key}`);
  } catch (e) {
    core.warning(`Saving the local cache failed: ${(e as Error).message}`);
  }
}
