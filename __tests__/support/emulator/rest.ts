/** The REST cache management API under the emulator's `apiUrl`. */
import type { RequestInfo, ServiceContext } from './context.js';
import { json, restError, type Reply } from './http.js';
import type { Entry } from './store.js';
import type { RestGrant, RestRoute } from './types.js';
import { DAY } from './clock.js';

const GIB = 1024 ** 3;
const SORTS = ['created_at', 'last_accessed_at', 'size_in_bytes'] as const;
type Sort = (typeof SORTS)[number];

interface Parsed {
  route: RestRoute | 'rest.unknown';
  owner?: string;
  repo?: string;
  id?: string;
}

/** Classifies a path below the REST prefix (e.g. `/repos/o/r/actions/caches`). */
export function parseRestPath(method: string, path: string): Parsed {
  const jobs = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)(?:\/attempts\/\d+)?\/jobs\/?$/.exec(path);
  if (jobs)
    return { route: method === 'GET' ? 'rest.run-jobs' : 'rest.unknown', owner: jobs[1], repo: jobs[2], id: jobs[3] };
  const pulls = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/?$/.exec(path);
  if (pulls) return { route: method === 'GET' ? 'rest.pulls' : 'rest.unknown', owner: pulls[1], repo: pulls[2] };
  const m =
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/(caches|caches\/([^/]+)|cache\/(usage|storage-limit|retention-limit))\/?$/.exec(
      path
    );
  if (!m) return { route: 'rest.unknown' };
  const [, owner, repo, tail, id, sub] = m;
  const at = (route: RestRoute | 'rest.unknown'): Parsed => ({ route, owner, repo, id });
  if (tail === 'caches')
    return at(method === 'GET' ? 'rest.list' : method === 'DELETE' ? 'rest.delete-by-key' : 'rest.unknown');
  if (id !== undefined) return at(method === 'DELETE' ? 'rest.delete-by-id' : 'rest.unknown');
  return at(method === 'GET' ? (`rest.${sub}` as RestRoute) : 'rest.unknown');
}

function restToken(header: string | undefined): string | undefined {
  const m = /^(?:Bearer|token)\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : undefined;
}

function allows(grant: RestGrant, needed: 'read' | 'write'): boolean {
  return grant === 'write' || (grant === 'read' && needed === 'read');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function cacheJson(e: Entry): Record<string, unknown> {
  return {
    id: e.id,
    ref: e.ref,
    key: e.key,
    version: e.version,
    last_accessed_at: iso(e.lastAccessedAt),
    created_at: iso(e.createdAt),
    size_in_bytes: e.size
  };
}

export function handleRest(ctx: ServiceContext, req: RequestInfo, path: string): Reply {
  const parsed = parseRestPath(req.method, path);
  const token = restToken(req.headers.authorization);
  if (!token) return restError(401, 'Requires authentication');
  const grant = ctx.settings.restTokens.get(token);
  if (grant === undefined) return restError(401, 'Bad credentials');

  const now = ctx.clock.now();
  const limiter = ctx.restLimiter;
  const exhausted = limiter.used(now) >= limiter.limit;
  if (!exhausted) limiter.record(now);
  const used = limiter.used(now);
  const rate = {
    'x-ratelimit-limit': String(limiter.limit),
    'x-ratelimit-remaining': String(Math.max(0, limiter.limit - used)),
    'x-ratelimit-used': String(used),
    'x-ratelimit-reset': String(limiter.resetAt(now)),
    'x-ratelimit-resource': 'core'
  };
  const withRate = (reply: Reply): Reply => ({ ...reply, headers: { ...reply.headers, ...rate } });
  if (exhausted)
    return withRate(restError(403, `API rate limit exceeded for installation. (limit ${limiter.limit} per hour)`));

  const [owner, repo] = ctx.settings.repository.toLowerCase().split('/');
  if (parsed.route === 'rest.unknown' || parsed.owner?.toLowerCase() !== owner || parsed.repo?.toLowerCase() !== repo) {
    return withRate(restError(404, 'Not Found'));
  }
  const needed = req.method === 'GET' ? 'read' : 'write';
  if (!allows(grant, needed)) return withRate(restError(403, 'Resource not accessible by integration'));
  return withRate(dispatch(ctx, req, parsed));
}

function dispatch(ctx: ServiceContext, req: RequestInfo, parsed: Parsed): Reply {
  const q = req.url.searchParams;
  switch (parsed.route) {
    case 'rest.list':
      return list(ctx, req);
    case 'rest.usage':
      return usage(ctx);
    case 'rest.storage-limit':
      return json(200, { max_cache_size_gb: ctx.settings.budgetBytes / GIB });
    case 'rest.retention-limit':
      return json(200, { max_cache_retention_days: ctx.settings.retentionMs / DAY });
    case 'rest.delete-by-key':
      return deleteByKey(ctx, q.get('key'), q.get('ref'));
    case 'rest.delete-by-id':
      return deleteById(ctx, parsed.id ?? '');
    case 'rest.pulls':
      return pulls(ctx, req);
    case 'rest.run-jobs':
      return runJobs(ctx, req, parsed.id ?? '');
    default:
      return restError(404, 'Not Found');
  }
}

function list(ctx: ServiceContext, req: RequestInfo): Reply {
  const q = req.url.searchParams;
  const sort = (q.get('sort') ?? 'last_accessed_at') as Sort;
  const direction = q.get('direction') ?? 'desc';
  if (!SORTS.includes(sort) || (direction !== 'asc' && direction !== 'desc')) {
    return restError(
      422,
      'Validation Failed: sort must be created_at, last_accessed_at or size_in_bytes; direction asc or desc'
    );
  }
  const perPage = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '30', 10) || 30));
  const page = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1);
  const key = q.get('key');
  const ref = q.get('ref');
  const value = (e: Entry): number =>
    sort === 'created_at' ? e.createdAt : sort === 'size_in_bytes' ? e.size : e.lastAccessedAt;
  const sign = direction === 'asc' ? 1 : -1;
  const matching = ctx.store
    .committed()
    .filter((e) => (key ? e.key.startsWith(key) : true) && (ref ? e.ref === ref : true))
    .sort((a, b) => sign * (value(a) - value(b) || a.id - b.id));
  const items = matching.slice((page - 1) * perPage, page * perPage).map(cacheJson);
  const lastPage = Math.max(1, Math.ceil(matching.length / perPage));
  return json(200, { total_count: matching.length, actions_caches: items }, linkHeader(ctx, req, page, lastPage));
}

function linkHeader(ctx: ServiceContext, req: RequestInfo, page: number, lastPage: number): Record<string, string> {
  const link = (p: number, rel: string): string => {
    const params = new URLSearchParams(req.url.searchParams);
    params.set('page', String(p));
    return `<${ctx.baseUrl}${req.url.pathname}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  return links.length > 0 ? { link: links.join(', ') } : {};
}

/** `GET …/pulls`: only `state=open` (the default) lists anything; `{number, state}` per pull request, paged. */
function pulls(ctx: ServiceContext, req: RequestInfo): Reply {
  const q = req.url.searchParams;
  const state = q.get('state') ?? 'open';
  const perPage = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '30', 10) || 30));
  const page = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1);
  const open = state === 'open' || state === 'all' ? [...ctx.settings.openPullRequests].sort((a, b) => b - a) : [];
  return json(
    200,
    open.slice((page - 1) * perPage, page * perPage).map((number) => ({ number, state: 'open' }))
  );
}

/** `GET …/actions/runs/{run_id}/jobs`: `{total_count, jobs: [{id, run_id, name, status}]}`, paged; unknown run: 404. */
function runJobs(ctx: ServiceContext, req: RequestInfo, runId: string): Reply {
  const jobs = ctx.settings.runJobs.get(runId);
  if (!jobs) return restError(404, 'Not Found');
  const q = req.url.searchParams;
  const perPage = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '30', 10) || 30));
  const page = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1);
  const items = jobs.map((j, i) => ({ id: i + 1, run_id: Number(runId), name: j.name, status: j.status }));
  return json(200, { total_count: items.length, jobs: items.slice((page - 1) * perPage, page * perPage) });
}

function usage(ctx: ServiceContext): Reply {
  const now = ctx.clock.now();
  const snapshot = ctx.usageSnapshot;
  if (!snapshot || ctx.settings.usageLagMs <= 0 || now - snapshot.at >= ctx.settings.usageLagMs) {
    const entries = ctx.store.committed();
    ctx.usageSnapshot = { at: now, size: entries.reduce((s, e) => s + e.size, 0), count: entries.length };
  }
  const { size, count } = ctx.usageSnapshot as { size: number; count: number };
  return json(200, {
    full_name: ctx.settings.repository,
    active_caches_size_in_bytes: size,
    active_caches_count: count
  });
}

function deleteByKey(ctx: ServiceContext, key: string | null, ref: string | null): Reply {
  if (!key) return restError(422, 'Invalid request.\n\n"key" wasn\'t supplied.');
  const doomed = ctx.store.committed().filter((e) => e.key === key && (ref ? e.ref === ref : true));
  if (doomed.length === 0) return restError(404, 'Not Found');
  ctx.store.deleteEntries(doomed);
  return json(200, { total_count: doomed.length, actions_caches: doomed.map(cacheJson) });
}

function deleteById(ctx: ServiceContext, rawId: string): Reply {
  const id = /^\d+$/.test(rawId) ? Number(rawId) : NaN;
  const entry = Number.isSafeInteger(id) ? ctx.store.get(id) : undefined;
  if (!entry || !entry.committed) return restError(404, 'Not Found');
  ctx.store.deleteEntries([entry]);
  return { status: 204 };
}
