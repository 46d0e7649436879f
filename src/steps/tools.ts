/**
 * Which envd and BuildKit to use, installed into the tool cache (or found on PATH for envd-version: system).
 * A pinned version already in the tool cache is taken from there without loading the installer (and with it
 * @actions/tool-cache, @actions/core and their HTTP client): the warm job's usual case.
 */
import * as path from 'node:path';
import type { Runner } from '../io/runner.js';
import type { StepContext } from './context.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import { parseBuildkitVersion } from '../builder/args.js';
import { POLICIES } from '../http/policies.js';
import { Exec } from '../io/exec.js';
import type { Installed, Installer } from '../io/installer.js';
import { findCached } from '../io/tool-cache.js';
import { echo } from '../text/text.js';
import { runnerPlatform } from '../tools/releases.js';

const DOWNLOAD_URL_ENV = 'ENVD_CACHE_ACTION_DOWNLOAD_URL';
const API_URL_ENV = 'ENVD_CACHE_ACTION_API_URL';

export interface Tools {
  envd: Installed;
  buildkit: Installed;
}

const installerModule = () => import('../io/installer.js');

export async function installTools(
  { out, env }: Pick<StepContext, 'out' | 'env'>,
  inputs: Inputs,
  rt: Runtime,
  tempDir: string
): Promise<Tools> {
  const platform = runnerPlatform(env.RUNNER_OS || process.platform, env.RUNNER_ARCH || process.arch);
  if (typeof platform === 'string') throw new (await installerModule()).InstallError(platform);
  let installer: Promise<Installer> | undefined;
  // Loaded and made once, and only for a tool the tool cache does not hold.
  const installerFor = () =>
    (installer ??= installerModule().then(({ Installer }) => {
      const apiBase = env[API_URL_ENV] || 'https://api.github.com';
      // The GitHub token goes only to GitHub's own API, never to a mirror or to GHES for github.com releases.
      const token = !env[API_URL_ENV] && !rt.ghes ? inputs.githubToken || undefined : undefined;
      return new Installer({
        platform,
        downloadBase: env[DOWNLOAD_URL_ENV] || 'https://github.com',
        apiBase,
        token,
        tempDir,
        retry: {
          attempts: POLICIES.release.attempts,
          backoffMs: POLICIES.release.backoffMs,
          onRetry: (n, e) => out.info(`download attempt ${n} failed (${e.message}); trying again`)
        }
      });
    }));
  const cached = (tool: string, version: string) => findCached(env.RUNNER_TOOL_CACHE, tool, version, platform.arch);

  const envd = async (version: string): Promise<Installed> => {
    if (version === 'system') return (await installerModule()).systemEnvd(env);
    const dir = cached('envd', version);
    return dir ? { tag: version, dir, fromCache: true } : (await installerFor()).envd(version);
  };
  const buildkit = async (version: string): Promise<Installed> => {
    if (version === 'system') {
      const { systemBuildkit } = await installerModule();
      return systemBuildkit(env, async () =>
        parseBuildkitVersion((await Exec.run('buildkitd', ['--version'], { env })).stdout)
      );
    }
    // The release archive unpacks into bin/ (the installer's layout).
    const dir = cached('buildkit', version);
    return dir
      ? { tag: version, dir: path.join(dir, 'bin'), fromCache: true }
      : (await installerFor()).buildkit(version);
  };

  // The two are independent (a tool-cache look-up, a download, a version read): resolved at once, logged and
  // failed in the same order as one after the other (envd's problem first when both have one).
  const [envdResult, buildkitResult] = await Promise.allSettled([
    envd(inputs.envdVersion),
    buildkit(inputs.buildkitVersion)
  ]);
  if (envdResult.status === 'rejected') throw envdResult.reason;
  if (buildkitResult.status === 'rejected') throw buildkitResult.reason;
  return logTools(out, { envd: envdResult.value, buildkit: buildkitResult.value });
}

/** The lines "Install envd and BuildKit" shows for the tools found or installed, the same whoever found them. */
export function logTools(out: Runner, tools: Tools): Tools {
  for (const [name, t] of [
    ['envd', tools.envd],
    ['BuildKit', tools.buildkit]
  ] as const)
    out.info(
      `${name} ${t.tag}: ${t.fromCache ? 'from the tool cache' : 'downloaded, checksum verified, cached'} (${echo(t.dir)})`
    );
  return tools;
}

/**
 * Both tools, when both are pinned versions already in the tool cache (what `installTools` would take from
 * there); undefined otherwise. Reads two paths and writes nothing, to the log or elsewhere.
 */
export function cachedTools(inputs: Inputs, env: NodeJS.ProcessEnv): Tools | undefined {
  const platform = runnerPlatform(env.RUNNER_OS || process.platform, env.RUNNER_ARCH || process.arch);
  if (typeof platform === 'string') return undefined;
  const envd = findCached(env.RUNNER_TOOL_CACHE, 'envd', inputs.envdVersion, platform.arch);
  const buildkit = findCached(env.RUNNER_TOOL_CACHE, 'buildkit', inputs.buildkitVersion, platform.arch);
  if (!envd || !buildkit) return undefined;
  return {
    envd: { tag: inputs.envdVersion, dir: envd, fromCache: true },
    buildkit: { tag: inputs.buildkitVersion, dir: path.join(buildkit, 'bin'), fromCache: true }
  };
}
