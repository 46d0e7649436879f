/** scripts/release.mjs: what release.yml checks before it publishes a tag, and the notes it publishes. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../scripts/harness.mjs';
import { changelogSection, release } from '../scripts/release.mjs';

const CHANGELOG = `# Changelog

## [Unreleased]

### Fixed

- Something next.

## [1.2.3] - 2026-12-01

### Added

- A thing.

## [1.2.2] - 2026-11-01

- Older.

[1.2.3]: https://example.invalid/compare/v1.2.2...v1.2.3
`;
const pkg = (version: string) => JSON.stringify({ name: 'x', version });

describe('release', () => {
  test("a tag of package.json's version: its changelog section, the major tag, not a pre-release", () => {
    expect(release('v1.2.3', { packageJson: pkg('1.2.3'), changelog: CHANGELOG })).toEqual({
      notes: '### Added\n\n- A thing.',
      major: 'v1',
      prerelease: false
    });
    expect(changelogSection(CHANGELOG, '1.2.2')).toBe('- Older.');
  });

  test('a pre-release tag moves no major tag', () => {
    const changelog = CHANGELOG.replace('## [1.2.3]', '## [2.0.0-rc.1] - 2026-12-02\n\n- Soon.\n\n## [1.2.3]');
    expect(release('v2.0.0-rc.1', { packageJson: pkg('2.0.0-rc.1'), changelog })).toMatchObject({
      major: 'v2',
      prerelease: true,
      notes: '- Soon.'
    });
  });

  test.each([
    ['1.2.3', '1.2.3', 'is not a release tag: push one such as v1.2.3'],
    ['v1.2', '1.2.3', 'is not a release tag'],
    ['v1.2.4', '1.2.3', 'the tag v1.2.4 is not package.json\'s version 1.2.3: set "version": "1.2.4" in package.json'],
    ['v1.3.0', '1.3.0', 'CHANGELOG.md has no entries under "## [1.3.0]": move the Unreleased lines there']
  ])('%s with package.json %s is refused, saying what to do', (tag, version, message) => {
    expect(() => release(tag, { packageJson: pkg(version), changelog: CHANGELOG })).toThrow(message);
  });

  test('an empty section is refused', () => {
    expect(() =>
      release('v1.2.3', { packageJson: pkg('1.2.3'), changelog: '## [1.2.3] - 2026-12-01\n\n## [1.2.2]\n- x\n' })
    ).toThrow('CHANGELOG.md has no entries under "## [1.2.3]"');
  });
});

describe('this repository', () => {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');

  test("CHANGELOG.md keeps an Unreleased section and has one for package.json's version", () => {
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  });

  test('the script, as release.yml runs it: notes written, outputs printed; a wrong tag fails naming both versions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
    try {
      const notes = path.join(dir, 'notes.md');
      const ok = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'release.mjs'), `v${version}`, notes], {
        encoding: 'utf8'
      });
      expect(ok.stdout).toBe(`major=v${version.split('.')[0]}\nprerelease=false\n`);
      expect(fs.readFileSync(notes, 'utf8')).toBe(changelogSection(changelog, version) + '\n');
      const bad = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'release.mjs'), 'v99.0.0', notes], {
        encoding: 'utf8'
      });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain(`release: the tag v99.0.0 is not package.json's version ${version}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
