/**
 * Where envd and BuildKit releases live and how their assets are named (envd-cli.md §9). Pure.
 * GoReleaser changed envd's naming in v1.3.1; BuildKit ships tarballs with bin/buildkitd and bin/buildctl.
 */
import semver from 'semver';

export type Os = 'linux' | 'darwin';
export type Arch = 'amd64' | 'arm64';

export interface Platform {
  os: Os;
  arch: Arch;
}

export const ENVD_REPO = 'tensorchord/envd';
export const BUILDKIT_REPO = 'moby/buildkit';

/** The runner's platform from RUNNER_OS/RUNNER_ARCH (or Node's), or a message saying what is unsupported. */
export function runnerPlatform(runnerOs: string, runnerArch: string): Platform | string {
  const os = ({ Linux: 'linux', macOS: 'darwin', linux: 'linux', darwin: 'darwin' } as Record<string, Os>)[runnerOs];
  const arch = ({ X64: 'amd64', ARM64: 'arm64', x64: 'amd64', arm64: 'arm64' } as Record<string, Arch>)[runnerArch];
  if (!os)
    return `runner OS ${runnerOs || 'unknown'} is not supported: envd and buildkitd run on Linux (and envd on macOS)`;
  if (!arch) return `runner architecture ${runnerArch || 'unknown'} is not supported: use an X64 or ARM64 runner`;
  return { os, arch };
}

/** envd's raw binary for a release: `envd_1.3.4_linux_amd64` (v1.3.1+) or `envd_1.3.0_Linux_x86_64` (older). */
export function envdAssetName(tag: string, p: Platform): string {
  const version = tag.replace(/^v/, '');
  const v = semver.coerce(tag);
  if (!v || semver.gte(v, '1.3.1')) return `envd_${version}_${p.os}_${p.arch}`;
  const os = p.os === 'linux' ? 'Linux' : 'Darwin';
  const arch = p.arch === 'amd64' ? 'x86_64' : 'arm64';
  return `envd_${version}_${os}_${arch}`;
}

export function buildkitAssetName(tag: string, p: Platform): string {
  return `buildkit-${tag}.${p.os}-${p.arch}.tar.gz`;
}

export function downloadUrl(base: string, repo: string, tag: string, asset: string): string {
  return `${base.replace(/\/+$/, '')}/${repo}/releases/download/${tag}/${asset}`;
}

/** `checksums.txt` lines are `<sha256>  <asset>`; returns the sha256 for the asset, if listed. */
export function checksumFor(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m && m[2] === asset) return m[1];
  }
  return undefined;
}
