/** Every relative link and #anchor in README.md, CONTRIBUTING.md and docs/ resolves, and every fence is closed. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../scripts/harness.mjs';
import { anchors, links, type Page, pages, readPage, slug } from '../support/markdown.js';

/**
 * Pages other branches of this release add (issues 20, 21, 26). A link to one of them is accepted while the file
 * is absent; once it exists its anchors are checked like any other. Empty this list when they have landed.
 */
const ARRIVING = new Set<string>();

const all = pages();
const byFile = new Map(all.map((p) => [p.file, p]));

/** Why a relative link from `page` does not resolve, or undefined. */
function broken(page: Page, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:
  const [file, anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved =
    file === '' ? page.file : path.posix.normalize(path.posix.join(path.posix.dirname(page.file), decodeURI(file)));
  if (resolved.startsWith('..')) return `${target} leaves the repository`;
  if (file !== '' && !fs.existsSync(path.join(ROOT, resolved)))
    return ARRIVING.has(resolved) ? undefined : `${resolved} does not exist`;
  if (anchor === undefined) return undefined;
  const into =
    file === ''
      ? page
      : (byFile.get(resolved) ??
        (resolved.endsWith('.md')
          ? readPage(resolved, fs.readFileSync(path.join(ROOT, resolved), 'utf8'))
          : undefined));
  if (!into) return `${target}: an anchor into a file that is not Markdown`;
  return anchors(into).has(anchor) ? undefined : `${resolved} has no heading with the anchor #${anchor}`;
}

describe('documentation links', () => {
  test('the pages are found', () => {
    expect(all.map((p) => p.file)).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/backends.md', 'docs/troubleshooting.md'])
    );
  });

  test.each(all.map((p) => [p.file, p] as const))('%s: every relative link resolves', (_, page) => {
    const problems = links(page)
      .map((l) => ({ l, why: broken(page, l.target) }))
      .filter((x) => x.why)
      .map((x) => `${page.file}:${x.l.line}: ${x.why}`);
    expect(problems).toEqual([]);
  });

  test.each(all.map((p) => [p.file, p] as const))('%s: every fenced block is closed', (_, page) => {
    expect(page.fences.filter((f) => !f.closed).map((f) => `${page.file}:${f.line}`)).toEqual([]);
  });

  test('the checker finds what it must (it can fail)', () => {
    const page = readPage(
      'docs/x.md',
      '# Title\n\n## `gha` (default)\n\n[a](#gha-default) [b](#nope) [c](missing.md) [d](../README.md#why) `[e](#in-code)`\n\n```md\n[f](#in-fence)\n```\n'
    );
    expect(links(page).map((l) => broken(page, l.target))).toEqual([
      undefined,
      'docs/x.md has no heading with the anchor #nope',
      'docs/missing.md does not exist',
      undefined
    ]);
    expect(slug('Image user (`ENVD_BUILD_OWNER`) and tag')).toBe('image-user-envd_build_owner-and-tag');
    expect(slug('Registry on ghcr.io')).toBe('registry-on-ghcrio');
    expect(readPage('x.md', '```markdown\n### a\n').fences[0].closed).toBe(false);
    expect(readPage('x.md', '```markdown\n### a\n\n```text\nb\n```\n').fences[0].closed).toBe(false);
  });
});
