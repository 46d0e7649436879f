import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  checkRuntimeToken,
  mintRuntimeToken,
  Permission,
  startEmulator,
  type Emulator
} from '../support/emulator/index.js';
import { http, scopes, twirp, VERSION } from './client.js';

const NOW = Date.UTC(2026, 9, 1, 12);

describe('mintRuntimeToken / checkRuntimeToken', () => {
  test('ac is a JSON string inside an unverified three-segment JWT', () => {
    const token = mintRuntimeToken({ ac: scopes.feature('feat'), now: NOW });
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature.length).toBeGreaterThan(0);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(typeof claims.ac).toBe('string');
    expect(JSON.parse(claims.ac as string)).toEqual([
      { Scope: 'refs/heads/feat', Permission: 3 },
      { Scope: 'refs/heads/main', Permission: 1 }
    ]);
    expect(claims.exp).toBe(NOW / 1000 + 22_800);
    expect(claims.nbf).toBe(NOW / 1000 - 60);
    expect(checkRuntimeToken(token, NOW)).toEqual({
      ok: true,
      scopes: scopes.feature('feat'),
      exp: NOW / 1000 + 22_800,
      nbf: NOW / 1000 - 60
    });
  });

  test('alg none leaves the signature empty and still decodes', () => {
    const token = mintRuntimeToken({
      ac: [{ Scope: 'refs/heads/main', Permission: Permission.All }],
      alg: 'none',
      now: NOW
    });
    expect(token.endsWith('.')).toBe(true);
    expect(checkRuntimeToken(token, NOW).ok).toBe(true);
  });

  test('rejections: missing, wrong segments, missing/non-string ac, non-numeric exp, expired, not yet valid', () => {
    const reason = (token: string | undefined, now = NOW) => {
      const r = checkRuntimeToken(token, now);
      return r.ok ? 'ok' : `${r.reason}: ${r.message}`;
    };
    expect(reason(undefined)).toBe('missing: missing bearer token');
    expect(reason('not-a-jwt')).toBe('malformed: token contains an invalid number of segments');
    expect(reason(mintRuntimeToken({ ac: [], now: NOW, claims: { ac: undefined } }))).toMatch(
      /without access controls/
    );
    expect(reason(mintRuntimeToken({ ac: [], now: NOW, claims: { ac: [{ Scope: 'x', Permission: 3 }] } }))).toMatch(
      /not a string/
    );
    expect(reason(mintRuntimeToken({ ac: [], now: NOW, claims: { exp: '123' } }))).toMatch(/numeric/);
    const token = mintRuntimeToken({ ac: scopes.main, now: NOW, exp: NOW / 1000 + 10 });
    expect(reason(token, NOW + 11_000)).toBe('expired: cache token expired at 2026-10-01T12:00:10.000Z');
    expect(reason(mintRuntimeToken({ ac: scopes.main, now: NOW, nbf: NOW / 1000 + 60 }))).toMatch(
      /^not-yet-valid: invalid token with future issue time/
    );
  });
});

describe('twirp authentication', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ startTime: NOW });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  test('401 unauthenticated for a missing or malformed token', async () => {
    const missing = await twirp(emu, 'CreateCacheEntry', undefined, { key: 'k', version: VERSION });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ code: 'unauthenticated', msg: 'missing bearer token' });
    const malformed = await twirp(emu, 'GetCacheEntryDownloadURL', 'abc.def', { key: 'k', version: VERSION });
    expect(malformed.status).toBe(401);
    expect(malformed.json.msg).toBe('token contains an invalid number of segments');
    const basic = await http(`${emu.url}/twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: '{}'
    });
    expect(basic.status).toBe(401);
    expect(emu.counters.unauthenticated).toBe(3);
  });

  test('expiry follows the emulator clock', async () => {
    const token = emu.mintToken(scopes.main);
    expect((await twirp(emu, 'CreateCacheEntry', token, { key: 'k', version: VERSION })).status).toBe(200);
    emu.clock.advance(22_800_000);
    const expired = await twirp(emu, 'CreateCacheEntry', token, { key: 'k2', version: VERSION });
    expect(expired.status).toBe(401);
    expect(expired.json.msg).toMatch(/^cache token expired at /);
    const future = emu.mintToken(scopes.main, { nbf: emu.clock.now() / 1000 + 3600 });
    expect((await twirp(emu, 'CreateCacheEntry', future, { key: 'k3', version: VERSION })).json.msg).toMatch(
      /future issue time/
    );
  });
});
