import { describe, expect, test } from '@jest/globals';
import { versionAtLeast } from '../../src/backends/buildkit.js';
import { buildkitAssetName, checksumFor, envdAssetName, runnerPlatform } from '../../src/tools/releases.js';

describe('release assets', () => {
  test.each([
    ['v1.3.4', { os: 'linux', arch: 'amd64' }, 'envd_1.3.4_linux_amd64'],
    ['v1.3.4', { os: 'linux', arch: 'arm64' }, 'envd_1.3.4_linux_arm64'],
    ['v1.3.1', { os: 'darwin', arch: 'arm64' }, 'envd_1.3.1_darwin_arm64'],
    ['v1.3.0', { os: 'linux', arch: 'amd64' }, 'envd_1.3.0_Linux_x86_64'],
    ['v1.0.0', { os: 'darwin', arch: 'amd64' }, 'envd_1.0.0_Darwin_x86_64'],
    ['v0.3.40', { os: 'linux', arch: 'arm64' }, 'envd_0.3.40_Linux_arm64']
  ] as const)('envd %s on %j is %s (both GoReleaser naming schemes)', (tag, p, name) => {
    expect(envdAssetName(tag, p)).toBe(name);
  });

  test('BuildKit tarballs', () => {
    expect(buildkitAssetName('v0.32.2', { os: 'linux', arch: 'arm64' })).toBe('buildkit-v0.32.2.linux-arm64.tar.gz');
  });

  test('checksums.txt lookup', () => {
    const sums = `${'a'.repeat(64)}  envd_1.3.4_linux_amd64\n${'b'.repeat(64)}  envd_1.3.4_linux_arm64\n`;
    expect(checksumFor(sums, 'envd_1.3.4_linux_arm64')).toBe('b'.repeat(64));
    expect(checksumFor(sums, 'envd_1.3.4_darwin_all')).toBeUndefined();
  });

  test('runner platforms', () => {
    expect(runnerPlatform('Linux', 'X64')).toEqual({ os: 'linux', arch: 'amd64' });
    expect(runnerPlatform('macOS', 'ARM64')).toEqual({ os: 'darwin', arch: 'arm64' });
    expect(runnerPlatform('Windows', 'X64')).toMatch(/runner OS Windows is not supported/);
    expect(runnerPlatform('Linux', 'ARM')).toMatch(/architecture ARM is not supported/);
  });

  test('versions compare numerically (semver, as the version gates use it)', () => {
    expect(versionAtLeast('v0.20.0', '0.19.9')).toBe(true);
    expect(versionAtLeast('v1.3.0', '1.3.1')).toBe(false);
    expect(versionAtLeast('v0.100.0', '0.20.0')).toBe(true);
    expect(versionAtLeast('v0.20.0-rc1', '0.20.0')).toBe(true);
  });
});
