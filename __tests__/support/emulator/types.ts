/** Types shared by the emulator's modules and its public API. */

/** `ACTIONS_CACHE_MODE` values the service enforces. */
export type CacheMode = 'write' | 'read' | 'write-only' | 'none';

/** How a second create for an existing key + version + ref is refused. */
export type ConflictStyle = 'already_exists' | 'ok_false';

/** When LRU eviction runs: after every finalize, only on `tick()`, or hourly on the injected clock. */
export type EvictionMode = 'finalize' | 'tick' | 'hourly';

/** Fine-grained `actions` permission of a REST token. */
export type RestGrant = 'none' | 'read' | 'write';

export type TwirpMethod = 'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL';
export type BlobRoute = 'blob.put' | 'blob.get';
export type RestRoute =
  | 'rest.list'
  | 'rest.usage'
  | 'rest.storage-limit'
  | 'rest.retention-limit'
  | 'rest.delete-by-key'
  | 'rest.delete-by-id'
  | 'rest.pulls'
  | 'rest.run-jobs';
export type RouteName = TwirpMethod | BlobRoute | RestRoute | 'twirp.unknown' | 'rest.unknown' | 'unknown';

/** A fault can target one route, or a whole group: `twirp`, `blob` or `rest`. */
export type FaultTarget = TwirpMethod | BlobRoute | RestRoute | 'twirp' | 'blob' | 'rest';

export interface Fault {
  /** Answer with this HTTP status (twirp/Azure/REST error body as fits the route). */
  status?: number;
  /** Error text in the body. */
  message?: string;
  /** `Retry-After` in seconds. */
  retryAfter?: number;
  /** `Retry-After` as an HTTP date. */
  retryAfterDate?: Date;
  /** Twirp only: answer 200 `{ok:false, message}`. */
  okFalseMessage?: string;
  /** Wait this long (real time) before answering; combines with the other fields. */
  delayMs?: number;
  /** Never answer (until the emulator closes). */
  hang?: boolean;
  /** Destroy the socket without answering. */
  dropConnection?: boolean;
  /** blob.get only: announce the full length, send this many bytes (`true`: half), then cut the connection. */
  truncate?: boolean | number;
  /** blob.get only: answer 403 AuthenticationFailed and revoke that URL, as an expired SAS would. */
  authenticationFailed?: boolean;
  /** Serve the request normally but without `x-ms-request-id`. */
  omitRequestId?: boolean;
}

export interface EmulatorOptions {
  /** Clock start (ms since epoch); default Date.now() at start. Ignored when `clock` is given. */
  startTime?: number;
  /** Storage budget in bytes; default 10 GiB. */
  budgetBytes?: number;
  /** Default `finalize`. */
  eviction?: EvictionMode;
  /** Entries not accessed for this long are deleted; default 7 days. */
  retentionMs?: number;
  /** Sliding-window limit on successful creates; default 200 per minute. */
  createsPerMinute?: number;
  /** Default `already_exists` (HTTP 409). */
  conflictStyle?: ConflictStyle;
  /** Default `write` (everything allowed). */
  cacheMode?: CacheMode;
  /** Paid budget exhausted: caches are read-only. */
  budgetExhausted?: boolean;
  /** Lifetime of signed blob URLs; default 1 hour. */
  sasTtlMs?: number;
  /** `owner/repo` the REST API answers for; default `octo-org/octo-repo`. */
  repository?: string;
  /** REST tokens and their `actions` grant. */
  restTokens?: Record<string, RestGrant>;
  /** REST calls allowed per hour (injected clock); default 1000. */
  restCallsPerHour?: number;
  /** `usage` is refreshed at most this often (injected clock); default 0 (live). */
  usageLagMs?: number;
  /** Numbers of the open pull requests `GET /repos/{o}/{r}/pulls?state=open` lists; default none. */
  openPullRequests?: number[];
  /** The jobs `GET /repos/{o}/{r}/actions/runs/{run_id}/jobs` lists, per run id; default none. */
  runJobs?: Record<string, RunJob[]>;
}

/** A job of a workflow run, as the REST API lists it (the fields the action reads). */
export interface RunJob {
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting';
}

/** `create` … `blobGet` and `rest` count calls received (faulted ones included); the others count outcomes. */
export interface Counters {
  create: number;
  finalize: number;
  lookup: number;
  hit: number;
  miss: number;
  conflict: number;
  /** HTTP 429 answers, from the limiter or injected. */
  rateLimited: number;
  writeDenied: number;
  readDenied: number;
  unauthenticated: number;
  blobPut: number;
  blobGet: number;
  /** REST calls received (all of them, including refused ones). */
  rest: number;
  evicted: number;
  expired: number;
  faultsInjected: number;
}

export function zeroCounters(): Counters {
  return {
    create: 0,
    finalize: 0,
    lookup: 0,
    hit: 0,
    miss: 0,
    conflict: 0,
    rateLimited: 0,
    writeDenied: 0,
    readDenied: 0,
    unauthenticated: 0,
    blobPut: 0,
    blobGet: 0,
    rest: 0,
    evicted: 0,
    expired: 0,
    faultsInjected: 0
  };
}

export interface RequestLogEntry {
  seq: number;
  /** Injected-clock time of arrival. */
  at: number;
  method: string;
  route: RouteName;
  path: string;
  query: string;
  /** Request headers as received (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** A twirp request's JSON body as parsed (undefined for other routes, or when it is not JSON). */
  body?: unknown;
  /** Final status; 0 = connection dropped; undefined = still open (hanging). */
  status?: number;
  fault?: Fault;
}

/** What `entries()` and friends report about a cache entry. */
export interface EntryInfo {
  id: number;
  ref: string;
  key: string;
  version: string;
  /** Declared `size_bytes` (REST `size_in_bytes`). */
  size: number;
  /** Length of the blob actually committed to the data plane. */
  receivedBytes: number;
  createdAt: number;
  lastAccessedAt: number;
  committed: boolean;
  /** False after `deleteBlobData` or before any upload. */
  hasData: boolean;
}

export type StoreEventKind = 'committed' | 'evicted' | 'expired' | 'deleted';

/**
 * A change of the store, reported as it happens (`Emulator.onStoreEvent`): an entry committed (finalize), entries
 * LRU-evicted, expired, or deleted through the REST API. `usageBytes` is the committed total right after the change;
 * for `committed` that is before the eviction the commit may cause (the moment usage passes the budget).
 */
export interface StoreEvent {
  kind: StoreEventKind;
  entries: EntryInfo[];
  usageBytes: number;
}

export interface SeedEntry {
  ref: string;
  key: string;
  /** Default: BuildKit's constant version. */
  version?: string;
  /** Default: `data.length`, or 0. */
  sizeBytes?: number;
  data?: Buffer | string;
  createdAt?: number;
  lastAccessedAt?: number;
}
