/** startEmulator(): one node:http server on 127.0.0.1 serving twirp, blob and REST routes. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { handleBlob, blobError } from './blob.js';
import { Clock, DAY, HOUR, MINUTE } from './clock.js';
import type { RequestInfo, ServiceContext, Settings } from './context.js';
import { FaultQueue, SlidingWindow, routeGroup } from './faults.js';
import {
  azureCodeForStatus,
  json,
  readBody,
  restError,
  send,
  twirpCodeForStatus,
  twirpError,
  type Reply
} from './http.js';
import { handleRest, parseRestPath } from './rest.js';
import { ACCOUNT, SasSigner } from './sas.js';
import { CacheStore, entryInfo } from './store.js';
import { mintRuntimeToken, type AccessControl, type MintTokenOptions } from './token.js';
import { handleTwirp, twirpMethod } from './twirp.js';
import {
  zeroCounters,
  type CacheMode,
  type ConflictStyle,
  type Counters,
  type EmulatorOptions,
  type EntryInfo,
  type Fault,
  type FaultTarget,
  type RequestLogEntry,
  type RestGrant,
  type RouteName,
  type RunJob,
  type SeedEntry,
  type StoreEvent
} from './types.js';

export const API_PREFIX = '/api';
const GIB = 1024 ** 3;

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** For ACTIONS_RESULTS_URL (trailing slash). */
  readonly resultsUrl: string;
  /** For GITHUB_API_URL. */
  readonly apiUrl: string;
  readonly clock: Clock;
  /** Live counters (reset by `reset()`). */
  readonly counters: Counters;
  /** Live request log, oldest first. */
  readonly requests: readonly RequestLogEntry[];
  /** Mints a runtime token valid on the emulator's clock. */
  mintToken(ac: AccessControl[], options?: Omit<MintTokenOptions, 'ac' | 'now'>): string;
  setCacheMode(mode: CacheMode): void;
  setBudgetExhausted(exhausted: boolean): void;
  setConflictStyle(style: ConflictStyle): void;
  setBudgetBytes(bytes: number): void;
  grantRest(token: string, grant: RestGrant): void;
  /** The open pull requests the REST API lists. */
  setOpenPullRequests(numbers: number[]): void;
  /** The jobs of a workflow run the REST API lists. */
  setRunJobs(runId: string, jobs: RunJob[]): void;
  /**
   * Where clients reach the emulator when something stands in front of it (a fault proxy): signed blob URLs and
   * REST `Link` headers name this origin from now on. Its own `url` stays the listening address.
   */
  setPublicUrl(origin: string): void;
  /** Fails the next `count` calls of a route (or group) with `fault`. */
  failNext(target: FaultTarget, count: number, fault: Fault): void;
  /** All live entries (reserved and committed), by id. */
  entries(): EntryInfo[];
  /** The next `n` committed entries LRU eviction would remove. */
  nextEvictions(n?: number): EntryInfo[];
  /** Applies expiry and LRU eviction now. */
  tick(): { expired: EntryInfo[]; evicted: EntryInfo[] };
  /** Moves every entry's creation and last access `ms` into the past (hours pass between runs of a replayed day); the clock stays. */
  age(ms: number): void;
  seed(entry: SeedEntry): EntryInfo;
  /** Bytes of an entry's committed blob. */
  blobData(id: number): Buffer | undefined;
  /** Drops the blob bytes of matching entries but keeps the entries (reproduces `blob not found`). Returns how many. */
  deleteBlobData(key: string, filter?: { ref?: string; version?: string }): number;
  /** Removes one entry (as an eviction would), keeping all others. */
  deleteEntry(id: number): boolean;
  /** Calls `listener` synchronously on every commit, LRU eviction, expiry and REST deletion; returns its removal. */
  onStoreEvent(listener: (event: StoreEvent) => void): () => void;
  /** Back to the freshly started state: entries, counters, log, faults, limits, settings and clock. */
  reset(): void;
  close(): Promise<void>;
}

function initialSettings(o: EmulatorOptions): Settings {
  return {
    budgetBytes: o.budgetBytes ?? 10 * GIB,
    retentionMs: o.retentionMs ?? 7 * DAY,
    eviction: o.eviction ?? 'finalize',
    cacheMode: o.cacheMode ?? 'write',
    budgetExhausted: o.budgetExhausted ?? false,
    conflictStyle: o.conflictStyle ?? 'already_exists',
    sasTtlMs: o.sasTtlMs ?? HOUR,
    repository: o.repository ?? 'octo-org/octo-repo',
    restTokens: new Map(Object.entries(o.restTokens ?? {})),
    usageLagMs: o.usageLagMs ?? 0,
    openPullRequests: [...(o.openPullRequests ?? [])],
    runJobs: new Map(Object.entries(o.runJobs ?? {}))
  };
}

/** Counters of calls received per route (faulted ones included). */
const CALL_COUNTERS: Partial<Record<RouteName, keyof Counters>> = {
  CreateCacheEntry: 'create',
  FinalizeCacheEntryUpload: 'finalize',
  GetCacheEntryDownloadURL: 'lookup',
  'blob.put': 'blobPut',
  'blob.get': 'blobGet'
};

function callCounter(route: RouteName): keyof Counters | undefined {
  return CALL_COUNTERS[route] ?? (route.startsWith('rest.') ? 'rest' : undefined);
}

function classify(method: string, pathname: string): RouteName {
  if (pathname.startsWith('/twirp/')) return twirpMethod(pathname) ?? 'twirp.unknown';
  if (pathname.startsWith(`/${ACCOUNT}/`)) return method === 'GET' || method === 'HEAD' ? 'blob.get' : 'blob.put';
  if (pathname.startsWith(`${API_PREFIX}/`)) return parseRestPath(method, pathname.slice(API_PREFIX.length)).route;
  return 'unknown';
}

/** The reply a fault imposes instead of the normal answer, if any. */
function faultReply(ctx: ServiceContext, route: RouteName, fault: Fault, req: RequestInfo): Reply | undefined {
  const group = routeGroup(route);
  if (fault.authenticationFailed && group === 'blob') {
    ctx.sas.revoke(Number(req.url.searchParams.get('sn')));
    return blobError(
      ctx,
      req,
      403,
      'AuthenticationFailed',
      'Server failed to authenticate the request. Signature not valid in the specified time frame.'
    );
  }
  if (fault.okFalseMessage !== undefined && group === 'twirp') {
    const extra =
      route === 'CreateCacheEntry'
        ? { signed_upload_url: '' }
        : route === 'FinalizeCacheEntryUpload'
          ? { entry_id: '0' }
          : { signed_download_url: '', matched_key: '' };
    return json(200, { ok: false, ...extra, message: fault.okFalseMessage });
  }
  if (fault.status === undefined) return undefined;
  const status = fault.status;
  if (status === 429) ctx.counters.rateLimited++;
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.retryAfterDate !== undefined) headers['retry-after'] = fault.retryAfterDate.toUTCString();
  const message = fault.message ?? `injected fault: HTTP ${status}`;
  const reply =
    group === 'blob'
      ? blobError(ctx, req, status, azureCodeForStatus(status), message)
      : group === 'rest'
        ? restError(status, message)
        : { ...twirpError(twirpCodeForStatus(status), message), status };
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

function dispatch(ctx: ServiceContext, route: RouteName, req: RequestInfo): Reply {
  const group = routeGroup(route);
  if (group === 'twirp' || route === 'twirp.unknown') return handleTwirp(ctx, req);
  if (group === 'blob') return handleBlob(ctx, req);
  if (group === 'rest' || route === 'rest.unknown')
    return handleRest(ctx, req, req.url.pathname.slice(API_PREFIX.length));
  return json(404, { message: `no route for ${req.method} ${req.url.pathname}` });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const startTime = options.startTime ?? Date.now();
  const clock = new Clock(startTime);
  const counters = zeroCounters();
  const settings = initialSettings(options);
  const requests: RequestLogEntry[] = [];
  const faults = new FaultQueue();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator: unexpected server address');
  const url = `http://127.0.0.1:${address.port}`;

  const ctx: ServiceContext = {
    clock,
    counters,
    settings,
    store: new CacheStore(clock, settings, counters),
    sas: new SasSigner('emulator-sas-secret'),
    createLimiter: new SlidingWindow(MINUTE, options.createsPerMinute ?? 200),
    restLimiter: new SlidingWindow(HOUR, options.restCallsPerHour ?? 1000),
    baseUrl: url,
    apiUrl: `${url}${API_PREFIX}`
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const parsedUrl = new URL(req.url ?? '/', url);
    const route = classify(method, parsedUrl.pathname);
    const log: RequestLogEntry = {
      seq: requests.length + 1,
      at: clock.now(),
      method,
      route,
      path: parsedUrl.pathname,
      query: parsedUrl.search,
      headers: { ...req.headers }
    };
    requests.push(log);
    const counter = callCounter(route);
    if (counter) counters[counter]++;
    const info: RequestInfo = {
      method,
      url: parsedUrl,
      headers: req.headers,
      body: await readBody(req),
      requestId: randomUUID()
    };
    if (routeGroup(route) === 'twirp') {
      try {
        log.body = JSON.parse(info.body.toString('utf8')) as unknown;
      } catch {
        // not JSON: the handler answers malformed
      }
    }
    const fault = faults.take(route);
    if (fault) {
      counters.faultsInjected++;
      log.fault = fault;
      if (fault.delayMs) await sleep(fault.delayMs);
      if (closed || fault.hang) return;
      if (fault.dropConnection) {
        log.status = 0;
        req.socket.destroy();
        return;
      }
    }
    let reply = (fault && faultReply(ctx, route, fault, info)) ?? dispatch(ctx, route, info);
    if (fault?.truncate !== undefined && fault.truncate !== false && reply.body !== undefined) {
      const length = Buffer.byteLength(reply.body);
      reply = { ...reply, truncateAt: fault.truncate === true ? Math.floor(length / 2) : fault.truncate };
    }
    log.status = reply.truncateAt !== undefined ? 0 : reply.status;
    send(res, reply, fault?.omitRequestId ? ['x-ms-request-id'] : []);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      send(res, twirpError('internal', `emulator error: ${(error as Error).message}`));
    });
  });

  const emulator: Emulator = {
    url,
    resultsUrl: `${url}/`,
    apiUrl: ctx.apiUrl,
    clock,
    counters,
    requests,
    mintToken: (ac, opts = {}) => mintRuntimeToken({ ...opts, ac, now: clock.now() }),
    setCacheMode: (mode) => void (settings.cacheMode = mode),
    setBudgetExhausted: (exhausted) => void (settings.budgetExhausted = exhausted),
    setConflictStyle: (style) => void (settings.conflictStyle = style),
    setBudgetBytes: (bytes) => void (settings.budgetBytes = bytes),
    grantRest: (token, grant) => void settings.restTokens.set(token, grant),
    setOpenPullRequests: (numbers) => void (settings.openPullRequests = [...numbers]),
    setRunJobs: (runId, jobs) =>
      void settings.runJobs.set(
        runId,
        jobs.map((j) => ({ ...j }))
      ),
    setPublicUrl: (origin) => void (ctx.baseUrl = origin.replace(/\/+$/, '')),
    failNext: (target, count, fault) => faults.add(target, count, fault),
    entries: () => ctx.store.all().map(entryInfo),
    nextEvictions: (n = 1) => ctx.store.lruOrder().slice(0, n).map(entryInfo),
    tick: () => {
      const expired = ctx.store.expire().map(entryInfo);
      return { expired, evicted: ctx.store.evictOverBudget().map(entryInfo) };
    },
    age: (ms) => ctx.store.age(ms),
    seed: (entry) => entryInfo(ctx.store.seed(entry)),
    blobData: (id) => ctx.store.get(id)?.data,
    deleteBlobData: (key, filter = {}) => {
      const matches = ctx.store
        .all()
        .filter((e) => e.key === key && (filter.ref ?? e.ref) === e.ref && (filter.version ?? e.version) === e.version);
      for (const e of matches) e.data = undefined;
      return matches.length;
    },
    deleteEntry: (id) => ctx.store.remove(id) !== undefined,
    onStoreEvent: (listener) => ctx.store.onEvent(listener),
    reset: () => {
      ctx.store.clear();
      Object.assign(counters, zeroCounters());
      requests.length = 0;
      faults.clear();
      ctx.createLimiter.clear();
      ctx.restLimiter.clear();
      ctx.sas.reset();
      ctx.usageSnapshot = undefined;
      Object.assign(settings, initialSettings(options));
      ctx.baseUrl = url;
      clock.set(startTime);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    }
  };
  return emulator;
}
