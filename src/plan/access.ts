/**
 * What the runtime allows: whether this run may export and import cache, from ACTIONS_CACHE_MODE, the
 * runtime token's `ac` refs and the event, combined with `cache-write`. Each outcome carries its reason.
 */
import type { Backend } from '../cache/backends.js';
import type { Auto } from '../inputs/inputs.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Decision } from './plan.js';

export interface Access {
  export: boolean;
  import: boolean;
  /** Refs the token can read and the one it can write (GitHub-cache backends). */
  readable: string[];
  writable?: string;
  decisions: Decision[];
  warnings: string[];
  problems: string[];
}

/** Backends whose entries live in the GitHub cache, where the runner's token and cache mode rule. */
const GITHUB_CACHE: readonly Backend[] = ['gha'];
/** Backends whose entries every branch shares; pull requests only read them unless told to write. */
const SHARED_STORE: readonly Backend[] = ['registry', 's3'];

const PR_EVENTS = ['pull_request', 'pull_request_target'];

/** A long build may outlive the runtime token; BuildKit then fails with "cache token expired". */
export const TOKEN_MARGIN_SECONDS = 2 * 3600;

export function decideAccess(backend: Backend, cacheWrite: Auto<boolean>, rt: Runtime, nowSeconds: number): Access {
  const a: Access = { export: cacheWrite !== false, import: true, readable: [], decisions: [], warnings: [], problems: [] };
  const skipExport = (reason: string) => {
    if (a.export && cacheWrite === true) a.warnings.push(`cache-write is true, but the export is skipped: ${reason}`);
    a.export = false;
    a.decisions.push({ topic: 'export', outcome: 'skipped', reason });
  };
  if (cacheWrite === false) a.decisions.push({ topic: 'export', outcome: 'skipped', reason: 'cache-write is false' });

  if (GITHUB_CACHE.includes(backend)) {
    const cs = rt.cacheService;
    if (cs.tokenProblem) {
      a.problems.push(`ACTIONS_RUNTIME_TOKEN cannot be read: ${cs.tokenProblem}. The gha backend needs the runner's own runtime token; do not override it`);
      return a;
    }
    const mode = cs.mode;
    if (mode === 'read' || mode === 'none') skipExport(`ACTIONS_CACHE_MODE=${mode}`);
    if (mode === 'write-only' || mode === 'none') {
      a.import = false;
      a.decisions.push({ topic: 'import', outcome: 'skipped', reason: `ACTIONS_CACHE_MODE=${mode}` });
    }
    const token = cs.decoded;
    if (token) {
      a.readable = token.refs.filter((r) => r.read).map((r) => r.ref);
      a.writable = token.refs.find((r) => r.write)?.ref;
      a.decisions.push({
        topic: 'refs',
        outcome: a.writable ? `write ${a.writable}` : 'read only',
        reason: `the runtime token can read ${a.readable.length ? a.readable.join(', ') : 'no ref'}${a.writable ? ` and write ${a.writable}` : ' and write none'}`
      });
      if (!a.writable && a.export) skipExport(`the runtime token has no writable ref (${rt.event || 'this event'} gets a read-only cache token)`);
      if (token.exp !== undefined && a.export) {
        const left = token.exp - nowSeconds;
        if (left <= 0) {
          skipExport(`the runtime token expired ${Math.round(-left / 60)} min ago`);
          a.import = false;
          a.decisions.push({ topic: 'import', outcome: 'skipped', reason: 'the runtime token has expired' });
        } else if (left < TOKEN_MARGIN_SECONDS)
          a.warnings.push(
            `The runtime token expires in ${Math.round(left / 60)} min; a build that runs longer fails its cache export with "cache token expired". Split long jobs`
          );
      }
    }
  }

  if (SHARED_STORE.includes(backend) && PR_EVENTS.includes(rt.event) && a.export) {
    if (rt.pullRequest?.fork) skipExport('pull requests from forks never write to a shared cache');
    else if (cacheWrite === 'auto')
      skipExport(`${rt.event} only reads the ${backend} cache, which every branch shares (set cache-write: true to let pull requests write)`);
  }
  return a;
}
