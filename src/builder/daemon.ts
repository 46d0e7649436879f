/**
 * What the action makes of a buildkitd it started, beyond its arguments: the lines of its log worth showing, and
 * how often to look whether a stopped one is gone. Pure: io/buildkit/builder.ts reads the log and waits.
 */

/**
 * buildkitd prints a fatal error as `buildkitd: <text>` followed by its Go stack (`%+v` of a pkg/errors error,
 * cmd/buildkitd/main.go:487-490 at v0.32.2): pairs of a function line and a tab-indented `file:line`, 12 to 18
 * lines (observed with buildkitd v0.32.2). In a short tail they would push out the lines that say what happened.
 */
export function withoutGoStacks(lines: readonly string[]): string[] {
  const frameAt = (i: number) => i < lines.length && /^\t\S+:\d+$/.test(lines[i]);
  return lines.filter((_, i) => !frameAt(i) && !frameAt(i + 1));
}

/**
 * How long to wait before looking again whether a stopped buildkitd is gone, `elapsedMs` after SIGTERM: a
 * daemon with nothing to flush goes within milliseconds, so the first looks are quick; then back off.
 */
export const stopPollMs = (elapsedMs: number) => (elapsedMs < 1000 ? 5 : 100);
