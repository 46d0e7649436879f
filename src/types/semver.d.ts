/**
 * The part of `semver` the action uses. The package ships no types and @types/semver is not installed; semver
 * itself is a dependency of @actions/tool-cache, already in the bundle.
 */
declare module 'semver' {
  interface SemVer {
    readonly version: string;
    /** Compares major.minor.patch only, ignoring any prerelease. */
    compareMain(other: string | SemVer): -1 | 0 | 1;
  }
  const semver: {
    parse(version: string): SemVer | null;
    valid(version: string): string | null;
    coerce(version: string): SemVer | null;
    gte(a: string | SemVer, b: string | SemVer): boolean;
  };
  export default semver;
}
