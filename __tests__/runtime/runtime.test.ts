import { describe, expect, test } from '@jest/globals';
import { isGhes, readRuntime } from '../../src/runtime/runtime.js';
import { decodeRuntimeToken, TokenError } from '../../src/runtime/token.js';
import { jwt } from '../support/runtime.js';

describe('runtime token', () => {
  test('decodes the ac claim (a JSON string) into readable and writable refs', () => {
    const token = decodeRuntimeToken(
      jwt([
        { Scope: 'refs/heads/feat', Permission: 3 },
        { Scope: 'refs/heads/main', Permission: 1 }
      ])
    );
    expect(token.refs).toEqual([
      { ref: 'refs/heads/feat', read: true, write: true },
      { ref: 'refs/heads/main', read: true, write: false }
    ]);
    expect(token.exp).toBe(2000000000);
  });

  test.each([
    ['not-a-jwt', 'has 1 segments where a JWT has 3'],
    ['a.!!!.c', 'not base64url-encoded JSON'],
    [`x.${Buffer.from('{"sub":"x"}').toString('base64url')}.y`, 'no access-control claim "ac"'],
    [`x.${Buffer.from('{"ac":"nope"}').toString('base64url')}.y`, '"ac" claim is not JSON'],
    [`x.${Buffer.from(JSON.stringify({ ac: '[]', exp: 'soon' })).toString('base64url')}.y`, '"exp" claim is not a number']
  ])('a malformed token is a clear error: %s', (token, message) => {
    expect(() => decodeRuntimeToken(token)).toThrow(TokenError);
    expect(() => decodeRuntimeToken(token)).toThrow(message);
  });
});

describe('runtime', () => {
  test('reads the event payload for the default branch and pull requests (fork detection)', () => {
    const payload = {
      repository: { full_name: 'octo/repo', default_branch: 'trunk' },
      pull_request: { number: 12, base: { ref: 'trunk', repo: { full_name: 'octo/repo' } }, head: { ref: 'fix', repo: { full_name: 'someone/repo' } } }
    };
    const rt = readRuntime({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/12/merge' }, JSON.stringify(payload));
    expect(rt.defaultBranch).toBe('trunk');
    expect(rt.pullRequest).toEqual({ number: 12, fork: true, baseRef: 'trunk', headRef: 'fix' });
    expect(rt.refName).toBe('refs/pull/12/merge');
  });

  test('cache service endpoints, v2 flag and cache mode', () => {
    const rt = readRuntime({ ACTIONS_RESULTS_URL: 'https://r/', ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_CACHE_MODE: 'Read' });
    expect(rt.cacheService).toMatchObject({ resultsUrl: 'https://r/', v2: true, mode: 'read' });
    expect(readRuntime({ ACTIONS_CACHE_SERVICE_V2: 'false' }).cacheService.v2).toBe(false);
  });

  test('a malformed runtime token is kept as a problem, not a crash', () => {
    expect(readRuntime({ ACTIONS_RUNTIME_TOKEN: 'garbage' }).cacheService.tokenProblem).toContain('segments');
  });

  test.each([
    ['https://github.com', false],
    ['https://octo.ghe.com', false],
    ['http://github.localhost', false],
    ['https://git.example.com', true]
  ])('isGhes(%s) = %s', (url, ghes) => {
    expect(isGhes(url)).toBe(ghes);
  });
});
