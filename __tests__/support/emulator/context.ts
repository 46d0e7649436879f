/** State shared by the route handlers. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from './clock.js';
import type { SlidingWindow } from './faults.js';
import type { SasSigner } from './sas.js';
import type { CacheStore, StoreSettings } from './store.js';
import type { CacheMode, ConflictStyle, Counters, RestGrant, RunJob } from './types.js';

export interface Settings extends StoreSettings {
  cacheMode: CacheMode;
  budgetExhausted: boolean;
  conflictStyle: ConflictStyle;
  sasTtlMs: number;
  repository: string;
  restTokens: Map<string, RestGrant>;
  usageLagMs: number;
  openPullRequests: number[];
  runJobs: Map<string, RunJob[]>;
}

export interface ServiceContext {
  clock: Clock;
  store: CacheStore;
  sas: SasSigner;
  counters: Counters;
  settings: Settings;
  createLimiter: SlidingWindow;
  restLimiter: SlidingWindow;
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** REST base, e.g. `http://127.0.0.1:PORT/api` */
  apiUrl: string;
  usageSnapshot?: { at: number; size: number; count: number };
}

export interface RequestInfo {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
}
