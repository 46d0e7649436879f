/** Go's strconv.ParseBool: true / false for its twelve spellings, undefined for anything else. */
export declare function parseBool(text: string): boolean | undefined;
/** Semver order (a leading `v` allowed): negative when a < b; a non-semver version counts as newest. */
export declare function compareVersions(a: string, b: string): number;
/** A command line Go's flag package refuses: the fake prints its usage with the message. */
export declare class UsageError extends Error {}
/** Go's flag package as urfave/cli drives it; throws UsageError with Go's wording. */
export declare function parseGoFlags(
  args: string[],
  defs: Record<string, { type: string; name?: string }>,
  style?: 'v1' | 'v3'
): { values: Record<string, string | boolean | string[] | undefined>; rest: string[] };
/** A byte count as BuildKit prints it (`%.2f` of tonistiigi/units' Bytes): `123B`, `1.23kB`. */
export declare function goBytes(n: number): string;
