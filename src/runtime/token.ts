/** The runner's ACTIONS_RUNTIME_TOKEN: a JWT whose `ac` claim lists the cache refs it may read and write. */

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

export class TokenError extends Error {}

function decodeSegment(segment: string): unknown {
  const json = Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return JSON.parse(json);
}

/** Decodes without verifying the signature, as BuildKit does; a malformed token is a TokenError in plain words. */
export function decodeRuntimeToken(token: string): RuntimeToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError(`it has ${parts.length} segments where a JWT has 3`);
  let claims: Record<string, unknown>;
  try {
    claims = decodeSegment(parts[1]) as Record<string, unknown>;
  } catch {
    throw new TokenError('its payload is not base64url-encoded JSON');
  }
  if (claims === null || typeof claims !== 'object') throw new TokenError('its payload is not a JSON object');
  if (typeof claims.ac !== 'string') throw new TokenError('it has no access-control claim "ac" (is it a GITHUB_TOKEN instead of the runtime token?)');
  let ac: unknown;
  try {
    ac = JSON.parse(claims.ac);
  } catch {
    throw new TokenError('its "ac" claim is not JSON');
  }
  if (!Array.isArray(ac)) throw new TokenError('its "ac" claim is not a list');
  const refs = ac.map((entry: { Scope?: unknown; Permission?: unknown }) => {
    if (typeof entry?.Scope !== 'string' || typeof entry.Permission !== 'number')
      throw new TokenError('an "ac" entry lacks Scope or Permission');
    return { ref: entry.Scope, read: (entry.Permission & 1) !== 0, write: (entry.Permission & 2) !== 0 };
  });
  const num = (v: unknown, name: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new TokenError(`its "${name}" claim is not a number`);
    return v;
  };
  return { refs, exp: num(claims.exp, 'exp'), nbf: num(claims.nbf, 'nbf') };
}
