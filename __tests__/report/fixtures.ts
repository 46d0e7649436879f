/** Reads a progress fixture (`__tests__/fixtures/progress/*.txt`): its `;;` header lines are not progress. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Progress, type ProgressFigures } from '../../src/envd/progress.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'progress');

export function progressLines(name: string): string[] {
  return fs
    .readFileSync(path.join(DIR, `${name}.txt`), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith(';;'));
}

export function figuresOf(name: string): ProgressFigures {
  const p = new Progress();
  for (const line of progressLines(name)) p.push(line);
  return p.figures();
}
