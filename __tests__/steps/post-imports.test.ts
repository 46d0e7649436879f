/**
 * post's usual path loads no @actions/core (src/steps/post.ts; the overhead bench measures it): what post.ts
 * and index.ts import statically, followed through src/, never reaches it. core is only imported dynamically.
 */
import { expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

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

test('the graph reader sees core where main imports it (so the check below can fail)', () => {
  expect(staticGraph(path.join(SRC, 'steps', 'main.ts'))).toContain('@actions/core');
});

test('post.ts and index.ts reach no @actions/core through static imports', () => {
  for (const entry of ['steps/post.ts', 'index.ts']) {
    const graph = staticGraph(path.join(SRC, entry));
    expect(graph.size).toBeGreaterThan(0);
    expect([...graph].filter((s) => s.startsWith('@actions/'))).toEqual([]);
  }
});
