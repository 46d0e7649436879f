/** Go's strconv.ParseBool: true / false for its twelve spellings, undefined for anything else. */
export declare function parseBool(text: string): boolean | undefined;
/** Semver order (a leading `v` allowed): negative when a < b; a non-semver version counts as newest. */
export declare function compareVersions(a: string, b: string): number;
