/**
 * What the build needs before its first log line, started early when it can be: the private work dir, whether
 * buildkitd can run as root, the tools when the tool cache holds them, and builder: auto's buildkitd (found or
 * spawned). Main starts it while the budget is read (issue 13: REST time spent while buildkitd starts is hidden);
 * the build then shows the same groups and lines as if it had done the work itself.
 */
import {
  type BuilderHandle,
  findShared,
  newDaemonDir,
  recordsDir,
  rootViaAsync,
  type RootVia,
  type SharedLookup,
  spawnBuildkitd,
  type StartOptions
} from '../io/buildkit/builder.js';
import type { SharedWish } from '../builder/shared.js';
import { createWorkDir } from '../io/dirs.js';
import { envdEnv } from '../io/envd.js';
import type { Inputs } from '../inputs/inputs.js';
import { StateKey, type StateStore } from '../state.js';
import { cachedTools, type Tools } from './tools.js';

const READY_TIMEOUT_ENV = 'ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT';

/** How long the build waits for buildkitd to answer (ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT seconds, 60 by default). */
export const readyTimeoutOf = (env: NodeJS.ProcessEnv): number => Number(env[READY_TIMEOUT_ENV] || 60) * 1000;

/** The private work dir (short: buildkitd's socket may live under it), recorded in state for post. */
export function workDir(env: NodeJS.ProcessEnv, state: StateStore): string {
  const dir = createWorkDir(env);
  state.save(StateKey.WorkDir, dir);
  return dir;
}

/** builder: auto — the buildkitd this call uses: one an earlier call in the job started, or its own, spawned. */
export interface AutoStart {
  h: BuilderHandle;
  /** Set for a buildkitd this call spawned (not awaited yet). */
  own?: StartOptions;
  wish: SharedWish;
  notReused: SharedLookup['notReused'];
}

/** Finds a buildkitd to reuse, or spawns one (recorded in state at once, so post stops it whatever happens). Logs nothing. */
export async function startAuto(o: {
  tools: Tools;
  inputs: Inputs;
  env: NodeJS.ProcessEnv;
  toolEnv: NodeJS.ProcessEnv;
  configInline: string;
  readyTimeoutMs: number;
  rootVia?: Promise<RootVia>;
  state: StateStore;
}): Promise<AutoStart> {
  // One buildkitd per job: a later call uses the one an earlier call started when it is the same
  // (the action's own per-call config lines, e.g. for cache: local, are not part of the comparison).
  const wish = {
    version: o.tools.buildkit.tag,
    flags: o.inputs.buildkitdFlags,
    config: o.inputs.buildkitdConfigInline
  };
  const shared = await findShared(recordsDir(o.env), wish, o.tools.buildkit.dir, o.toolEnv);
  if (shared.handle) {
    o.state.save(StateKey.Builder, JSON.stringify(shared.handle));
    return { h: shared.handle, wish, notReused: shared.notReused };
  }
  const own = {
    binDir: o.tools.buildkit.dir,
    workDir: newDaemonDir(o.env),
    configInline: o.configInline,
    flags: o.inputs.buildkitdFlags,
    readyTimeoutMs: o.readyTimeoutMs,
    env: o.toolEnv
  };
  const h = spawnBuildkitd({ ...own, rootVia: await o.rootVia });
  h.version = o.tools.buildkit.tag;
  // Recorded before the wait, so that post stops it whatever happens next.
  o.state.save(StateKey.Builder, JSON.stringify(h));
  return { h, own, wish, notReused: shared.notReused };
}

/** What was started before the build; `build()` uses it in place of doing the same itself. */
export interface CachedBuilderStart {
  dir: string;
  rootVia: Promise<RootVia>;
  tools: Tools;
  /** Its error (a failed spawn) is reported where the build awaits it, in "Start the builder". */
  start: Promise<AutoStart>;
}

/**
 * builder: auto with both tools in the tool cache: the work dir made, the root question asked and buildkitd
 * found or spawned now, writing nothing to the log. Undefined (nothing started) otherwise: the build then
 * installs the tools with its download lines and starts the builder itself. The caller decides whether the
 * build will run at all (a build, not a dry run, no problems in the plan so far, no cache: local, which starts
 * its builder early on its own); what was started is in state from here on, so post stops and removes it
 * even when main stops before the build.
 */
export function startCachedBuilder(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  state: StateStore
): CachedBuilderStart | undefined {
  if (inputs.builder.kind !== 'auto') return undefined;
  const tools = cachedTools(inputs, env);
  if (!tools) return undefined;
  const dir = workDir(env, state);
  const rootVia = rootViaAsync();
  const toolEnv = envdEnv(env, [tools.envd.dir, tools.buildkit.dir]);
  const configInline = inputs.buildkitdConfigInline;
  const start = startAuto({
    tools,
    inputs,
    env,
    toolEnv,
    configInline,
    readyTimeoutMs: readyTimeoutOf(env),
    rootVia,
    state
  });
  start.catch(() => undefined); // awaited, and its error reported, by the build; unhandled if main stops first
  return { dir, rootVia, tools, start };
}
