/** Which BuildKit the backends in use need (each backend's `minBuildkit`). Pure. */
import semver from 'semver';
import type { Backend, BuildkitFloor } from './backend.js';
import { BACKENDS } from './index.js';

/** Whether `version` (v-prefixed or not) is at least `min` by major.minor.patch, a prerelease counting as its release. */
export function versionAtLeast(version: string, min: string): boolean {
  const v = semver.parse(version);
  if (!v) return true; // latest/system: checked against the real binary later
  return v.compareMain(min) >= 0;
}

export interface FloorMiss {
  backend: Backend;
  floor: BuildkitFloor;
  /** `too-old`: the version is below the floor; `unknown`: no version to compare. */
  status: 'too-old' | 'unknown';
}

/**
 * The floors that `version` misses among the backends named in `types` (the cache input, the export's and the
 * import's type; unknown names are ignored). A version that is not semver (latest, system) passes here.
 */
export function buildkitFloorMisses(types: readonly (string | undefined)[], version: string | undefined): FloorMiss[] {
  const misses: FloorMiss[] = [];
  for (const backend of Object.values(BACKENDS) as Backend[]) {
    const floor = backend.minBuildkit;
    if (!floor || !types.includes(backend.name)) continue;
    if (version === undefined) misses.push({ backend, floor, status: 'unknown' });
    else if (!versionAtLeast(version, floor.version)) misses.push({ backend, floor, status: 'too-old' });
  }
  return misses;
}
