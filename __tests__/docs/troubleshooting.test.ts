/** docs/troubleshooting.md and src/envd/errors.ts list the same known errors, with the same advice. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../scripts/harness.mjs';
import { classify, KNOWN_ERRORS } from '../../src/envd/errors.js';

const page = fs.readFileSync(path.join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
/** The page's known-error sections: id, title, the error text shown, and the text under it. */
const sections = [
  ...page.matchAll(/^## (.+)\n\n<!-- known error: ([\w-]+) -->\nError text: `([^`]+)`\n\n([\s\S]*?)(?=\n## |\s*$)/gm)
].map(([, title, id, sample, body]) => ({ title, id, sample, body: body.trim() }));

describe('docs/troubleshooting.md', () => {
  test('one section per known error, in the order they are tried', () => {
    expect(sections.map((s) => s.id)).toEqual(KNOWN_ERRORS.map((e) => e.id));
  });

  test.each(KNOWN_ERRORS.map((e) => [e.id, e] as const))(
    '%s: its title, an error text the code recognizes as it, its advice word for word',
    (id, e) => {
      const s = sections.find((x) => x.id === id)!;
      expect(s.title).toBe(e.title);
      expect(classify(s.sample)?.id).toBe(id);
      expect(s.body).toBe(e.advice);
    }
  );
});
