/**
 * The Go rules the fakes and their test helpers share: strconv.Unquote for envd's fatal line (the same code as
 * the action's, src/envd/errors.ts), strconv.ParseBool, and semver ordering of tool versions.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKES_DIR, fatalError } from '../support/fakes/index.mjs';
import { compareVersions, parseBool } from '../support/fakes/shared.mjs';

/** envd's fatal line with `quoted` as the logrus-quoted error value (envd v1.3.4 pkg/app/app.go:160-166). */
const fatalLine = (quoted: string) =>
  `time="2026-11-27T10:00:01Z" level=fatal msg=exit app=envd error=${quoted} version=v1.3.4\n`;

describe("fatalError: the error of envd's fatal line, unquoted by Go's strconv.Unquote", () => {
  test.each([
    ['"\\x41"', 'A'],
    ['"\\a"', '\u0007'],
    ['"\\v"', '\v'],
    ['"\\101"', 'A'],
    ['"\\U0001F600"', '😀'],
    ['"\\xe2\\x82\\xac"', '€'],
    ['"a \\"b\\" \\\\ \\u00e9\\n\\t"', 'a "b" \\ é\n\t'],
    ['bare-value', 'bare-value']
  ])('%s', (quoted, expected) => {
    expect(fatalError(fatalLine(quoted))).toBe(expected);
  });

  // Go's UnquoteChar refuses `\'` inside a double-quoted string (only `\"` is allowed there), and strconv.Quote
  // never writes it: a fake that printed it would be wrong, so the helper says so instead of guessing.
  test.each(['"\\\'"', '"\\q"', '"\\400"', '"\\xZZ"'])(
    '%s is not a Go double-quoted string: a clear error',
    (quoted) => {
      expect(() => fatalError(fatalLine(quoted))).toThrow(
        `envd's fatal line has an error value that is not a Go-quoted string: ${quoted}`
      );
    }
  );

  test('no fatal line: undefined', () => {
    expect(fatalError('time="x" level=info msg=hello\n')).toBeUndefined();
  });
});

describe('one Go bool parser and one version order, shared by the fakes', () => {
  // Go's strconv.ParseBool accepts exactly these twelve spellings; anything else is `invalid syntax`.
  test.each([
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false]
  ])('parseBool(%s) is %s', (text, expected) => {
    expect(parseBool(text)).toBe(expected);
  });

  test.each(['', 'yes', 'no', 'on', 'y', 'tRUE', 'TRue', ' true', 'true ', '2', '01'])(
    'parseBool(%j) is not a bool',
    (text) => {
      expect(parseBool(text)).toBeUndefined();
    }
  );

  // Semantic Versioning 2.0.0 §11 (a leading `v` allowed, as in Go module and BuildKit tags).
  test.each([
    ['v0.9.0', 'v0.10.0'],
    ['v0.19.0', 'v0.20.0'],
    ['0.32.1', 'v0.32.2'],
    ['v1.2.3', 'v1.10.0'],
    ['v0.20.0-rc1', 'v0.20.0'],
    ['v1.0.0-alpha', 'v1.0.0-alpha.1'],
    ['v1.0.0-alpha.1', 'v1.0.0-alpha.beta'],
    ['v1.0.0-alpha.beta', 'v1.0.0-beta'],
    ['v1.0.0-beta', 'v1.0.0-beta.2'],
    ['v1.0.0-beta.2', 'v1.0.0-beta.11'],
    ['v1.0.0-beta.11', 'v1.0.0-rc.1'],
    ['v1.0.0-rc.1', 'v1.0.0'],
    // A version that is not semver (a dev build such as `master`) counts as the newest.
    ['v99.0.0', 'master']
  ])('%s < %s', (older, newer) => {
    expect(compareVersions(older, newer)).toBeLessThan(0);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
  });

  test.each([
    ['v0.32.2', '0.32.2'],
    ['v0.32.2', 'v0.32.2+build.7'],
    ['v1.0.0-rc.1+a', 'v1.0.0-rc.1+b'],
    ['master', 'main']
  ])('%s = %s', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
  });

  test('the fakes, the release server and the test helpers keep no copy of their own', () => {
    for (const file of ['envd.js', 'buildkitd.js', 'buildctl.js', 'releases.mjs', 'index.mjs']) {
      const source = fs.readFileSync(path.join(FAKES_DIR, file), 'utf8');
      expect({
        file,
        own: /function (parseBool|compareVersions|parseGoFlags)\b|\['1', 't', 'T'|SEMVER = /.test(source)
      }).toEqual({ file, own: false });
    }
  });
});
