/** The README's input and output tables, the action.yml contract and the code's names agree. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionYml, ROOT } from '../../scripts/harness.mjs';
import { Input, Output } from '../../src/inputs/names.js';

const yml = actionYml();
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Rows of the first Markdown table after a heading, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" heading`);
  const lines = readme.slice(start).split('\n').slice(2);
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows.slice(2); // header and separator
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('action.yml and README', () => {
  test('runs on node24, one bundle for main and post', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
  });

  test('the code knows exactly the inputs and outputs action.yml declares', () => {
    expect(Object.keys(yml.inputs)).toEqual(Object.values(Input));
    expect(Object.keys(yml.outputs)).toEqual(Object.values(Output));
  });

  test('the Inputs table matches action.yml: names, defaults, descriptions, order', () => {
    const rows = tableAfter('## Inputs').map(([name, def, description]) => [unquote(name), unquote(def), description]);
    const expected = Object.entries(yml.inputs).map(([name, spec]) => [name, spec.default === '' || spec.default === undefined ? "''" : String(spec.default), spec.description]);
    expect(rows).toEqual(expected);
  });

  test('the Outputs table matches action.yml', () => {
    const rows = tableAfter('## Outputs').map(([name, description]) => [unquote(name), description]);
    expect(rows).toEqual(Object.entries(yml.outputs).map(([name, spec]) => [name, spec.description]));
  });

  test('every input and output has a one-line description', () => {
    for (const spec of [...Object.values(yml.inputs), ...Object.values(yml.outputs)]) {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.description).not.toContain('\n');
    }
  });

  test('the README shows the two local commands, and .ci/run runs exactly the test one', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });
});
