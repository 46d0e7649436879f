/**
 * Installs envd and BuildKit into the runner's tool cache: the release resolved (a tag or `latest`), the
 * asset downloaded with retries, its sha256 verified (envd: checksums.txt; BuildKit: the digest GitHub
 * publishes per release asset), then cached so later jobs on the runner skip the download.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCached } from './tool-cache.js';
import { POLICIES } from '../http/policies.js';
import { ms } from './deadlines.js';
import { GITHUB_JSON, Http, type Parsed, type RetryPolicy } from './http/client.js';
import {
  BUILDKIT_REPO,
  buildkitAssetName,
  checksumFor,
  downloadUrl,
  ENVD_REPO,
  envdAssetName,
  type Platform
} from '../tools/releases.js';

export interface InstallerOptions {
  platform: Platform;
  /** Where release assets are downloaded from (github.com, or a mirror). */
  downloadBase: string;
  /** The REST API that knows those releases (api.github.com, or a mirror). */
  apiBase: string;
  /** Sent to the API to resolve `latest` and read digests without the anonymous rate limit. */
  token?: string;
  retry: RetryPolicy;
  /** A temporary directory for downloads. */
  tempDir: string;
}

export interface Installed {
  tag: string;
  /** The directory that holds the executables. */
  dir: string;
  fromCache: boolean;
}

export class InstallError extends Error {}

interface Release {
  tag_name: string;
  assets: { name: string; digest?: string | null; browser_download_url?: string }[];
}

/** A release as the API answers it: a tag, and assets with a name (and a digest since 2025). */
function parseRelease(value: unknown): Parsed<Release> {
  const r = value as { tag_name?: unknown; assets?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.tag_name !== 'string' || r.tag_name === '')
    return { ok: false, reason: 'not a release (no tag_name)' };
  if (
    !Array.isArray(r.assets) ||
    !r.assets.every((a) => a && typeof a === 'object' && typeof (a as { name?: unknown }).name === 'string')
  )
    return { ok: false, reason: `not a release (the assets of ${r.tag_name} are not a list of named files)` };
  return { ok: true, value: r as Release };
}

const sha256File = async (file: string) => {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

const toolCache = () => import('@actions/tool-cache');

export class Installer {
  constructor(
    private readonly options: InstallerOptions,
    private readonly http = new Http({
      timeoutMs: ms(POLICIES.release.requestMs),
      service: { name: 'The release server', without: 'the tools cannot be downloaded' }
    })
  ) {}

  private headers(): Record<string, string> {
    return this.options.token ? { Authorization: `token ${this.options.token}` } : {};
  }

  private async release(repo: string, version: string): Promise<Release> {
    const url = `${this.options.apiBase.replace(/\/+$/, '')}/repos/${repo}/releases/${version === 'latest' ? 'latest' : `tags/${version}`}`;
    const r = await this.http.getJson(url, parseRelease, {
      headers: { ...GITHUB_JSON, ...this.headers() },
      policy: this.options.retry
    });
    if (r.ok) return r.value;
    if (r.failure.status === 404) throw new InstallError(`${repo} has no release ${version}; check the version input`);
    throw new InstallError(`cannot read the ${repo} release ${version}: ${r.reason}`);
  }

  private async fetch(url: string, name: string): Promise<string> {
    const dest = path.join(this.options.tempDir, `${Date.now()}-${name}`);
    const r = await this.http.download(url, dest, { policy: this.options.retry });
    if (r.ok) return dest;
    if (r.failure.status === 404)
      throw new InstallError(
        `${url} does not exist (404): check the version input (envd-version or buildkit-version), or that release has no build for this platform`
      );
    throw new InstallError(`download of ${url} failed: ${r.reason}`);
  }

  private async verify(file: string, asset: string, expected: string | undefined, source: string): Promise<void> {
    if (!expected)
      throw new InstallError(`cannot verify ${asset}: ${source} publishes no checksum for it; pin a version that does`);
    const actual = await sha256File(file);
    if (actual !== expected) {
      fs.rmSync(file, { force: true });
      throw new InstallError(
        `checksum mismatch for ${asset}: expected ${expected} (${source}), got ${actual}; the download was discarded`
      );
    }
  }

  /** `version`: a tag (v1.3.4), or `latest`. */
  async envd(version: string): Promise<Installed> {
    const tag = version === 'latest' ? (await this.release(ENVD_REPO, 'latest')).tag_name : version;
    const bare = tag.replace(/^v/, '');
    const cached = findCached(process.env.RUNNER_TOOL_CACHE, 'envd', bare, this.options.platform.arch);
    if (cached) return { tag, dir: cached, fromCache: true };
    const asset = envdAssetName(tag, this.options.platform);
    const file = await this.fetch(downloadUrl(this.options.downloadBase, ENVD_REPO, tag, asset), asset);
    const checksums = await this.http.getText(downloadUrl(this.options.downloadBase, ENVD_REPO, tag, 'checksums.txt'), {
      policy: this.options.retry
    });
    if (!checksums.ok) throw new InstallError(`cannot read checksums.txt of envd ${tag}: ${checksums.reason}`);
    await this.verify(file, asset, checksumFor(checksums.value, asset), 'checksums.txt');
    fs.chmodSync(file, 0o755);
    const dir = await (await toolCache()).cacheFile(file, 'envd', 'envd', bare, this.options.platform.arch);
    return { tag, dir, fromCache: false };
  }

  async buildkit(version: string): Promise<Installed> {
    const latest = version === 'latest' ? await this.release(BUILDKIT_REPO, 'latest') : undefined;
    const tag = latest?.tag_name ?? version;
    const bare = tag.replace(/^v/, '');
    const cached = findCached(process.env.RUNNER_TOOL_CACHE, 'buildkit', bare, this.options.platform.arch);
    if (cached) return { tag, dir: path.join(cached, 'bin'), fromCache: true };
    const release = latest ?? (await this.release(BUILDKIT_REPO, tag));
    const asset = buildkitAssetName(tag, this.options.platform);
    const digest = release.assets.find((a) => a.name === asset)?.digest ?? undefined;
    const file = await this.fetch(downloadUrl(this.options.downloadBase, BUILDKIT_REPO, tag, asset), asset);
    await this.verify(file, asset, digest?.replace(/^sha256:/, ''), 'the release API');
    const tc = await toolCache();
    const extracted = await tc.extractTar(file, path.join(this.options.tempDir, `buildkit-${bare}`));
    const dir = await tc.cacheDir(extracted, 'buildkit', bare, this.options.platform.arch);
    return { tag, dir: path.join(dir, 'bin'), fromCache: false };
  }
}

/**
 * The executable `name` in the first directory of `env`'s PATH that holds one (a file with an execute bit), as a
 * shell finds it. The step's environment, not the process's: a test hands its own PATH.
 */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).isFile()) {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      }
    } catch {
      // not there, or not executable: the next directory
    }
  }
  return undefined;
}

/** `envd-version: system`: the envd on PATH. */
export function systemEnvd(env: NodeJS.ProcessEnv): Installed {
  const found = onPath('envd', env);
  if (!found)
    throw new InstallError(
      'envd-version is system, but no envd is on PATH; install it in an earlier step or use a version'
    );
  return { tag: 'system', dir: path.dirname(found), fromCache: true };
}

/** `buildkit-version: system`: buildkitd and buildctl on PATH, with the version buildkitd reports. */
export async function systemBuildkit(
  env: NodeJS.ProcessEnv,
  version: () => Promise<string | undefined>
): Promise<Installed> {
  const found = onPath('buildkitd', env);
  const ctl = onPath('buildctl', env);
  if (!found || !ctl)
    throw new InstallError(
      'buildkit-version is system, but buildkitd and buildctl are not both on PATH; install them in an earlier step or use a version'
    );
  if (path.dirname(found) !== path.dirname(ctl))
    throw new InstallError(
      `buildkitd (${found}) and buildctl (${ctl}) are in different directories; put them side by side`
    );
  return { tag: (await version()) ?? 'system', dir: path.dirname(found), fromCache: true };
}
