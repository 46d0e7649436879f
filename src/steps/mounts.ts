/**
 * cache-mounts around the build (issue 23): the saved archives are looked up and downloaded while the tools are
 * found and buildkitd starts, copied into their mounts by one helper build once buildkitd answers, and — after a
 * build that writes its cache — the mounts the build used are read out by one helper build and saved, one GitHub
 * cache entry per mount and scope, keyed by content. Orchestration only: the core decides, io/mounts.ts does.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '../io/runner.js';
import { mountStoreOf } from '../io/mount-stores.js';
import {
  type BuildkitClient,
  fileSha256,
  fileSize,
  helperBuild,
  listMounts,
  type MountStore,
  mountsDir,
  placeArchive,
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
  restoreDockerfile,
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
  downloads: Promise<{ id: string; key?: string; seconds: number }[]>;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/** Starts the lookups and downloads (nothing logged yet); undefined when the plan keeps no mounts. */
export function beginMounts(
  plan: Plan,
  env: NodeJS.ProcessEnv,
  store: MountStore = mountStoreOf(plan, env)
): Mounts | undefined {
  const m = plan.mounts;
  if (!m || (!m.restore && !m.save)) return undefined;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const name = envName(path.resolve(workspace, plan.envd.path));
  const dir = mountsDir(env.RUNNER_TEMP || os.tmpdir());
  removeDir(dir);
  const downloads = m.restore
    ? download(store, candidateIds(m.setting, name), { dir, scope: m.scope })
    : Promise.resolve([]);
  downloads.catch(() => undefined);
  return { plan: m, env: name, dir, store, figures: new Map(), restoredKeys: new Map(), downloads };
}

async function download(store: MountStore, ids: string[], o: { dir: string; scope: string }) {
  if (!(await store.available())) return [];
  return Promise.all(
    ids.map(async (id) => {
      const started = Date.now();
      const key = await store.restore(slotDir(o.dir, id), mountKeyPrefix(o.scope, id));
      return { id, key, seconds: seconds(started) };
    })
  );
}

/** Once buildkitd answers: copies what was downloaded into the mounts, and notes each mount's last use. */
export async function restoreMounts(m: Mounts, client: BuildkitClient): Promise<void> {
  await core.group('Restore package caches', async () => {
    const started = Date.now();
    const hits = (await m.downloads).filter((d) => d.key);
    const warned = say(m.store);
    if (!m.plan.restore) core.info('Not restored: this run does not read the cache');
    else if (hits.length === 0 && warned) core.info('Nothing restored (see the warning above)');
    else if (hits.length === 0)
      core.info(`No saved package caches for ${echo(m.env)} in scope ${echo(m.plan.scope)} yet`);
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
        core.info(formatMountLine(m.figures.get(h.id)!, 'restored'));
      }
      if (!built.ok)
        core.warning(
          `Package caches were not restored (the build runs without them): ${echo(built.reason, MAX_SENTENCE)}`
        );
      core.info(`Restored in ${seconds(started)} s after buildkitd answered`);
    }
    removeDir(m.dir);
  });
}

/** After a successful build: reads out and saves the mounts the build used; the figures for the outputs. */
export async function saveMounts(
  m: Mounts,
  client: BuildkitClient,
  build: { plan: Plan; figures: { cachedSteps: number; totalSteps: number } }
): Promise<MountFigure[]> {
  await core.group('Save package caches', async () => {
    if (!m.plan.save || !build.plan.export)
      return core.info('Not saved: this run writes no cache (see the export decision in the plan)');
    if (!mountsMayHaveChanged(build.figures)) {
      for (const id of m.restoredKeys.keys()) note(m, id, 'not saved: unchanged, every step came from the cache');
      return core.info('Every step came from the cache: no package cache changed, nothing is read out or saved');
    }
    const found = await listMounts(client);
    if (!found.ok) return core.warning(`Package caches were not saved: ${echo(found.reason, MAX_SENTENCE)}`);
    const decisions = decideSaves(found.value, { setting: m.plan.setting, env: m.env, maxBytes: m.plan.maxBytes });
    for (const d of decisions.filter((x) => !x.save)) {
      note(m, d.id, `not saved: ${d.reason}`);
      if (!d.save && d.warn) core.warning(`Package cache ${echo(d.id)} not saved: ${d.reason}`);
      else core.info(`${echo(d.id)}: not saved, ${d.reason}`);
    }
    const ids = decisions.filter((d) => d.save).map((d) => d.id);
    if (ids.length === 0)
      return core.info(
        decisions.length ? 'Nothing to save' : `The build used none of the package caches kept (${echo(m.env)})`
      );
    await readOutAndSave(m, client, ids);
  });
  removeDir(m.dir);
  return [...m.figures.values()];
}

async function readOutAndSave(m: Mounts, client: BuildkitClient, ids: string[]): Promise<void> {
  const started = Date.now();
  const out = path.join(m.dir, 'out');
  const built = await helperBuild(client, {
    dockerfile: saveDockerfile(m.plan.helper, ids),
    context: path.join(m.dir, 'context'),
    helper: m.plan.helper,
    output: out
  });
  if (!built.ok) return core.warning(`Package caches were not saved: ${echo(built.reason, MAX_SENTENCE)}`);
  for (const id of ids) {
    const file = placeArchive(out, m.dir, id);
    const key = mountKey(m.plan.scope, id, await fileSha256(file));
    const bytes = fileSize(file);
    if (key === m.restoredKeys.get(id)) {
      note(m, id, 'not saved: unchanged since the restore');
      core.info(`${echo(id)}: unchanged since the restore (${echo(key)}); not saved again`);
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
    say(m.store);
    core.info(saved ? `${formatMountLine(figure, 'saved')} as ${echo(key)}` : `${echo(id)}: not saved`);
  }
}

/** What the store had to say (a remote store's one warning, where each mount came from), in the open group; whether it warned. */
function say(store: MountStore): boolean {
  const notes = store.drain?.() ?? [];
  for (const n of notes) (n.warning ? core.warning : core.info)(n.text);
  return notes.some((n) => n.warning);
}

function note(m: Mounts, id: string, text: string): void {
  m.figures.set(id, { ...m.figures.get(id), id, note: text });
}
