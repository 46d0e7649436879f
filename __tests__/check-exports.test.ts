/**
 * scripts/check-exports.mjs, the dead-export check of `npm test`: on a small tree written here, it finds a value no
 * other file uses and a type used nowhere, and accepts a value a test uses, a type its own file's export names, a
 * namespace import's member and src/index.ts.
 * src/ itself is checked by `npm run lint` (check:exports).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unusedExports } from '../scripts/check-exports.mjs';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-exports-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(temp, file)), { recursive: true });
    fs.writeFileSync(path.join(temp, file), text);
  }
  return temp;
}

describe('check-exports', () => {
  it('names a value only its own file uses and a type used nowhere; accepts the rest', () => {
    const root = tree({
      'src/index.ts': "import { run } from './steps/run.js';\nexport const entry = () => run();\n",
      'src/steps/run.ts': [
        "import * as text from '../text/text.js';",
        "import { helper } from '../text/helper.js';",
        'export interface RunOptions { quiet: boolean }',
        'export function run(o: RunOptions = { quiet: true }) { return text.echo(helper(String(o.quiet))); }',
        'export const LOCAL_ONLY = 3;',
        'export const twice = () => LOCAL_ONLY * 2;',
        'export type Nobody = { never: true };',
        ''
      ].join('\n'),
      'src/text/text.ts': 'export const echo = (s: string) => s;\n',
      'src/text/helper.ts': 'export const helper = (s: string) => s;\n',
      '__tests__/run.test.ts': "import { twice } from '../src/steps/run.js';\ntwice();\n"
    });
    expect(unusedExports(root)).toEqual(['src/steps/run.ts:5 LOCAL_ONLY', 'src/steps/run.ts:7 Nobody']);
  });
});
