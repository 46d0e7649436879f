/** The README's size and shape, the action.yml contract and the code's names agree. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionYml, ROOT } from '../../scripts/harness.mjs';
import { Input, Output } from '../../src/action/names.js';

const yml = actionYml();
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const contributing = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');

describe('action.yml and README', () => {
  test('runs on node24, one bundle for main and post', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
  });

  test('the code knows exactly the inputs and outputs action.yml declares', () => {
    expect(Object.keys(yml.inputs)).toEqual(Object.values(Input));
    expect(Object.keys(yml.outputs)).toEqual(Object.values(Output));
  });

  test('every input and output has a one-line description', () => {
    for (const spec of [...Object.values(yml.inputs), ...Object.values(yml.outputs)]) {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.description).not.toContain('\n');
    }
  });

  test('the README reads in five minutes: at most 15 KB, the quick start first, no maintainer material', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
    const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections.slice(0, 3)).toEqual(['Why', 'Quick start', 'Backends']);
    for (const maintainer of ['Performance', 'Testing', 'Run it locally']) expect(sections).not.toContain(maintainer);
    expect(readme).not.toMatch(/^> \*\*Status/m);
  });

  test('the quick start says where build.envd must be', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Backends'));
    expect(quick).toContain('`build.envd` must be in the directory `path` names');
  });

  test('CONTRIBUTING shows the two local commands, and .ci/run runs exactly the test one', () => {
    expect(contributing).toContain('npm ci && npm start');
    expect(contributing).toContain('npm ci && npm test');
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });
});
