export declare function changelogSection(changelog: string, version: string): string | undefined;
export declare function release(
  tag: string,
  files: { packageJson: string; changelog: string }
): { notes: string; major: string; prerelease: boolean };
