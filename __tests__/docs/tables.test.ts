/** The inputs and outputs tables of README.md and docs/reference.md are what `npm run docs` makes of action.yml. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionYml, ROOT } from '../../scripts/harness.mjs';
import { BLOCKS, renderTable, staleFiles } from '../../scripts/docs.mjs';

describe('generated tables', () => {
  test('no table drifted from action.yml (run npm run docs after editing action.yml)', () => {
    expect(staleFiles().map((s) => path.relative(ROOT, s.file))).toEqual([]);
  });

  test('docs/reference.md lists every input and output; the README the first ones, in action.yml order', () => {
    const yml = actionYml();
    const reference = fs.readFileSync(path.join(ROOT, 'docs', 'reference.md'), 'utf8');
    for (const name of [...Object.keys(yml.inputs), ...Object.keys(yml.outputs)])
      expect(reference).toContain(`| \`${name}\` |`);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const block of BLOCKS.filter((b) => b.file === 'README.md'))
      expect(readme).toContain(renderTable(yml, block.kind, block.names));
    expect(renderTable(yml, 'inputs', ['cache', 'path']).split('\n')[2]).toMatch(/^\| `path` \| `\.` \| /);
  });

  test('a drifted description is found (the check can fail)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-tables-'));
    try {
      fs.mkdirSync(path.join(root, 'docs'));
      for (const f of ['README.md', 'docs/reference.md']) fs.copyFileSync(path.join(ROOT, f), path.join(root, f));
      const yml = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
      fs.writeFileSync(
        path.join(root, 'action.yml'),
        yml.replace("description: 'Cache scope name used for this build'", "description: 'Another text'")
      );
      expect(
        staleFiles(root)
          .map((s) => path.relative(root, s.file))
          .sort()
      ).toEqual(['README.md', 'docs/reference.md']);
      expect(staleFiles(root).find((s) => s.file.endsWith('reference.md'))?.text).toContain(
        '| `cache-scope` | Another text |'
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
