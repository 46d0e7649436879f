/**
 * A look-up in the runner's tool cache without loading @actions/tool-cache (which loads @actions/core and its
 * HTTP client, about 1 MB, for a check of two paths). The layout is the one tool-cache writes and reads:
 * `<RUNNER_TOOL_CACHE>/<tool>/<version>/<arch>`, complete when the file `<arch>.complete` sits beside it
 * (@actions/tool-cache 4.0.0 `find` and `cacheDir`). Only exact versions: anything else is left to the
 * installer, which loads tool-cache.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';

/**
 * The directory of `tool` at `version` (a tag such as v1.3.4) for `arch` in the tool cache at `root`, if it
 * is there and complete; undefined when it is not, or when the question is one only tool-cache answers.
 */
export function findCached(root: string | undefined, tool: string, version: string, arch: string): string | undefined {
  // An exact version without its `v` (1.3.4, 0.32.2-rc1): what tool-cache's semver.clean files a tool under.
  const exact = semver.valid(version);
  if (!root || !exact) return undefined;
  const dir = path.join(root, tool, exact, arch);
  return fs.existsSync(dir) && fs.existsSync(`${dir}.complete`) ? dir : undefined;
}
