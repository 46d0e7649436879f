/** The cache service v2 twirp JSON API (three methods). */
import type { ServiceContext, RequestInfo } from './context.js';
import { json, twirpError, type Reply } from './http.js';
import { bearerToken, checkRuntimeToken, readableScopes, writableScope, type AccessControl } from './token.js';
import type { TwirpMethod } from './types.js';

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
const METHODS: readonly string[] = ['CreateCacheEntry', 'FinalizeCacheEntryUpload', 'GetCacheEntryDownloadURL'];

export function twirpMethod(pathname: string): TwirpMethod | undefined {
  if (!pathname.startsWith(TWIRP_PREFIX)) return undefined;
  const name = pathname.slice(TWIRP_PREFIX.length);
  return METHODS.includes(name) ? (name as TwirpMethod) : undefined;
}

type Body = Record<string, unknown>;

/** Reads a field by its proto name or its lowerCamel JSON name, as proto3 JSON parsers do. */
function field(body: Body, name: string): unknown {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return body[name] ?? body[camel];
}

function stringField(body: Body, name: string, required: boolean): string | Reply {
  const value = field(body, name);
  if (value === undefined || value === null || value === '') {
    return required ? twirpError('invalid_argument', `${name} is required`) : '';
  }
  return typeof value === 'string' ? value : twirpError('invalid_argument', `${name} must be a string`);
}

/** int64 arrives as a JSON string (toolkit) or number (go-actions-cache); omitted means 0. */
function int64Field(body: Body, name: string): number | Reply {
  const value = field(body, name);
  if (value === undefined || value === null) return 0;
  const n =
    typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : twirpError('invalid_argument', `${name} must be a non-negative int64`);
}

function checkKey(key: string): Reply | undefined {
  if (key.length > 512) return twirpError('invalid_argument', 'key must be at most 512 characters');
  if (key.includes(',')) return twirpError('invalid_argument', 'key cannot contain commas');
  return undefined;
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value;
}

function writeDenial(ctx: ServiceContext, scopes: AccessControl[]): string | undefined {
  const { cacheMode, budgetExhausted } = ctx.settings;
  if (cacheMode === 'read' || cacheMode === 'none') return `cache write denied: cache mode is ${cacheMode}`;
  if (budgetExhausted)
    return 'cache write denied: cache budget exhausted, caches are read-only until the next billing cycle';
  if (writableScope(scopes) === undefined) return 'cache write denied: token has no writable scopes';
  return undefined;
}

export function handleTwirp(ctx: ServiceContext, req: RequestInfo): Reply {
  const name = req.url.pathname.slice(TWIRP_PREFIX.length);
  const method = twirpMethod(req.url.pathname);
  if (req.method !== 'POST' || !method) {
    return twirpError(
      'bad_route',
      `no handler for path "${req.url.pathname}"${req.method !== 'POST' ? ` (method ${req.method})` : ''}`
    );
  }
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (contentType !== 'application/json') return twirpError('bad_route', `unexpected Content-Type: "${contentType}"`);

  const token = checkRuntimeToken(bearerToken(req.headers.authorization), ctx.clock.now());
  if (!token.ok) {
    ctx.counters.unauthenticated++;
    return twirpError('unauthenticated', token.message);
  }
  let body: Body;
  try {
    const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Body;
  } catch {
    return twirpError('malformed', `failed to parse request body for ${name}`);
  }
  switch (method) {
    case 'CreateCacheEntry':
      return create(ctx, token.scopes, body);
    case 'FinalizeCacheEntryUpload':
      return finalize(ctx, token.scopes, body);
    case 'GetCacheEntryDownloadURL':
      return lookup(ctx, token.scopes, body);
  }
}

function create(ctx: ServiceContext, scopes: AccessControl[], body: Body): Reply {
  const key = stringField(body, 'key', true);
  const version = stringField(body, 'version', true);
  if (isReply(key)) return key;
  if (isReply(version)) return version;
  const invalid = checkKey(key);
  if (invalid) return invalid;
  const denied = writeDenial(ctx, scopes);
  if (denied) {
    ctx.counters.writeDenied++;
    return json(200, { ok: false, signed_upload_url: '', message: denied });
  }
  const now = ctx.clock.now();
  const retryAfter = ctx.createLimiter.retryAfterSeconds(now);
  if (retryAfter > 0) {
    ctx.counters.rateLimited++;
    return twirpError(
      'resource_exhausted',
      `cache entry creation rate limit exceeded (${ctx.createLimiter.limit} per minute); retry in ${retryAfter}s`,
      {
        'retry-after': String(retryAfter)
      }
    );
  }
  const ref = writableScope(scopes) as string;
  const reserved = ctx.store.reserve(ref, key, version);
  if (!reserved.ok) {
    ctx.counters.conflict++;
    const state = reserved.existing.committed ? 'exists' : 'is being created';
    const message = `cache entry with key ${key} and version ${version} already ${state} on ${ref}`;
    return ctx.settings.conflictStyle === 'ok_false'
      ? json(200, { ok: false, signed_upload_url: '', message })
      : twirpError('already_exists', message);
  }
  ctx.createLimiter.record(now);
  const url = ctx.sas.sign(ctx.baseUrl, reserved.entry.id, 'cw', now + ctx.settings.sasTtlMs);
  return json(200, { ok: true, signed_upload_url: url, message: '' });
}

function finalize(ctx: ServiceContext, scopes: AccessControl[], body: Body): Reply {
  const key = stringField(body, 'key', true);
  const version = stringField(body, 'version', true);
  const size = int64Field(body, 'size_bytes');
  if (isReply(key)) return key;
  if (isReply(version)) return version;
  if (isReply(size)) return size;
  const denied = writeDenial(ctx, scopes);
  if (denied) {
    ctx.counters.writeDenied++;
    return json(200, { ok: false, entry_id: '0', message: denied });
  }
  const result = ctx.store.finalize(writableScope(scopes) as string, key, version, size);
  if (!result.ok) return json(200, { ok: false, entry_id: '0', message: result.message });
  return json(200, { ok: true, entry_id: String(result.entry.id), message: '' });
}

function lookup(ctx: ServiceContext, scopes: AccessControl[], body: Body): Reply {
  const key = stringField(body, 'key', true);
  const version = stringField(body, 'version', true);
  if (isReply(key)) return key;
  if (isReply(version)) return version;
  const restoreKeys = field(body, 'restore_keys') ?? [];
  if (!Array.isArray(restoreKeys) || !restoreKeys.every((k) => typeof k === 'string')) {
    return twirpError('invalid_argument', 'restore_keys must be a list of strings');
  }
  const { cacheMode } = ctx.settings;
  const refs = readableScopes(scopes);
  const denied =
    cacheMode === 'none' || cacheMode === 'write-only'
      ? `cache read denied: cache mode is ${cacheMode}`
      : refs.length === 0
        ? 'cache read denied: token has no readable scopes'
        : undefined;
  if (denied) {
    ctx.counters.readDenied++;
    return twirpError('permission_denied', denied);
  }
  const hit = ctx.store.lookup(refs, [key, ...(restoreKeys as string[])], version);
  if (!hit) {
    ctx.counters.miss++;
    return json(200, { ok: false, signed_download_url: '', matched_key: '' });
  }
  ctx.counters.hit++;
  const url = ctx.sas.sign(ctx.baseUrl, hit.entry.id, 'r', ctx.clock.now() + ctx.settings.sasTtlMs);
  return json(200, { ok: true, signed_download_url: url, matched_key: hit.matchedKey });
}
