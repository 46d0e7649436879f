/**
 * The folders show what is pure (CONTRIBUTING.md "Folder map"): ESLint keeps effects out of the core. These
 * tests prove the rule fires on each kind of effect, stays quiet in the shell, keeps Node's built-ins but
 * node:path out of orchestration (src/steps/), and that no folder under src/ escapes the classification (a new folder must be named in eslint.config.js CORE, or be io/ or steps/).
 */
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });
const SHELL = ['io', 'steps'];

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('the core stays pure', () => {
  const effects: [string, string][] = [
    ['node:fs', "import * as fs from 'node:fs';\nexport const x = fs;\n"],
    ['fs without the node: prefix', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n"],
    ['node:child_process', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n"],
    ['node:net', "import * as net from 'node:net';\nexport const x = net;\n"],
    ['node:os', "import * as os from 'node:os';\nexport const x = os;\n"],
    ['@actions/core', "import * as core from '@actions/core';\nexport const x = core;\n"],
    ['@actions/github', "import { getOctokit } from '@actions/github';\nexport const x = getOctokit;\n"],
    ['the shell', "import { Exec } from '../io/exec.js';\nexport const x = Exec;\n"],
    [
      'the shell, a type only',
      "import type { OciServer } from '../io/local/oci-server.js';\nexport type X = OciServer;\n"
    ],
    ['orchestration', "import type { MainDeps } from '../steps/main.js';\nexport type X = MainDeps;\n"],
    ['fetch', "export const x = () => fetch('https://example.invalid');\n"],
    ['process', 'export const x = () => process.env.HOME;\n']
  ];
  it.each(effects)('lint fails on %s in a core folder', async (_, code) => {
    expect((await ruleIds('src/plan/probe.ts', code)).filter((id) => /no-restricted/.test(id))).toHaveLength(1);
  });

  it.each(['src/budget/probe.ts', 'src/report/probe.ts', 'src/backends/probe.ts', 'src/state.ts'])(
    'the rule covers %s',
    async (file) => {
      expect(await ruleIds(file, "import * as fs from 'node:fs';\nexport const x = fs;\n")).toContain(
        'no-restricted-imports'
      );
    }
  );

  it.each(['src/io/probe.ts', 'src/io/github/probe.ts'])('the shell may do effects: %s', async (file) => {
    expect(
      await ruleIds(
        file,
        "import * as fs from 'node:fs';\nimport * as core from '@actions/core';\nexport const x = [fs, core, process.env.HOME];\n"
      )
    ).toEqual([]);
  });

  it.each([
    ['node:fs', "import * as fs from 'node:fs';\nexport const x = fs;\n"],
    ['os without the node: prefix', "import { tmpdir } from 'os';\nexport const x = tmpdir;\n"],
    ['node:child_process', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n"],
    ['node:crypto', "import { randomBytes } from 'node:crypto';\nexport const x = randomBytes;\n"]
  ])('lint fails on %s in src/steps/, and says where the effect belongs', async (_, code) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, 'src/steps/probe.ts') });
    expect(result.messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
    expect(result.messages[0].message).toMatch(/belongs in a function under src\/io\/ that the step calls/);
  });

  it('a step may join paths, read its environment and call the shell', async () => {
    expect(
      await ruleIds(
        'src/steps/probe.ts',
        "import * as path from 'node:path';\nimport { runnerTemp } from '../io/dirs.js';\nexport const x = () => path.join(runnerTemp(process.env), 'x');\n"
      )
    ).toEqual([]);
  });

  it('pure code passes in the core', async () => {
    expect(
      await ruleIds(
        'src/plan/probe.ts',
        "import { createHash } from 'node:crypto';\nimport type { Plan } from './plan.js';\nexport const x = (p: Plan) => createHash('sha256').update(p.scope ?? '').digest('hex');\n"
      )
    ).toEqual([]);
  });

  it('every folder under src/ is core or shell', async () => {
    const folders = fs
      .readdirSync(path.join(root, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'types')
      .map((d) => d.name);
    for (const f of folders.filter((f) => !SHELL.includes(f))) {
      expect([f, await ruleIds(`src/${f}/probe.ts`, "import * as fs from 'node:fs';\nexport const x = fs;\n")]).toEqual(
        [f, ['no-restricted-imports']]
      );
    }
    expect(folders).toEqual(expect.arrayContaining(SHELL));
  });
});
