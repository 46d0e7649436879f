/**
 * What the runtime allows: whether this run may export and import cache, from ACTIONS_CACHE_MODE, the
 * runtime token's `ac` refs and the event, combined with `cache-write`. Each outcome carries its reason.
 *
 * The trust boundary comes first, on every backend: code from a fork (the head repository differs from
 * the base, is a fork, was deleted, or cannot be known) never exports, whatever cache-write says; an
 * untrusted trigger (pull_request_target, workflow_run, issue_comment, or another event carrying a pull
 * request) only reads unless cache-write is true. The runtime token is not relied on for either: GHES and
 * older runners hand such events a token that can write the base branch.
 */
import { backendOf } from '../backends/index.js';
import type { CacheType } from '../backends/attributes.js';
import type { Auto } from '../inputs/inputs.js';
import { echo } from '../text/text.js';
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
  /** Why the event is untrusted, when cache-write: true lets it export anyway (the planner says whose cache it writes). */
  optedIn?: string;
}

/** A long build may outlive the runtime token; BuildKit then fails with "cache token expired". */
const TOKEN_MARGIN_SECONDS = 2 * 3600;

export function decideAccess(backend: CacheType, cacheWrite: Auto<boolean>, rt: Runtime, nowSeconds: number): Access {
  const a: Access = {
    export: cacheWrite !== false,
    import: true,
    readable: [],
    decisions: [],
    warnings: [],
    problems: []
  };
  const skipExport = (reason: string) => {
    if (a.export && cacheWrite === true) a.warnings.push(`cache-write is true, but the export is skipped: ${reason}`);
    a.export = false;
    a.decisions.push({ topic: 'export', outcome: 'skipped', reason });
  };
  if (cacheWrite === false) a.decisions.push({ topic: 'export', outcome: 'skipped', reason: 'cache-write is false' });

  const event = echo(rt.event, 60) || 'this event';
  if (a.export && rt.head && rt.head.origin !== 'same')
    skipExport(
      `${event}: ${rt.head.detail}. ${rt.head.origin === 'unknown' ? 'A head that cannot be known is treated as a fork, and code' : 'Code'} from a fork never writes a cache, whatever cache-write says`
    );
  else if (a.export && rt.untrusted) {
    if (cacheWrite === 'auto')
      skipExport(
        `${rt.untrusted}, so with cache-write: auto it only reads, on every backend (set cache-write: true to let a same-repository ${event} write)`
      );
    else a.optedIn = rt.untrusted;
  }

  // Entries in the GitHub cache: the runner's token and cache mode rule.
  if (backendOf(backend).store === 'github-cache') {
    const cs = rt.cacheService;
    if (cs.tokenProblem) {
      a.problems.push(
        `ACTIONS_RUNTIME_TOKEN cannot be read: ${cs.tokenProblem}. The ${backend} backend needs the runner's own runtime token; do not override it`
      );
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
      if (!a.writable && a.export)
        skipExport(`the runtime token has no writable ref (${rt.event || 'this event'} gets a read-only cache token)`);
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

  // Entries every branch shares: pull requests only read them unless told to write.
  if (backendOf(backend).store === 'shared-store' && rt.event === 'pull_request' && a.export && cacheWrite === 'auto')
    skipExport(
      `${rt.event} only reads the ${backend} cache, which every branch shares (set cache-write: true to let pull requests write)`
    );
  if (!a.export) a.optedIn = undefined;
  return a;
}
