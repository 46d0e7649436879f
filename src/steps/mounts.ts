/**
 * cache-mounts around the build (issue 23): the saved archives are looked up and downloaded while the tools are
 * found and buildkitd starts, copied into their mounts by one helper build once buildkitd answers, and — after a
 * build that writes its cache — the mounts the build used are read out by one helper build and saved, one GitHub
 * cache entry per mount and scope, keyed by content and by the fingerprint of what the package steps depend on.
 * When a saved entry carries this build's fingerprint, nothing is downloaded or copied in (`restoreSkip`). With
 * registry and s3, each mount is an artifact or object beside the layers (io/mounts-remote.ts), without a skip.
 * Orchestration only: the core decides, io/mounts.ts does.
 */
import * as path from 'node:path';
import type { Runner } from '../io/runner.js';
import { runnerTemp, workspaceOf } from '../io/dirs.js';
import { mountStoreOf } from '../io/mount-stores.js';
import type { RegistryCaller } from '../io/registry.js';
import {
  type BuildkitClient,
  fileSha256,
  fileSize,
  helperBuild,
  listMounts,
  type MountStore,
  mountsDir,
  placeArchive,
  readPackageInputs,
  removeDir,
  slotDir
} from '../io/mounts.js';
import {
  candidateIds,
  decideSaves,
  mountsMayHaveChanged,
  envName,
  formatMountLine,
  mountKey,
  mountKeyPrefix,
  type MountFigure,
  packageFingerprint,
  parseMountKey,
  restoreDockerfile,
  restoreSkip,
  saveDockerfile
} from '../mounts/mounts.js';
import type { MountsPlan } from '../plan/plan.js';
import type { Plan } from '../plan/plan.js';
import { echo, MAX_SENTENCE } from '../text/text.js';

/** What the restore started before buildkitd answered, and what the save needs of it. */
export interface Mounts {
  plan: MountsPlan;
  env: string;
  dir: string;
  store: MountStore;
  figures: Map<string, MountFigure>;
  /** The key each restored mount came from (an unchanged archive is not saved again). */
  restoredKeys: Map<string, string>;
  /** What the package steps depend on (`packageFingerprint`); undefined when the build file could not be read. */
  fingerprint: Promise<string | undefined>;
  downloads: Promise<Downloads>;
}

/** The archives downloaded; or, when a saved entry carries this build's fingerprint, that key and the mounts found. */
type Downloads =
  { skipped?: undefined; hits: { id: string; key?: string; seconds: number }[] } | { skipped: string; found: string[] };

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/**
 * Starts the lookups and downloads (nothing logged yet); undefined when the plan keeps no mounts. `caller`: the
 * step's environment, and where a secret a registry's credential helper answers with is masked.
 */
export function beginMounts(
  plan: Plan,
  caller: RegistryCaller,
  store: MountStore = mountStoreOf(plan, caller)
): Mounts | undefined {
  const { env } = caller;
  const m = plan.mounts;
  if (!m || (!m.restore && !m.save)) return undefined;
  const workspace = workspaceOf(env);
  const name = envName(path.resolve(workspace, plan.envd.path));
  const dir = mountsDir(runnerTemp(env));
  removeDir(dir);
  // Only a store that can look a key up without downloading it can skip a restore (the GitHub cache's); the
  // others' keys carry no fingerprint, so an unchanged archive is recognised by its content alone.
  const fingerprint = store.lookup ? fingerprintOf(plan, workspace, env) : Promise.resolve(undefined);
  fingerprint.catch(() => undefined);
  const downloads: Promise<Downloads> = m.restore
    ? download(store, candidateIds(m.setting, name), { dir, scope: m.scope, fingerprint })
    : Promise.resolve({ hits: [] });
  downloads.catch(() => undefined);
  return { plan: m, env: name, dir, store, figures: new Map(), restoredKeys: new Map(), fingerprint, downloads };
}

/** The fingerprint of the build file (envd's rule: `<path>/<file>`, else `<cwd>/<file>`), its files and envd's run. */
async function fingerprintOf(plan: Plan, workspace: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const buildDir = path.resolve(workspace, plan.envd.path);
  const file = plan.envd.from.slice(0, plan.envd.from.lastIndexOf(':'));
  const build = [plan.envd.from, plan.envd.platform ?? '', plan.mounts?.tools ?? '', env.ENVD_BUILD_OWNER ?? ''];
  const inputs =
    (await readPackageInputs(buildDir, path.resolve(buildDir, file), build)) ??
    (await readPackageInputs(buildDir, path.resolve(workspace, file), build));
  return inputs && packageFingerprint(inputs);
}

/**
 * The lookups first when the store has them and this build has a fingerprint: a saved entry with this build's
 * fingerprint skips the restore (nothing is downloaded, @actions/cache is not loaded). Otherwise each mount is
 * restored by its prefix. A lookup that fails is no hit (the restore runs).
 */
async function download(
  store: MountStore,
  ids: string[],
  o: { dir: string; scope: string; fingerprint: Promise<string | undefined> }
): Promise<Downloads> {
  const fingerprint = await o.fingerprint;
  const lookup = store.lookup?.bind(store);
  if (lookup && fingerprint) {
    const keys = await Promise.all(
      ids.map((id) => lookup(slotDir(o.dir, id), mountKeyPrefix(o.scope, id)).catch(() => undefined))
    );
    const skip = restoreSkip(keys, fingerprint);
    if (skip.skip) return { skipped: skip.key, found: ids.filter((_, i) => keys[i]) };
  }
  if (!(await store.available())) return { hits: [] };
  const started = Date.now();
  return {
    hits: await Promise.all(
      ids.map(async (id) => ({
        id,
        key: await store.restore(slotDir(o.dir, id), mountKeyPrefix(o.scope, id)),
        seconds: seconds(started)
      }))
    )
  };
}

/** Once buildkitd answers: copies what was downloaded into the mounts, and notes each mount's last use. */
export async function restoreMounts(runner: Runner, m: Mounts, client: BuildkitClient): Promise<void> {
  await runner.group('Restore package caches', async () => {
    const started = Date.now();
    const downloads = await m.downloads;
    const hits = downloads.skipped === undefined ? downloads.hits.filter((d) => d.key) : [];
    const warned = say(runner, m.store);
    if (!m.plan.restore) runner.info('Not restored: this run does not read the cache');
    else if (downloads.skipped !== undefined) skipped(runner, m, downloads);
    else if (hits.length === 0 && warned) runner.info('Nothing restored (see the warning above)');
    else if (hits.length === 0)
      runner.info(`No saved package caches for ${echo(m.env)} in scope ${echo(m.plan.scope)} yet`);
    else {
      const built = await helperBuild(client, {
        dockerfile: restoreDockerfile(
          m.plan.helper,
          hits.map((h) => h.id)
        ),
        context: m.dir,
        helper: m.plan.helper
      });
      for (const h of hits) {
        const bytes = fileSize(path.join(slotDir(m.dir, h.id), 'mount.tar'));
        if (!built.ok) m.figures.set(h.id, { id: h.id, note: `not restored: ${built.reason}` });
        else {
          m.restoredKeys.set(h.id, h.key!);
          m.figures.set(h.id, { id: h.id, restoredBytes: bytes, restoreSeconds: h.seconds + built.value });
        }
        runner.info(formatMountLine(m.figures.get(h.id)!, 'restored'));
      }
      if (!built.ok)
        runner.warning(
          `Package caches were not restored (the build runs without them): ${echo(built.reason, MAX_SENTENCE)}`
        );
      runner.info(`Restored in ${seconds(started)} s after buildkitd answered`);
    }
    removeDir(m.dir);
  });
}

/** After a successful build: reads out and saves the mounts the build used; the figures for the outputs. */
export async function saveMounts(
  runner: Runner,
  m: Mounts,
  client: BuildkitClient,
  build: { plan: Plan; figures: { cachedSteps: number; totalSteps: number; exports?: { error?: string }[] } }
): Promise<MountFigure[]> {
  await runner.group('Save package caches', async () => {
    if (!m.plan.save || !build.plan.export)
      return runner.info('Not saved: this run writes no cache (see the export decision in the plan)');
    if (!mountsMayHaveChanged(build.figures)) {
      for (const id of m.restoredKeys.keys()) note(m, id, 'not saved: unchanged, every step came from the cache');
      return runner.info('Every step came from the cache: no package cache changed, nothing is read out or saved');
    }
    const found = await listMounts(client);
    if (!found.ok) return runner.warning(`Package caches were not saved: ${echo(found.reason, MAX_SENTENCE)}`);
    const decisions = decideSaves(found.value, { setting: m.plan.setting, env: m.env, maxBytes: m.plan.maxBytes });
    for (const d of decisions.filter((x) => !x.save)) {
      note(m, d.id, `not saved: ${d.reason}`);
      if (!d.save && d.warn) runner.warning(`Package cache ${echo(d.id)} not saved: ${d.reason}`);
      else runner.info(`${echo(d.id)}: not saved, ${d.reason}`);
    }
    const ids = decisions.filter((d) => d.save).map((d) => d.id);
    if (ids.length === 0)
      return runner.info(
        decisions.length ? 'Nothing to save' : `The build used none of the package caches kept (${echo(m.env)})`
      );
    // The fingerprint says "the layers of these package steps were written": not after a cache export that failed.
    await readOutAndSave(runner, m, client, { ids, layersWritten: !build.figures.exports?.some((e) => e.error) });
  });
  removeDir(m.dir);
  return [...m.figures.values()];
}

/** The restore skipped: one line, and a note per mount for the outputs and the summary. */
function skipped(runner: Runner, m: Mounts, d: { skipped: string; found: string[] }): void {
  const fp = parseMountKey(d.skipped)?.fingerprint ?? '';
  for (const id of d.found) note(m, id, `not restored: the package steps are unchanged (fingerprint ${fp})`);
  runner.info(
    `Not restored: the build file and the files it names are unchanged since ${echo(d.skipped)} was saved (fingerprint ${fp}), so every package step should come from the layer cache; if one runs anyway (a layer was evicted), it downloads its packages again and the cache is saved after the build`
  );
}

async function readOutAndSave(
  runner: Runner,
  m: Mounts,
  client: BuildkitClient,
  { ids, layersWritten }: { ids: string[]; layersWritten: boolean }
): Promise<void> {
  const started = Date.now();
  const out = path.join(m.dir, 'out');
  const built = await helperBuild(client, {
    dockerfile: saveDockerfile(m.plan.helper, ids),
    context: path.join(m.dir, 'context'),
    helper: m.plan.helper,
    output: out
  });
  if (!built.ok) return runner.warning(`Package caches were not saved: ${echo(built.reason, MAX_SENTENCE)}`);
  const fingerprint = layersWritten ? await m.fingerprint.catch(() => undefined) : undefined;
  for (const id of ids) {
    const file = placeArchive(out, m.dir, id);
    const key = mountKey(m.plan.scope, id, await fileSha256(file), fingerprint);
    const bytes = fileSize(file);
    // The same content under the same fingerprint is there already. (The same content under another fingerprint is
    // saved again: the next unchanged job finds this build's fingerprint and skips its restore.)
    if (key === m.restoredKeys.get(id)) {
      note(m, id, 'not saved: unchanged since the restore');
      runner.info(`${echo(id)}: unchanged since the restore (${echo(key)}); not saved again`);
      continue;
    }
    const saved = await m.store.save(slotDir(m.dir, id), key);
    const figure = {
      ...m.figures.get(id),
      id,
      ...(saved
        ? { savedBytes: bytes, saveSeconds: seconds(started) }
        : { note: `not saved: ${m.store.where ?? 'the GitHub cache'} did not take it (see the warning above)` })
    };
    m.figures.set(id, figure);
    say(runner, m.store);
    runner.info(saved ? `${formatMountLine(figure, 'saved')} as ${echo(key)}` : `${echo(id)}: not saved`);
  }
}

/** What the store had to say (a remote store's one warning, where each mount came from), in the open group; whether it warned. */
function say(runner: Runner, store: MountStore): boolean {
  const notes = store.drain?.() ?? [];
  for (const n of notes) {
    if (n.warning) runner.warning(n.text);
    else runner.info(n.text);
  }
  return notes.some((n) => n.warning);
}

function note(m: Mounts, id: string, text: string): void {
  m.figures.set(id, { ...m.figures.get(id), id, note: text });
}
