/**
 * Runtime token (ACTIONS_RUNTIME_TOKEN) helpers: mint unsigned test JWTs and decode them the way
 * BuildKit's go-actions-cache does (no signature check; `ac` is a JSON *string*).
 */
import { createHmac } from 'node:crypto';

/** `Permission` bits in the `ac` claim. */
export const Permission = { None: 0, Read: 1, Write: 2, All: 3 } as const;

export interface AccessControl {
  Scope: string;
  Permission: number;
}

export interface MintTokenOptions {
  ac: AccessControl[];
  /** Expiry, Unix seconds. Default: `now` + 6 h 20 min (the toolkit fixture's span). */
  exp?: number;
  /** Not-before, Unix seconds. Default: `now` - 60 s. */
  nbf?: number;
  /** Reference time in ms for the defaults. Default: Date.now(); pass `emulator.clock.now()` to follow the emulator's clock. */
  now?: number;
  /** `HS256` (default) carries a dummy signature; `none` leaves the signature segment empty. */
  alg?: 'HS256' | 'none';
  /** Extra or overriding claims, e.g. `{ ac: [] }` to produce a token with a non-string `ac`. */
  claims?: Record<string, unknown>;
}

const TOKEN_LIFETIME_SECONDS = 22_800;

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

export function mintRuntimeToken(options: MintTokenOptions): string {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const alg = options.alg ?? 'HS256';
  const header = base64url(JSON.stringify({ alg, typ: 'JWT' }));
  const claims = {
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vso:00000000-0000-0000-0000-000000000000',
    nbf: options.nbf ?? nowSeconds - 60,
    exp: options.exp ?? nowSeconds + TOKEN_LIFETIME_SECONDS,
    ac: JSON.stringify(options.ac),
    ...options.claims
  };
  const payload = base64url(JSON.stringify(claims));
  const signature =
    alg === 'none' ? '' : createHmac('sha256', 'not-a-secret').update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export type TokenCheck =
  | { ok: true; scopes: AccessControl[]; exp: number; nbf: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'not-yet-valid'; message: string };

/** `Authorization: Bearer <token>` → token (case-insensitive scheme). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Decodes without verifying the signature and checks `ac`, `exp` and `nbf` against `nowMs`. */
export function checkRuntimeToken(token: string | undefined, nowMs: number): TokenCheck {
  if (!token) return { ok: false, reason: 'missing', message: 'missing bearer token' };
  const parts = token.split('.');
  if (parts.length !== 3)
    return { ok: false, reason: 'malformed', message: 'token contains an invalid number of segments' };
  let claims: Record<string, unknown>;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw new Error('not an object');
    claims = decoded as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed', message: 'token payload is not valid JSON' };
  }
  if (claims.ac === undefined)
    return { ok: false, reason: 'malformed', message: 'invalid token without access controls' };
  if (typeof claims.ac !== 'string')
    return { ok: false, reason: 'malformed', message: 'invalid token: access controls claim is not a string' };
  const { exp, nbf } = claims;
  if (typeof exp !== 'number' || typeof nbf !== 'number') {
    return { ok: false, reason: 'malformed', message: 'invalid token: exp and nbf must be numeric' };
  }
  let scopes: AccessControl[];
  try {
    scopes = parseAccessControls(claims.ac);
  } catch (error) {
    return { ok: false, reason: 'malformed', message: `invalid token access controls: ${(error as Error).message}` };
  }
  const nowSeconds = nowMs / 1000;
  if (exp <= nowSeconds) return { ok: false, reason: 'expired', message: `cache token expired at ${isoSeconds(exp)}` };
  if (nbf > nowSeconds)
    return { ok: false, reason: 'not-yet-valid', message: `invalid token with future issue time ${isoSeconds(nbf)}` };
  return { ok: true, scopes, exp, nbf };
}

function parseAccessControls(ac: string): AccessControl[] {
  const parsed: unknown = JSON.parse(ac);
  if (!Array.isArray(parsed)) throw new Error('not an array');
  return parsed.map((item) => {
    const scope = (item as { Scope?: unknown }).Scope;
    const permission = (item as { Permission?: unknown }).Permission;
    if (typeof scope !== 'string' || typeof permission !== 'number')
      throw new Error('entries need a string Scope and a numeric Permission');
    return { Scope: scope, Permission: permission };
  });
}

/** The ref writes go to: the first scope with the write bit. */
export function writableScope(scopes: AccessControl[]): string | undefined {
  return scopes.find((s) => (s.Permission & Permission.Write) !== 0)?.Scope;
}

/** Refs reads search, in order: the writable ref first (if readable), then the others in `ac` order. */
export function readableScopes(scopes: AccessControl[]): string[] {
  const readable = scopes.filter((s) => (s.Permission & Permission.Read) !== 0).map((s) => s.Scope);
  const own = writableScope(scopes);
  const ordered = own !== undefined && readable.includes(own) ? [own, ...readable.filter((r) => r !== own)] : readable;
  return [...new Set(ordered)];
}
