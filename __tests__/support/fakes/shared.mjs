// What the fake envd, buildkitd and buildctl (and the release server) share: Go's bool parsing and the order
// of tool versions. One copy, no imports: the fakes load it with `await import()` from their own directory,
// and a fake copied alone (a release asset: `bakeFake` in releases.mjs) carries its source inline and loads
// it as a `data:` module. So it must stay a plain ES module with no import of its own.

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/**
 * Go's strconv.ParseBool: exactly "1", "t", "T", "TRUE", "true", "True" are true and "0", "f", "F", "FALSE",
 * "false", "False" are false (Go src/strconv/atob.go:7-18, ParseBool); anything else, spaces and the empty string included, is
 * `strconv.ParseBool: parsing "<text>": invalid syntax`, here undefined.
 * @param {string} text
 * @returns {boolean | undefined}
 */
export function parseBool(text) {
  if (TRUE.includes(text)) return true;
  if (FALSE.includes(text)) return false;
  return undefined;
}

// MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with an optional leading `v` (Semantic Versioning 2.0.0 §2, §9, §10).
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** @param {string} a @param {string} b */
function comparePrerelease(a, b) {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * Semver order (Semantic Versioning 2.0.0 §11): negative when a < b, 0 when equal, positive when a > b.
 * Numbers compare numerically, a pre-release is older than its release, pre-release identifiers compare one by
 * one (numeric below alphanumeric, numbers numerically, the rest in ASCII order, a shorter list first), build
 * metadata is ignored. A version that is not semver (a dev build such as `master`) counts as newer than every
 * release, and two of them are equal.
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function compareVersions(a, b) {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) {
    if (pa) return -1;
    return pb ? 1 : 0;
  }
  for (let i = 1; i <= 3; i++) if (Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) - Number(pb[i]);
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return comparePrerelease(pa[4], pb[4]);
}

/** A command line Go's flag package refuses: the fake prints its usage with the message. */
export class UsageError extends Error {}

/**
 * `style`: 'v1' (urfave/cli v1 over Go's flag package: BuildKit before v0.31.0) or 'v3' (urfave/cli v3.9.0, BuildKit
 * v0.31.0 on; its wording observed with buildkitd v0.32.2: `flag needs an argument: --addr`, `invalid value "x" for
 * flag -debug: parse error`, `… for flag -n: strconv.ParseInt: parsing "x": invalid syntax`).
 * Go's flag package, as urfave/cli drives it: `-x`/`--x`, `--x=v`/`--x v`, bool flags take no separate value,
 * parsing stops at the first non-flag argument or `--`. Unknown flags are refused with Go's wording (a UsageError;
 * the fake prints its usage). `defs`: flag name → `{ type: 'bool' | 'string' | 'int' | 'slice', name? }`.
 * @param {string[]} args
 * @param {Record<string, { type: string, name?: string }>} defs
 * @param {'v1' | 'v3'} [style]
 * @returns {{ values: Record<string, any>, rest: string[] }}
 */
export function parseGoFlags(args, defs, style = 'v1') {
  const v3 = style === 'v3';
  const values = {};
  let i = 0;
  while (i < args.length) {
    const a = args[i];
    if (a.length < 2 || a[0] !== '-') break;
    let minus = 1;
    if (a[1] === '-') {
      minus = 2;
      if (a.length === 2) {
        i++;
        break;
      }
    }
    let name = a.slice(minus);
    if (!name || name[0] === '-' || name[0] === '=') throw new UsageError(`bad flag syntax: ${a}`);
    i++;
    let value;
    let hasValue = false;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
      hasValue = true;
    }
    const def = defs[name];
    if (!def) {
      if (name === 'help' || name === 'h') {
        values.help = true;
        continue;
      }
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
    const key = def.name ?? name;
    if (def.type === 'bool') {
      if (hasValue) {
        const b = parseBool(value);
        if (b === undefined) {
          throw new UsageError(
            v3
              ? `invalid value ${JSON.stringify(value)} for flag -${name}: parse error`
              : `invalid boolean value ${JSON.stringify(value)} for -${name}: parse error`
          );
        }
        values[key] = b;
      } else values[key] = true;
      continue;
    }
    if (!hasValue) {
      // urfave/cli v3 names the flag with the dashes it was given (`--addr`), Go's flag package with one.
      if (i >= args.length) throw new UsageError(`flag needs an argument: ${v3 ? a.slice(0, minus) : '-'}${name}`);
      value = args[i++];
    }
    if (def.type === 'int' && !/^[-+]?\d+$/.test(value)) {
      throw new UsageError(
        `invalid value ${JSON.stringify(value)} for flag -${name}: ${v3 ? `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax` : 'parse error'}`
      );
    }
    if (def.type === 'slice') (values[key] ??= []).push(value);
    else values[key] = value;
  }
  return { values, rest: args.slice(i) };
}

/**
 * A byte count as BuildKit prints it with `%.2f` of tonistiigi/units' Bytes (vendored at v0.32.2,
 * `vendor/github.com/tonistiigi/units/bytes.go:65-117`): below 1000 the whole number and `B`, else two decimals
 * of the largest decimal unit (`1.23kB`, `2.50GB`).
 * @param {number} n
 * @returns {string}
 */
export function goBytes(n) {
  const names = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  let x = n;
  while (x >= 1000 && i < names.length - 1) {
    x /= 1000;
    i++;
  }
  return i === 0 ? `${n}B` : `${x.toFixed(2)}${names[i]}`;
}
