/**
 * The auto scope: one name per build, identical on every branch (GitHub isolates refs itself and BuildKit's
 * gha importer reads the same name from every readable ref) and in every workflow and job. It says what is built
 * (path/from, platform, matrix entry), not who builds it, so a pull-request workflow of its own reads what the
 * default branch's workflow wrote, and two jobs that build the same thing share one cache. Short, readable,
 * sanitized and stable.
 */
import { createHash } from 'node:crypto';
import { echo } from '../text/text.js';
import type { Runtime } from '../runtime/runtime.js';

export interface ScopeParts {
  /** Canonical matrix JSON or plain text. */
  matrix?: string;
  platform?: string;
  path: string;
  /** `<file>:<function>`. */
  from: string;
}

export const MAX_SCOPE = 64;

/**
 * A name fit for a cache scope, key or registry tag: lowercase `[a-z0-9._-]`, runs of anything else one `-`, no
 * separator at either end; cut to `room` characters (and its separators at the cut dropped) when given.
 */
export function sanitize(text: string, room = Infinity): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, room)
    .replace(/[-._]+$/, '');
}

/** The matrix entry's values in key order: {"os":"ubuntu","py":"3.11"} → ["ubuntu", "3.11"]. */
function matrixWords(matrix: string | undefined): string[] {
  if (!matrix) return [];
  try {
    const value: unknown = JSON.parse(matrix);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return Object.values(value).map((v) => (typeof v === 'object' ? '' : String(v)));
    return [String(value)];
  } catch {
    return [matrix];
  }
}

function normalizePath(path: string): string {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '');
  return p === '' ? '.' : p;
}

/** The room the family word may take of a scope. */
const MAX_FAMILY = 24;

/**
 * The first word of an auto scope, from what is built: the build directory's name (`envd` for the workspace
 * itself), then the file and function when they are not envd's defaults. Every leg of one matrix shares it
 * (they differ in the matrix entry and platform only): the budget counts the scopes that start with it as the
 * legs of one matrix (src/budget/budget.ts legPlanFor).
 */
export function scopeFamily(path: string, from: string): string {
  const dir = normalizePath(path);
  const [file, func] = splitFrom(from);
  const words = [
    dir === '.' ? 'envd' : dir.slice(dir.lastIndexOf('/') + 1),
    file === 'build.envd' ? '' : file.replace(/\.envd$/, ''),
    func === 'build' ? '' : func
  ];
  return sanitize(words.filter((w) => w !== '').join('-'), MAX_FAMILY) || 'envd';
}

/** `build.envd:build` → [`build.envd`, `build`]; the function is after the last colon. */
function splitFrom(from: string): [string, string] {
  const at = from.lastIndexOf(':');
  return at < 0 ? [from, ''] : [from.slice(0, at), from.slice(at + 1)];
}

export function autoScope(parts: ScopeParts): string {
  const identity = JSON.stringify([parts.matrix ?? '', parts.platform ?? '', normalizePath(parts.path), parts.from]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8);
  const words = [scopeFamily(parts.path, parts.from), ...matrixWords(parts.matrix), parts.platform ?? '']
    .map((w) => sanitize(w))
    .filter((w) => w !== '');
  const readable = sanitize(words.join('-'), MAX_SCOPE - hash.length - 1) || 'envd';
  return `${readable}-${hash}`;
}

/** What envd builds when it is given no --platform, on every host (envd v1.3.4 pkg/builder/build.go:383-387). */
const ENVD_DEFAULT_PLATFORM = 'linux/amd64';

export interface Platform {
  /** envd's --platform: the platform input, else the runner's architecture, else none (envd's default). */
  envd?: string;
  /** The platform part of the auto scope. */
  scope?: string;
  /** In words, for the scope decision. */
  why: string;
}

/**
 * The effective platform: an explicit `platform` input wins; otherwise the runner's (RUNNER_ARCH), because
 * envd alone compiles linux/amd64 everywhere and an arm64 runner then fails its RUN steps.
 *
 * The scope takes the effective platform, with one exception that keeps existing caches warm: the runner's
 * linux/amd64 is left out of it, exactly as before this default existed. Every build that had no platform
 * was a linux/amd64 build (envd's default), so an X64 runner's scope stays byte-identical to what it was
 * and names the same layers; an arm64 or arm runner gets its platform in the scope, so its legs never
 * share one with amd64 (its earlier, platform-less scope held amd64 layers it could not run anyway). An
 * explicit platform input is part of the scope as written, as it always was.
 */
export function platformOf(input: string | undefined, rt: Pick<Runtime, 'runnerArch' | 'runnerPlatform'>): Platform {
  if (input) return { envd: input, scope: input, why: `${input}, the platform input` };
  const arch = rt.runnerArch && `RUNNER_ARCH=${echo(rt.runnerArch, 40)}`;
  if (rt.runnerPlatform === ENVD_DEFAULT_PLATFORM)
    return {
      envd: rt.runnerPlatform,
      why: `${rt.runnerPlatform} from ${arch}, envd's own default, so the scope leaves it out and stays what it was without a platform`
    };
  if (rt.runnerPlatform)
    return { envd: rt.runnerPlatform, scope: rt.runnerPlatform, why: `${rt.runnerPlatform} from ${arch}` };
  return {
    why: `none: ${arch ? `${arch} has no envd platform` : 'RUNNER_ARCH is not set'}, so envd builds its default ${ENVD_DEFAULT_PLATFORM}`
  };
}
