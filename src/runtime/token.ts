/** The runner's ACTIONS_RUNTIME_TOKEN: a JWT whose `ac` claim lists the cache refs it may read and write. */
import { parseJson, type Parsed } from '../http/parse.js';

export interface RefAccess {
  ref: string;
  read: boolean;
  write: boolean;
}

export interface RuntimeToken {
  refs: RefAccess[];
  /** Unix seconds. */
  exp?: number;
  nbf?: number;
}

/** Base64url, then JSON: the reason names what failed, never the text (it is part of a secret). */
function decodeSegment(segment: string): Parsed<unknown> {
  const json = Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return parseJson(json, (value) => ({ ok: true, value }));
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The refs of the `ac` claim, or what is wrong with it. */
function refsOf(acClaim: string): Parsed<RefAccess[]> {
  const ac = parseJson(acClaim, (value) => ({ ok: true, value }));
  if (!ac.ok) return { ok: false, reason: 'its "ac" claim is not JSON' };
  if (!Array.isArray(ac.value)) return { ok: false, reason: 'its "ac" claim is not a list' };
  const refs: RefAccess[] = [];
  for (const entry of ac.value as { Scope?: unknown; Permission?: unknown }[]) {
    if (typeof entry?.Scope !== 'string' || typeof entry.Permission !== 'number')
      return { ok: false, reason: 'an "ac" entry lacks Scope or Permission' };
    refs.push({ ref: entry.Scope, read: (entry.Permission & 1) !== 0, write: (entry.Permission & 2) !== 0 });
  }
  return { ok: true, value: refs };
}

/** Decodes without verifying the signature, as BuildKit does; a malformed token gives the reason in plain words. */
export function decodeRuntimeToken(token: string): Parsed<RuntimeToken> {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: `it has ${parts.length} segments where a JWT has 3` };
  const payload = decodeSegment(parts[1]);
  if (!payload.ok) return { ok: false, reason: 'its payload is not base64url-encoded JSON' };
  const claims = payload.value;
  if (!isRecord(claims)) return { ok: false, reason: 'its payload is not a JSON object' };
  if (typeof claims.ac !== 'string')
    return {
      ok: false,
      reason: 'it has no access-control claim "ac" (is it a GITHUB_TOKEN instead of the runtime token?)'
    };
  const refs = refsOf(claims.ac);
  if (!refs.ok) return refs;
  for (const name of ['exp', 'nbf'] as const)
    if (claims[name] !== undefined && typeof claims[name] !== 'number')
      return { ok: false, reason: `its "${name}" claim is not a number` };
  return {
    ok: true,
    value: { refs: refs.value, exp: claims.exp as number | undefined, nbf: claims.nbf as number | undefined }
  };
}
