/**
 * scripts/check-imports.mjs, the import check of `npm test`: on small trees written here, it finds a cycle (type-only
 * imports included), an import up the layering, an import between peers, a folder the layering does not name, and
 * says nothing about a clean tree. Last, src/ itself passes.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check, importsOf } from '../scripts/check-imports.mjs';

const SCRIPT = path.resolve(import.meta.dirname, '..', 'scripts', 'check-imports.mjs');
const LAYERS = [['steps'], ['plan'], ['inputs', 'report'], ['text']];
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-imports-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Writes a tree of files (path → text) into a fresh directory and returns it. */
function tree(name: string, files: Record<string, string>): string {
  const root = path.join(temp, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

const CLEAN = {
  'steps/main.ts':
    "import { plan } from '../plan/plan.js';\nimport { echo } from '../text/text.js';\nexport const main = () => echo(plan());\n",
  'plan/plan.ts':
    "import type { Inputs } from '../inputs/inputs.js';\nimport { line } from '../report/line.js';\nexport const plan = (i?: Inputs) => line(String(i));\n",
  'plan/parts.ts': "export { plan } from './plan.js';\n",
  'inputs/inputs.ts': 'export interface Inputs { path: string }\n',
  'report/line.ts': "import { echo } from '../text/text.js';\nexport const line = (s: string) => echo(s);\n",
  'text/text.ts': "import { sep } from 'node:path';\nexport const echo = (s: string) => `${s}${sep}`;\n"
};

describe('check-imports', () => {
  it('reads static, re-export, dynamic and type-only imports, and ignores packages', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { b } from '../b.js';",
      "export * from './c.js';",
      "export type { D } from './d.js';",
      "const e = await import('./e.js');",
      "type F = import('./f.js').F;",
      "import * as fs from 'node:fs';",
      "import semver from 'semver';"
    ].join('\n');
    expect(importsOf(text, 'x/y.ts')).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js']);
  });

  it('passes a clean tree and counts it', () => {
    const result = check(tree('clean', CLEAN), { layers: LAYERS, known: {} });
    expect(result.problems).toEqual([]);
    expect(result.figures).toEqual({
      files: 6,
      imports: 6,
      cycles: 0,
      filesInCycles: 0,
      upwardImports: 0,
      knownUpward: 0,
      unlayered: 0
    });
  });

  it('finds a cycle through a type-only import, with one way round it', () => {
    const root = tree('cycle', {
      ...CLEAN,
      'inputs/inputs.ts':
        "import type { Plan } from './plan-view.js';\nexport interface Inputs { path: string; plan?: Plan }\n",
      'inputs/plan-view.ts': "import type { Inputs } from './inputs.js';\nexport interface Plan { inputs: Inputs }\n"
    });
    const result = check(root, { layers: LAYERS, known: {} });
    expect(result.cycles).toEqual([['inputs/inputs.ts', 'inputs/plan-view.ts']]);
    expect(result.figures).toMatchObject({ cycles: 1, filesInCycles: 2 });
    expect(result.problems).toEqual([
      'import cycle (2 files): inputs/inputs.ts → inputs/plan-view.ts → inputs/inputs.ts'
    ]);
  });

  it('finds an import up the layering and one between peers', () => {
    const root = tree('upward', {
      ...CLEAN,
      'plan/limits.ts': 'export const MAX = 64;\n',
      'inputs/inputs.ts':
        "import { MAX } from '../plan/limits.js';\nexport interface Inputs { path: string }\nexport const max = MAX;\n",
      'report/line.ts':
        "import type { Inputs } from '../inputs/inputs.js';\nexport const line = (s: string, _i?: Inputs) => s;\n"
    });
    const result = check(root, { layers: LAYERS, known: {} });
    expect(result.problems).toEqual([
      'inputs/inputs.ts → plan/limits.ts: imports from a higher layer',
      'report/line.ts → inputs/inputs.ts: imports a peer folder of the same layer'
    ]);
    expect(result.figures).toMatchObject({ cycles: 0, upwardImports: 2 });
  });

  it('lets a known upward import pass, and fails once it is gone from the code', () => {
    const root = tree('known', {
      ...CLEAN,
      'text/text.ts':
        "import type { Inputs } from '../inputs/inputs.js';\nexport const echo = (s: string | Inputs) => String(s);\n"
    });
    const known = { 'text/text.ts → inputs/inputs.ts': 'a reason' };
    expect(check(root, { layers: LAYERS, known }).problems).toEqual([]);
    expect(check(root, { layers: LAYERS, known }).figures).toMatchObject({ upwardImports: 1, knownUpward: 1 });
    expect(check(tree('known-gone', CLEAN), { layers: LAYERS, known }).problems).toEqual([
      'text/text.ts → inputs/inputs.ts: listed in KNOWN_UPWARD but no longer imported; delete its line'
    ]);
  });

  it('fails on a folder the layering does not name', () => {
    const root = tree('unlayered', {
      ...CLEAN,
      'extra/thing.ts': "import { echo } from '../text/text.js';\nexport const x = echo('x');\n"
    });
    expect(check(root, { layers: LAYERS, known: {} }).problems).toEqual([
      'extra/thing.ts: its folder is not in the layering (add it to LAYERS in scripts/check-imports.mjs and to CONTRIBUTING.md)'
    ]);
  });

  it('passes on src/, and prints its figures with --report', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--report'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^imports in src: \d+ files, \d+ imports; 0 cycles, 0 files in cycles; \d+ imports against the layering \(\d+ of them known, KNOWN_UPWARD\); 0 files outside it\n$/
    );
  });

  it('exits 1 and names the problem on a bad tree', () => {
    const root = tree('cli-bad', {
      ...CLEAN,
      'text/text.ts': "import { line } from '../report/line.js';\nexport const echo = (s: string) => line(s);\n"
    });
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('import cycle (2 files): report/line.ts → text/text.ts → report/line.ts');
    expect(run.stderr).toContain('text/text.ts → report/line.ts: imports from a higher layer');
  });
});
