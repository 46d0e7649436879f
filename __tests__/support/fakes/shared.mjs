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
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

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
