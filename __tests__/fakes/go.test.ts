/**
 * The Go rules the fakes and their test helpers share: strconv.Unquote for envd's fatal line (the same code as
 * the action's, src/envd/errors.ts), strconv.ParseBool, and semver ordering of tool versions.
 */
import { describe, expect, test } from '@jest/globals';
import { fatalError } from '../support/fakes/index.mjs';

/** envd's fatal line with `quoted` as the logrus-quoted error value (envd v1.3.4 pkg/app/app.go:160-166). */
const fatalLine = (quoted: string) => `time="2026-11-27T10:00:01Z" level=fatal msg=exit app=envd error=${quoted} version=v1.3.4\n`;

describe('fatalError: the error of envd\'s fatal line, unquoted by Go\'s strconv.Unquote', () => {
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
  test.each(['"\\\'"', '"\\q"', '"\\400"', '"\\xZZ"'])('%s is not a Go double-quoted string: a clear error', (quoted) => {
    expect(() => fatalError(fatalLine(quoted))).toThrow(`envd's fatal line has an error value that is not a Go-quoted string: ${quoted}`);
  });

  test('no fatal line: undefined', () => {
    expect(fatalError('time="x" level=info msg=hello\n')).toBeUndefined();
  });
});
