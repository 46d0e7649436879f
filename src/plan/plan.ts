/** The whole decision for one run, before anything starts. */
import type { Decision } from '../action/decision.js';
import type { MountsHome } from '../backends/backend.js';
import type { CacheSpec } from '../backends/spec.js';
import type { CacheBackend, Inputs, Mode } from '../inputs/inputs.js';

export type { Decision };

/** cache-mounts in the plan (`planMounts` in mounts.ts decides it). */
export type MountsPlan = Inputs['cacheMounts'] & {
  restore: boolean;
  /** Saved only when this run also writes its layers (`plan.export` still set after the build): the same trust and budget rules. */
  save: boolean;
  /** The scope their keys carry: the layers' scope. */
  scope: string;
  /** The envd and BuildKit versions asked for: part of what the package steps depend on (the restore-skip rule). */
  tools?: string;
  /** Where they are kept: the GitHub cache, or beside the registry or s3 layers (the backend says). */
  home: MountsHome;
};

export interface Plan {
  command: 'build' | 'prune';
  dryRun: boolean;
  backend: CacheBackend;
  scope: string;
  mode?: Mode;
  export?: CacheSpec;
  import?: CacheSpec;
  /**
   * Registry tags or S3 names this run could import, best first (its own, the PR base's, the default
   * branch's). The shell checks which exist and `chooseImportEntry` picks one; until then `import` is the last.
   */
  importCandidates?: { owner: string; name: string; spec: CacheSpec }[];
  /**
   * cache: local — the directory restored from and saved to the GitHub cache, the fresh export directory
   * that replaces it, and the GitHub cache key prefix per scope. The import is set when the build starts,
   * once the directory is served on 127.0.0.1 (envd cannot import type=local itself).
   */
  local?: { dir: string; exportDir: string; keyPrefix: string };
  /** cache-mounts: envd's package caches restored before the build and saved after it (undefined: none). */
  mounts?: MountsPlan;
  /** GitHub-cache refs this run can read and the one it writes (from the runtime token). */
  access?: { readable: string[]; writable?: string };
  decisions: Decision[];
  /** Things a workflow author should know that do not stop the run. */
  warnings: string[];
  /** Things that stop the run (found from the environment, after the inputs were valid). */
  problems: string[];
  /** Every secret value the plan carries, to register before anything is logged. */
  secrets: string[];
  envd: {
    path: string;
    from: string;
    output?: string;
    platform?: string;
  };
}
