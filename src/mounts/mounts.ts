/**
 * envd's package caches (BuildKit cache mounts) kept between runs: which mounts a build uses, how they are found
 * in BuildKit's own records, their GitHub cache keys, and the two small builds that copy a saved archive into a
 * mount and out of it (the technique of reproducible-containers/buildkit-cache-dance, written here afresh). Pure.
 */
import { createHash } from 'node:crypto';
import { formatSize } from '../text/text.js';
import { allButNewest } from '../cache/entries.js';

/**
 * The directories envd mounts a cache on (envd v1.3.4, `pkg/lang/ir/v1/`): pip in `python.go`
 * compilePyPIPackages, conda's package directory in `conda.go` compileCondaPackages, apt's two in `system.go`.
 * Each mount's id is `<dir>/<environment name>-cpu` or `-gpu` (`cache.go` CacheID).
 */
export const ENVD_MOUNT_DIRS = ['/root/.cache/pip', '/opt/conda/pkgs', '/var/cache/apt', '/var/lib/apt'] as const;
const FLAVOURS = ['cpu', 'gpu'] as const;

export type MountsSetting = { kind: 'none' } | { kind: 'auto' } | { kind: 'dirs'; dirs: string[] };

/** The image the helper builds run in, or a static busybox binary on the runner copied into `FROM scratch`. */
export type Helper = { kind: 'image'; ref: string } | { kind: 'busybox'; file: string };

/**
 * busybox 1.34.1 (uclibc), pinned by digest: the reference BuildKit v0.32.2's own tests resolve
 * (`client/policy_test.go:1620`, `sourcepolicy/mutate_test.go:36`). It has `sh` and `tar`, and nothing else is used.
 */
export const DEFAULT_HELPER_IMAGE =
  'docker.io/library/busybox:1.34.1-uclibc@sha256:3614ca5eacf0a3a1bcc361c939202a974b4902b9334ff36eb29ffe9011aaad83';

/** The largest mount saved, unless `cache-mounts-max` says otherwise. */
export const DEFAULT_MOUNTS_MAX = 2 * 10 ** 9;

/** `cache-mounts`: none, auto, or directories (one a line or comma separated). A value or a problem. */
export function parseMountsSetting(text: string): { ok: true; value: MountsSetting } | { ok: false; problem: string } {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'none') return { ok: true, value: { kind: 'none' } };
  if (t.toLowerCase() === 'auto') return { ok: true, value: { kind: 'auto' } };
  const dirs = [
    ...new Set(
      t
        .split(/[\n,]/)
        .map((d) => d.trim().replace(/\/+$/, ''))
        .filter((d) => d !== '')
    )
  ];
  const bad = dirs.find((d) => !/^\/[A-Za-z0-9._/-]+$/.test(d) || d.split('/').includes('..'));
  if (bad !== undefined)
    return {
      ok: false,
      problem: `${JSON.stringify(bad)} is not an absolute directory inside the build (such as /root/.cache/pip); write none, auto, or envd's cache directories: ${ENVD_MOUNT_DIRS.join(', ')}`
    };
  return { ok: true, value: { kind: 'dirs', dirs } };
}

/** `cache-mounts-image`: an image reference, or a path (absolute or `./`) to a static busybox binary. */
export function parseHelper(text: string): Helper {
  const t = text.trim();
  if (t === '') return { kind: 'image', ref: DEFAULT_HELPER_IMAGE };
  return t.startsWith('/') || t.startsWith('./') ? { kind: 'busybox', file: t } : { kind: 'image', ref: t };
}

/** envd's environment name: the last element of the build path (`compile.go`, filepath.Base of the absolute path). */
export function envName(absolutePath: string): string {
  const parts = absolutePath.split('/').filter((p) => p !== '' && p !== '.');
  return parts[parts.length - 1] ?? '/';
}

/** The directories a setting keeps. */
export function mountDirs(setting: MountsSetting): readonly string[] {
  return setting.kind === 'auto' ? ENVD_MOUNT_DIRS : setting.kind === 'dirs' ? setting.dirs : [];
}

/** Every mount id the build may use: each directory for CPU and GPU. Restored by whichever has an entry. */
export function candidateIds(setting: MountsSetting, env: string): string[] {
  return mountDirs(setting).flatMap((dir) => FLAVOURS.map((f) => `${dir}/${env}-${f}`));
}

/** Whether a mount id belongs to the setting and environment (`<dir>/<env>-cpu|-gpu`). */
function isKept(setting: MountsSetting, env: string, id: string): boolean {
  return candidateIds(setting, env).includes(id);
}

/** One cache mount as `buildctl du --verbose` shows it. */
export interface MountRecord {
  /** The mount's id (what `--mount=type=cache,id=` or LLB's AsPersistentCacheDir named). */
  id: string;
  /** Bytes, as buildctl rounds them (two decimals of a decimal unit). */
  size: number;
  /** `Last used` as printed. */
  lastUsed: string;
}

/** tonistiigi/units decimal suffixes, as BuildKit v0.32.2's vendored `units/bytes.go` prints them with `%.2f`. */
const UNIT: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18 };

export function parseDuSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kMGTPE]?B)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNIT[m[2]]) : undefined;
}

/**
 * The mount id in a cache mount's description. BuildKit v0.32.2 `solver/llbsolver/mounts/mount.go:48-51` writes
 * `cached mount <target> from <manager>` and, when the id differs from the target, ` with id %q` (Go quoting).
 */
export function mountIdOf(description: string): string | undefined {
  const at = description.lastIndexOf(' with id "');
  if (at >= 0 && description.endsWith('"')) return unquoteGo(description.slice(at + ' with id '.length));
  const m = /^cached mount (\S+) from /.exec(description);
  return m?.[1];
}

function unquoteGo(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

/**
 * The cache mounts in `buildctl du --verbose`: BuildKit v0.32.2 `cmd/buildctl/diskusage.go:84-110` prints each
 * record as `Key:\tvalue` lines (ID, Parents, Created at, Mutable, Reclaimable, Shared, Size, Description,
 * Usage count, Last used, Type) and a blank line; cache mounts have `Type: exec.cachemount`
 * (`client/diskusage.go:86`). The summary lines after the records (`Reclaimable:`, `Total:`) have no ID.
 */
export function parseDiskUsage(text: string): MountRecord[] {
  const out: MountRecord[] = [];
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    if (fields.get('Type') !== 'exec.cachemount' || !fields.has('ID')) continue;
    const id = mountIdOf(fields.get('Description') ?? '');
    const size = parseDuSize(fields.get('Size') ?? '');
    if (id === undefined || size === undefined) continue;
    out.push({ id, size, lastUsed: fields.get('Last used') ?? '' });
  }
  return out;
}

/**
 * GitHub cache keys: `envd-mount-<scope>#<mount id>#<16 hex of the archive's sha256>[.<16 hex fingerprint>]`. `#`
 * never occurs in a scope (cache-scope's rule) and the key ends in the content hash and the fingerprint of what
 * the package steps that filled it depended on (`packageFingerprint`; keys saved before it have none), so the
 * newest of a mount and scope is found by the prefix up to the second `#`.
 */
export const MOUNT_KEY_PREFIX = 'envd-mount-';

export const mountKeyPrefix = (scope: string, id: string) => `${MOUNT_KEY_PREFIX}${scope}#${id}#`;
export const mountKey = (scope: string, id: string, sha256Hex: string, fingerprint?: string) =>
  `${mountKeyPrefix(scope, id)}${sha256Hex.slice(0, 16)}${fingerprint ? `.${fingerprint}` : ''}`;

export function parseMountKey(
  key: string
): { scope: string; id: string; hash: string; fingerprint?: string } | undefined {
  const m = /^envd-mount-([^#]+)#(\/[^#]+)#([0-9a-f]{16})(?:\.([0-9a-f]{16}))?$/.exec(key);
  if (!m) return undefined;
  return { scope: m[1], id: m[2], hash: m[3], ...(m[4] ? { fingerprint: m[4] } : {}) };
}

/**
 * The files a build.envd may name for its package steps (`requirements.txt`, `environment.yml`, a wheel): every
 * string literal that reads as a relative path inside the build directory. Which of them exist is the shell's
 * to find; a literal that is no file (a package name) changes nothing.
 */
export function namedFiles(buildFile: string): string[] {
  const out = new Set<string>();
  for (const m of buildFile.matchAll(/"([^"\n]{1,200})"|'([^'\n]{1,200})'/g)) {
    const p = (m[1] ?? m[2]).trim().replace(/^\.\//, '');
    if (/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(p) && !p.split('/').includes('..')) out.add(p);
  }
  return [...out].sort().slice(0, 64);
}

/** What the package steps of a build depend on, as read before it starts. */
export interface PackageInputs {
  /** The build file's text (`plan.envd.from`'s file). */
  buildFile: string;
  /** `--from`, `--platform`, the envd and BuildKit versions asked for, the build owner. */
  build: string[];
  /** Each named file that exists: its path and the sha256 of its content. */
  files: readonly { path: string; sha256: string }[];
}

/**
 * The fingerprint of what the package steps depend on: 16 hex of a sha256 over the build file, the files it
 * names and how envd is run. Equal fingerprints mean the same package steps with the same cache keys, as far as
 * the action can see before the build (a base image that moved under the same tag is not seen).
 */
export function packageFingerprint(p: PackageInputs): string {
  const h = createHash('sha256').update(JSON.stringify(['envd-mounts-1', p.build, p.buildFile]));
  for (const f of [...p.files].sort((a, b) => (a.path < b.path ? -1 : 1))) h.update(`\n${f.path}\0${f.sha256}`);
  return h.digest('hex').slice(0, 16);
}

/**
 * Whether the restore is skipped: a saved entry (found by the lookups, any mount) carries this build's
 * fingerprint. The run that saved it built the same package steps and wrote its layers (a mount is saved only by a
 * run that writes its cache), so with those layers imported every package step comes from the cache and no
 * mount is read: the download and the helper build are saved. The trade-off, said in the log: when a layer was
 * evicted since, a package step reruns without the previous files (it downloads again), and the mount is saved
 * afterwards as after any build that ran a step.
 */
export function restoreSkip(
  keys: readonly (string | undefined)[],
  fingerprint: string | undefined
): { skip: false } | { skip: true; key: string } {
  if (!fingerprint) return { skip: false };
  const key = keys.find((k) => k !== undefined && parseMountKey(k)?.fingerprint === fingerprint);
  return key ? { skip: true, key } : { skip: false };
}

/**
 * The Dockerfile frontend names a cache mount `<namespace>/<id>` (BuildKit v0.32.2
 * `frontend/dockerfile/dockerfile2llb/convert_runmount.go:119`, namespace empty by default): envd's id
 * `/root/.cache/pip/x` is written `root/.cache/pip/x` to reach the same mount.
 */
const dockerfileId = (id: string) => id.replace(/^\/+/, '');

/** A mount's directory name on the runner (its archive's place, restored and saved at the same path every run). */
export const slotOf = (id: string) => id.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');

/** How a helper RUN starts its shell, and how the script names tar, for each kind of helper. */
function shell(helper: Helper): { from: string[]; run: (script: string) => string; bin: string } {
  if (helper.kind === 'image')
    return { from: [`FROM ${helper.ref} AS dance`], run: (s) => `sh -c ${JSON.stringify(s)}`, bin: '' };
  return {
    from: ['FROM scratch AS dance', 'COPY busybox /bin/busybox'],
    run: (s) => JSON.stringify(['/bin/busybox', 'sh', '-c', s]),
    bin: '/bin/busybox '
  };
}

/**
 * A build arg that changes every run: the helper RUNs must run, never come from BuildKit's cache (a mount's
 * content is not part of a step's cache key). Not `--no-cache`: with it, buildkitd v0.32.2 was seen handing the
 * RUN an empty mount.
 */
export const NONCE_ARG = 'ENVD_CACHE_MOUNTS_NONCE';

/**
 * The restore build: each saved archive (context directory `<slot>/mount.tar`, slotOf) is unpacked into the mount
 * it came from. Mounts are shared, as envd mounts them.
 */
export function restoreDockerfile(helper: Helper, ids: readonly string[]): string {
  const sh = shell(helper);
  const runs = ids.map(
    (id, i) =>
      `RUN --mount=type=cache,id=${dockerfileId(id)},target=/m${i},sharing=shared --mount=type=bind,source=${slotOf(id)},target=/in${i} ${sh.run(`${sh.bin}tar -xf /in${i}/mount.tar -C /m${i}`)}`
  );
  return [...sh.from, `ARG ${NONCE_ARG}`, ...runs, ''].join('\n');
}

/** The save build: each mount is packed into `<slot>.tar` of the local output. */
export function saveDockerfile(helper: Helper, ids: readonly string[]): string {
  const sh = shell(helper);
  const runs = ids.map(
    (id, i) =>
      `RUN --mount=type=cache,id=${dockerfileId(id)},target=/m${i},sharing=shared ${sh.run(`${sh.bin}mkdir -p /out && ${sh.bin}tar -cf /out/${slotOf(id)}.tar -C /m${i} .`)}`
  );
  return [...sh.from, `ARG ${NONCE_ARG}`, ...runs, 'FROM scratch', 'COPY --from=dance /out/ /', ''].join('\n');
}

/** What the save step is told about one mount found after the build. */
export type SaveDecision =
  { id: string; size: number; save: true } | { id: string; size: number; save: false; reason: string; warn?: boolean };

export interface SaveContext {
  setting: MountsSetting;
  env: string;
  maxBytes: number;
}

/**
 * Whether the build can have changed a mount: only a step that ran (was not cached) mounts one. An unchanged warm
 * job, every step from the cache, reads nothing out. (buildkitd's own `Last used` is no signal: v0.32.2 was seen
 * moving it a few hundred ms after a build that used the mount had returned, with the mount already free.)
 */
export const mountsMayHaveChanged = (f: { cachedSteps: number; totalSteps: number }) =>
  f.totalSteps === 0 || f.cachedSteps < f.totalSteps;

/** Which mounts to save: the setting's mounts of this environment, not empty, and not over `cache-mounts-max` (warned). */
export function decideSaves(records: readonly MountRecord[], ctx: SaveContext): SaveDecision[] {
  const out: SaveDecision[] = [];
  for (const r of records) {
    if (!isKept(ctx.setting, ctx.env, r.id)) continue;
    const base = { id: r.id, size: r.size, save: false as const };
    if (r.size === 0) out.push({ ...base, reason: 'empty' });
    else if (r.size > ctx.maxBytes)
      out.push({
        ...base,
        warn: true,
        reason: `${formatSize(r.size)} is over cache-mounts-max (${formatSize(ctx.maxBytes)}); raise cache-mounts-max or keep fewer directories`
      });
    else out.push({ id: r.id, size: r.size, save: true });
  }
  return out;
}

/** What happened to one mount in this run: the `cache-mounts` output and the summary's rows. */
export interface MountFigure {
  id: string;
  restoredBytes?: number;
  restoreSeconds?: number;
  savedBytes?: number;
  saveSeconds?: number;
  /** Why it was not restored or saved, or what failed. */
  note?: string;
}

/** The `cache-mounts` output: JSON, `[]` without mounts. */
export const mountsJson = (figures: readonly MountFigure[] | undefined) => JSON.stringify(figures ?? []);

/** One log line: `<id>: restored 1.2 MB in 0.8 s`. */
export function formatMountLine(f: MountFigure, what: 'restored' | 'saved'): string {
  const bytes = what === 'restored' ? f.restoredBytes : f.savedBytes;
  const secs = what === 'restored' ? f.restoreSeconds : f.saveSeconds;
  if (bytes === undefined) return `${f.id}: ${f.note ?? `not ${what}`}`;
  return `${f.id}: ${what} ${formatSize(bytes)} in ${(secs ?? 0).toFixed(1)} s`;
}

/** The job summary's table of package caches (empty without any). Values pass through `cell`. */
export function mountsTable(figures: readonly MountFigure[] | undefined, cell: (text: string) => string): string {
  if (!figures?.length) return '';
  const n = (bytes?: number, secs?: number) =>
    bytes === undefined ? '–' : `${formatSize(bytes)} in ${(secs ?? 0).toFixed(1)} s`;
  const rows = figures.map(
    (f) =>
      `| ${cell(f.id)} | ${n(f.restoredBytes, f.restoreSeconds)} | ${n(f.savedBytes, f.saveSeconds)} | ${cell(f.note ?? '')} |`
  );
  return ['### Package caches', '', '| mount | restored | saved | note |', '|---|---|---|---|', ...rows, ''].join('\n');
}

/**
 * Package-cache entries a restore can no longer pick: all but the newest per ref, scope and mount (a restore takes
 * the newest prefix match). The newest stays on every ref, the default branch's included, like a live index.
 */
export function supersededMountEntries<E extends { id: number; key: string; ref: string; createdAt: number }>(
  entries: readonly E[]
): E[] {
  return allButNewest(entries, (e) => {
    const k = parseMountKey(e.key);
    return k && `${e.ref}\n${k.scope}\n${k.id}`;
  });
}
