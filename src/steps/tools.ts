/** Which envd and BuildKit to use, installed into the tool cache (or found on PATH for envd-version: system). */
import * as core from '../io/runner.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import { parseBuildkitVersion } from '../builder/args.js';
import { Exec } from '../io/exec.js';
import { type Installed, Installer, InstallError, systemBuildkit, systemEnvd } from '../io/installer.js';
import { runnerPlatform } from '../tools/releases.js';

const DOWNLOAD_URL_ENV = 'ENVD_CACHE_ACTION_DOWNLOAD_URL';
const API_URL_ENV = 'ENVD_CACHE_ACTION_API_URL';

export interface Tools {
  envd: Installed;
  buildkit: Installed;
}

export async function installTools(inputs: Inputs, rt: Runtime, env: NodeJS.ProcessEnv, tempDir: string): Promise<Tools> {
  const platform = runnerPlatform(env.RUNNER_OS || process.platform, env.RUNNER_ARCH || process.arch);
  if (typeof platform === 'string') throw new InstallError(platform);
  const apiBase = env[API_URL_ENV] || 'https://api.github.com';
  // The GitHub token goes only to GitHub's own API, never to a mirror or to GHES for github.com releases.
  const token = !env[API_URL_ENV] && !rt.ghes ? inputs.githubToken || undefined : undefined;
  const installer = new Installer({
    platform,
    downloadBase: env[DOWNLOAD_URL_ENV] || 'https://github.com',
    apiBase,
    token,
    tempDir,
    retry: { attempts: 4, backoffMs: 1000, onRetry: (n, e) => core.info(`download attempt ${n} failed (${e.message}); trying again`) }
  });
  // The two are independent (a tool-cache look-up, a download, a version read): resolved at once, logged and
  // failed in the same order as one after the other (envd's problem first when both have one).
  const [envdResult, buildkitResult] = await Promise.allSettled([
    inputs.envdVersion === 'system' ? systemEnvd() : installer.envd(inputs.envdVersion),
    inputs.buildkitVersion === 'system'
      ? systemBuildkit(async () => parseBuildkitVersion((await Exec.run('buildkitd', ['--version'], { env })).stdout))
      : installer.buildkit(inputs.buildkitVersion)
  ]);
  if (envdResult.status === 'rejected') throw envdResult.reason;
  if (buildkitResult.status === 'rejected') throw buildkitResult.reason;
  const [envd, buildkit] = [envdResult.value, buildkitResult.value];
  core.info(`envd ${envd.tag}: ${envd.fromCache ? 'from the tool cache' : 'downloaded, checksum verified, cached'} (${envd.dir})`);
  core.info(`BuildKit ${buildkit.tag}: ${buildkit.fromCache ? 'from the tool cache' : 'downloaded, checksum verified, cached'} (${buildkit.dir})`);
  return { envd, buildkit };
}
