import { expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKEND_NAMES } from '../../src/backends/index.js';
import { sourceFiles } from '../support/source-files.js';

const SRC = path.join(import.meta.dirname, '../../src');

test('outside src/backends/, no code compares a cache, backend or cache type with a backend name: it asks the backend object', () => {
  const names = BACKEND_NAMES.join('|');
  const byName = new RegExp(`(\\bcache|\\bbackend|\\.type)\\s*[!=]==\\s*'(${names})'|'(${names})'\\s*[!=]==`);
  const found = sourceFiles(SRC)
    .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
    .filter((f) => !f.startsWith('backends/'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(SRC, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (byName.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : []))
    );
  expect(found).toEqual([]);
});
