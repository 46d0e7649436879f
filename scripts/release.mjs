// What release.yml checks before it publishes a tag, and the notes it publishes:
//   node scripts/release.mjs <tag> <notes-file>
// The tag must be `v` + package.json's version, and CHANGELOG.md must have a section for that version with
// something in it; that section's text is written to <notes-file>. Prints GITHUB_OUTPUT lines: `major=v<N>` (the
// tag the release moves, as workflow authors pin `@v1`) and `prerelease=true|false` (a `-rc.1` style tag, which
// moves no major tag).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TAG = /^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** The section of `changelog` for `version` (Keep a Changelog: `## [1.2.3] - 2026-01-31`), without its heading. */
export function changelogSection(changelog, version) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## [${version}]`));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  // Up to the next version's heading, or the link definitions at the end.
  const end = rest.findIndex((l) => l.startsWith('## ') || /^\[[^\]]+\]: /.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
}

/** The release of `tag`: its notes, the major tag it moves, whether it is a pre-release. Throws what is wrong. */
export function release(tag, { packageJson, changelog }) {
  const m = TAG.exec(tag);
  if (!m)
    throw new Error(`the tag ${JSON.stringify(tag)} is not a release tag: push one such as v1.2.3 (or v1.2.3-rc.1)`);
  const version = tag.slice(1);
  const { version: pkg } = JSON.parse(packageJson);
  if (pkg !== version)
    throw new Error(
      `the tag ${tag} is not package.json's version ${pkg}: set "version": "${version}" in package.json (and package-lock.json) before tagging, or tag v${pkg}`
    );
  const notes = changelogSection(changelog, version);
  if (!notes)
    throw new Error(
      `CHANGELOG.md has no entries under "## [${version}]": move the Unreleased lines there before tagging ${tag}`
    );
  return { notes, major: `v${m[1]}`, prerelease: m[4] !== undefined };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [tag, notesFile] = process.argv.slice(2);
  try {
    if (!tag || !notesFile) throw new Error('usage: node scripts/release.mjs <tag> <notes-file>');
    const r = release(tag, {
      packageJson: fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
      changelog: fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')
    });
    fs.writeFileSync(notesFile, r.notes + '\n');
    console.log(`major=${r.major}`);
    console.log(`prerelease=${r.prerelease}`);
  } catch (e) {
    console.error(`release: ${e.message}`);
    process.exit(1);
  }
}
