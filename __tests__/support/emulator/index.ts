/** In-process emulator of the GitHub Actions cache service (twirp v2 + Azure blob data plane + REST). */
export { startEmulator, API_PREFIX, type Emulator } from './server.js';
export { Clock, SECOND, MINUTE, HOUR, DAY } from './clock.js';
export { BUILDKIT_CACHE_VERSION } from './store.js';
export { TWIRP_PREFIX } from './twirp.js';
export { mintRuntimeToken, checkRuntimeToken, Permission, type AccessControl, type MintTokenOptions } from './token.js';
export type {
  CacheMode,
  ConflictStyle,
  Counters,
  EmulatorOptions,
  EntryInfo,
  EvictionMode,
  Fault,
  FaultTarget,
  RequestLogEntry,
  RestGrant,
  RouteName,
  SeedEntry,
  StoreEvent,
  StoreEventKind
} from './types.js';
