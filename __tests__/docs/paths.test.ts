/**
 * Every source file a page or a comment names exists: a `folder/file.ts` (or `.mjs`) in README.md, CONTRIBUTING.md,
 * docs/ and src/ resolves against the naming file's folder (`./x.ts`, `../x.ts`), the repository, or src/. A file
 * that moves leaves no stale pointer behind (issue 25: `rest.ts` pointed at a deleted `src/budget/deletes.ts`).
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../scripts/harness.mjs';

/** `./x.ts`, `../a/x.mjs`, or `folder/…/x.ts` (one slash at least): not a package's (`@…`), not in a URL. */
const NAMED = /(?<![\w@/.:-])((?:\.\.?\/)+[\w.-]+(?:\/[\w.-]+)*\.(?:ts|mjs)|[a-z_][\w-]*(?:\/[\w.-]+)+\.(?:ts|mjs))\b/g;

/** The paths `text` names that resolve nowhere, as `line: path`. */
export function stalePaths(file: string, text: string, root = ROOT): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [, named] of line.matchAll(NAMED)) {
      const candidates = named.startsWith('.')
        ? [path.join(root, path.dirname(file), named)]
        : [path.join(root, named), path.join(root, 'src', named), path.join(root, path.dirname(file), named)];
      if (!candidates.some((c) => fs.existsSync(c))) out.push(`${file}:${i + 1}: ${named}`);
    }
  });
  return out;
}

function filesUnder(dir: string, ending: RegExp): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(rel, ending);
    return ending.test(e.name) ? [rel] : [];
  });
}

describe('named source paths', () => {
  const files = ['README.md', 'CONTRIBUTING.md', ...filesUnder('docs', /\.md$/), ...filesUnder('src', /\.ts$/)];

  test('every one exists', () => {
    const stale = files.flatMap((f) => stalePaths(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(stale).toEqual([]);
  });

  test('the checker finds what it must (it can fail)', () => {
    const text = [
      'see `io/http/client.ts` and src/steps/main.ts', // both exist
      'gone: src/budget/deletes.ts, ./node-request.ts', // neither
      "BuildKit's cache/remote.go, @actions/cache/lib/x.ts, https://x.io/a/b.ts" // not ours
    ].join('\n');
    expect(stalePaths('src/io/http/client.ts', text)).toEqual([
      'src/io/http/client.ts:2: src/budget/deletes.ts',
      'src/io/http/client.ts:2: ./node-request.ts'
    ]);
  });
});
