/**
 * What one cache backend is, in one object: its BuildKit attributes and rules, where its entries live, how the
 * action locates them per ref and direction, how the shell may check that one exists, and which action inputs
 * go with it. Pure: a probe is a description that the shell carries out (`steps/import-entry.ts`).
 */
import type { ImageRef } from '../cache/image-ref.js';
import type { Check } from '../cache/values.js';
import type { Input } from '../action/names.js';
import type { Candidate, Locations } from './location.js';
import type { Runtime } from '../runtime/runtime.js';

export type Direction = 'export' | 'import';

/** `cache-mode`: `min` exports the final image's layers, `max` every intermediate one too. */
export type Mode = 'min' | 'max';

/**
 * The inputs a backend reads: a view of `Inputs` (inputs/inputs.ts), written here because the inputs module asks
 * the backends about their companions and versions, so the backends must not import it back.
 */
export interface BackendInputs {
  cacheRef?: string;
  cacheDir?: string;
  /** `cache-options` attributes, in the order given. */
  cacheOptions: Map<string, string>;
  output?: { image?: ImageRef; imageName?: string; push: boolean };
}

export interface AttributeRule {
  /** The directions in which BuildKit reads the attribute. */
  in: readonly Direction[];
  check?: Check;
  /** A credential: never logged, replaced by *** in outputs. */
  secret?: boolean;
  /** Known to BuildKit but refused here, with the reason and the fix. */
  refused?: string;
}

/** What the planner knows when it computes the flags for a backend. */
export interface LocationContext {
  inputs: BackendInputs;
  rt: Runtime;
  scope: string;
  mode: Mode;
}

/**
 * Where a backend's entries live:
 * - `github-cache`: BuildKit reads and writes the GitHub cache itself, ruled by the runner's token and cache mode;
 * - `shared-store`: a store every branch shares (pull requests only read it unless told to write);
 * - `image`: inside the pushed output image;
 * - `runner`: a directory on the runner (which the action may save elsewhere, see `savedInGithubCache`);
 * - `nowhere`: no cache.
 */
export type Store = 'github-cache' | 'shared-store' | 'image' | 'runner' | 'nowhere';

/** How the shell checks that an import candidate exists: a registry manifest HEAD, or an S3 manifest HEAD. */
export type ProbeKind = 'registry-manifest' | 's3-manifest';

/**
 * The oldest BuildKit that can reach a backend's store, and what the action says when the one chosen or
 * found is older (or its version cannot be read). Checked on buildkit-version and on the builder found.
 */
export interface BuildkitFloor {
  /** major.minor.patch, without v. */
  readonly version: string;
  /** The buildkit-version input names `given`, which is too old. */
  inputProblem(given: string): string;
  /** The builder at `address` runs `version`, which is too old. */
  builderProblem(address: string, version: string): string;
  /** The builder at `address` did not say its version. */
  unknownWarning(address: string): string;
}

/** What `fromRunner` added, and what it could not. */
export interface RunnerFill {
  /** Each value's attributes with the runner's added, in the order given (new maps: the ones given are not edited). */
  values: Map<string, string>[];
  /** Where the attributes came from, or what is missing. */
  decision: { outcome: string; reason: string };
  warning?: string;
  /** What is missing and how to get it; undefined when nothing is. */
  missing?: string;
}

/**
 * Where cache-mounts keeps envd's package caches with a backend (issue 23): in the GitHub cache (gha, local), or
 * beside the layers — OCI artifacts in the cache's repository, tagged next to its tag per branch, or objects
 * under an s3 cache's prefix, named per branch like its entries. `reads`/`write` are the layers' locations.
 */
export type MountsHome =
  | { store: 'github-cache' }
  | { store: 'oci-artifact'; repository: string; insecure: boolean; tags: Locations }
  | { store: 's3-object'; prefix: string; names: Locations };

/** Action inputs that are only meaningful with this backend. */
export type Companion = 'cache-ref' | 'cache-dir';

export interface Backend {
  readonly name: string;
  /** cache-options / cache-flag attributes BuildKit knows for this backend. */
  readonly attributes: Readonly<Record<string, AttributeRule>>;
  /** Attributes a value must carry, per direction (env fallbacks are resolved by the planner). */
  readonly required: Readonly<Record<Direction, readonly string[]>>;
  /** Rules that relate attributes to each other; problems in plain words. */
  crossChecks?(direction: Direction, attrs: ReadonlyMap<string, string>, complete: boolean): string[];
  readonly store: Store;
  /** Its entries count against the repository's GitHub cache (read and pruned by the budget). */
  readonly savedInGithubCache: boolean;
  /** Entries per branch (registry tags, S3 names), unless the author fixed the place. */
  sharedLocations?(ctx: LocationContext): Locations | undefined;
  /** The attributes that locate the cache in this direction; `entry` is the shared location chosen, if any. */
  location(ctx: LocationContext, direction: Direction, entry?: Candidate): [string, string][];
  /** What an export writes, for the opt-in warning; `ref` is the ref written, already shown. Undefined: the shared location. */
  writeTarget?(ctx: LocationContext, ref: string): string | undefined;
  /** The directory on the runner the action restores, serves to BuildKit and saves (local). */
  runnerDir?(ctx: LocationContext): string;
  /** How an export is written when it is not the usual location + mode + options (inline: its options only). */
  exportAttrs?(options: [string, string][]): [string, string][];
  /** When the import is read back through another backend (inline: from the output image, as a registry cache), and why. */
  readonly readBack?: {
    reason: string;
    as(ctx: LocationContext): { type: string; attrs: [string, string][] };
    /** The problem with an import-cache of this type, which BuildKit cannot import, and the fix. */
    noImporter: string;
  };
  /**
   * Its importer fails on a missing entry (registry: the resolver's "not found"), so an import that ended
   * without an error found one. gha and s3 read a missing entry as an empty cache, without an error.
   */
  readonly importReportsMissing?: boolean;
  /** What the action fills in from the runner (gha: the runtime token and the cache service endpoint). */
  fromRunner?(rt: Runtime, values: readonly ReadonlyMap<string, string>[]): RunnerFill;
  /**
   * Attributes the action fills or asks for in its own words, so the validator's "needs <key>" is left out for
   * them: gha's runner credentials (`fromRunner` reports what is missing), s3's bucket and region (`missingMessage`).
   */
  readonly filledByAction?: readonly string[];
  /** The problem for a required attribute a complete value still lacks, with every way to give it. */
  missingMessage?(key: string): string;
  /** A mode the backend always has, with the reason (inline stores only the final image's layers), and the problem with cache-mode asking for `other`. */
  readonly fixedMode?: { mode: Mode; reason: string; otherProblem(other: Mode): string };
  readonly probe?: ProbeKind;
  /** The oldest BuildKit this backend works with. */
  readonly minBuildkit?: BuildkitFloor;
  readonly companions: readonly Companion[];
  /** Where cache-mounts keeps package caches with this backend; undefined when it cannot (then `noMounts` says why). */
  mountsHome?(ctx: LocationContext): MountsHome;
  /** Why cache-mounts cannot be used with this backend, and what to use instead. */
  readonly noMounts?: string;
  /** What the other inputs must give for this backend to have a place for its cache (checked with the inputs). */
  inputProblems?(given: Pick<BackendInputs, 'cacheRef' | 'output'>): { input: Input; message: string }[];
}
