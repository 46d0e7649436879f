/**
 * What each phase loads (the overhead bench measures its cost): no module in src/ imports @actions/core (its
 * OIDC client pulls @actions/http-client and undici into the bundle; src/io/runner.ts speaks the runner's
 * protocol instead), and what post.ts and index.ts import statically, followed through src/, reaches no
 * @actions/* package at all: post's usual path loads none.
 */
import { expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '../support/source-files.js';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Every module reached from `file` through static imports (`import … from`, `import '…'`), type-only ones aside. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*import\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    if (m[1]) continue;
    const spec = m[2];
    if (!spec.startsWith('.')) {
      seen.add(spec);
      continue;
    }
    const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
    if (seen.has(target)) continue;
    seen.add(target);
    staticGraph(target, seen);
  }
  return seen;
}

test('the graph reader follows static imports and skips type-only and dynamic ones (so the checks below can fail)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'a.ts'),
      "import { b } from './b.js';\nimport type { T } from '@actions/cache';\nexport const a = () => import('@actions/github');\n"
    );
    fs.writeFileSync(path.join(dir, 'b.ts'), "import * as core from '@actions/core';\nexport const b = core;\n");
    const graph = staticGraph(path.join(dir, 'a.ts'));
    expect(graph).toContain('@actions/core');
    expect(graph).not.toContain('@actions/cache');
    expect(graph).not.toContain('@actions/github');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no module in src/ imports @actions/core, statically or dynamically (use src/io/runner.ts)', () => {
  const files = sourceFiles(SRC);
  expect(files.length).toBeGreaterThan(20);
  const importing = files.filter((f) =>
    /(from\s+|import\s*\(\s*)['"]@actions\/core['"]/.test(fs.readFileSync(f, 'utf8'))
  );
  expect(importing.map((f) => path.relative(SRC, f))).toEqual([]);
});

test('post.ts and index.ts reach no @actions/* through static imports', () => {
  for (const entry of ['steps/post.ts', 'index.ts']) {
    const graph = staticGraph(path.join(SRC, entry));
    expect(graph.size).toBeGreaterThan(0);
    expect([...graph].filter((s) => s.startsWith('@actions/'))).toEqual([]);
  }
});
