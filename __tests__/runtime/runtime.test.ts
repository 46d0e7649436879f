import { describe, expect, test } from '@jest/globals';
import { isGhes, readRuntime } from '../../src/runtime/runtime.js';
import { decodeRuntimeToken } from '../../src/runtime/token.js';
import { issueCommentPayload, prPayload, workflowRunPayload } from '../fixtures/events.js';
import { jwt } from '../support/runtime.js';

describe('runtime token', () => {
  test('decodes the ac claim (a JSON string) into readable and writable refs', () => {
    const read = decodeRuntimeToken(
      jwt([
        { Scope: 'refs/heads/feat', Permission: 3 },
        { Scope: 'refs/heads/main', Permission: 1 }
      ])
    );
    if (!read.ok) throw new Error(read.reason);
    const token = read.value;
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
    [
      `x.${Buffer.from(JSON.stringify({ ac: '[]', exp: 'soon' })).toString('base64url')}.y`,
      '"exp" claim is not a number'
    ],
    [`x.${Buffer.from('[1]').toString('base64url')}.y`, 'payload is not a JSON object'],
    [`x.${Buffer.from(JSON.stringify({ ac: '{}' })).toString('base64url')}.y`, '"ac" claim is not a list'],
    [`x.${Buffer.from(JSON.stringify({ ac: '[{"Scope":1}]' })).toString('base64url')}.y`, 'lacks Scope or Permission']
  ])('a malformed token gives a clear reason, never throws: %s', (token, message) => {
    const read = decodeRuntimeToken(token);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.reason).toContain(message);
  });
});

describe('runtime', () => {
  test('reads the event payload for the default branch and pull requests (fork detection)', () => {
    const payload = {
      repository: { full_name: 'octo/repo', default_branch: 'trunk' },
      pull_request: {
        number: 12,
        base: { ref: 'trunk', repo: { full_name: 'octo/repo' } },
        head: { ref: 'fix', repo: { full_name: 'someone/repo' } }
      }
    };
    const rt = readRuntime(
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/12/merge' },
      JSON.stringify(payload)
    );
    expect(rt.defaultBranch).toBe('trunk');
    expect(rt.pullRequest).toEqual({ number: 12, fork: true, baseRef: 'trunk', headRef: 'fix' });
    expect(rt.refName).toBe('refs/pull/12/merge');
  });

  test('cache service endpoints, v2 flag and cache mode', () => {
    const rt = readRuntime({
      ACTIONS_RESULTS_URL: 'https://r/',
      ACTIONS_CACHE_SERVICE_V2: 'True',
      ACTIONS_CACHE_MODE: 'Read'
    });
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

describe('the event file', () => {
  const env = { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '/runner/_temp/_github_workflow/event.json' };
  const where = 'GITHUB_EVENT_PATH (/runner/_temp/_github_workflow/event.json): ';
  const fix = '; the runner writes the triggering event there as a JSON object; do not override GITHUB_EVENT_PATH';

  test.each<[string, string | { problem: string }, string]>([
    ['an empty file', '', 'the file is empty'],
    ['whitespace only', ' \n', 'the file is empty'],
    ['null', 'null', 'the file holds null, not a JSON object'],
    ['an array', '[]', 'the file holds an array, not a JSON object'],
    ['a number', '42', 'the file holds a number, not a JSON object'],
    ['a directory (from the shell)', { problem: 'it is a directory, not a file' }, 'it is a directory, not a file'],
    ['a missing file (from the shell)', { problem: 'no such file' }, 'no such file']
  ])('%s is one problem naming GITHUB_EVENT_PATH and what is wrong', (_n, event, what) => {
    const rt = readRuntime(env, event);
    expect(rt.problems).toEqual([`${where}${what}${fix}`]);
    expect(rt.pullRequest).toBeUndefined();
  });

  test("invalid JSON says so on one line, with the parser's words", () => {
    const [problem, ...more] = readRuntime(env, '{"repository": {\n').problems;
    expect(more).toEqual([]);
    expect(problem).toMatch(/^GITHUB_EVENT_PATH \(.+\): the file is not valid JSON \(.+\); the runner writes/);
    expect(problem).not.toMatch(/[\r\n]/);
  });

  test('no GITHUB_EVENT_PATH (a local run) means no payload and no problem', () => {
    const rt = readRuntime({ GITHUB_EVENT_NAME: 'push' });
    expect(rt.problems).toEqual([]);
    expect(rt.defaultBranch).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ['a word', 'twelve', '"twelve"'],
    ['a numeric string', '12', '"12"'],
    ['a fraction', 1.5, '1.5'],
    ['null', null, 'null'],
    ['missing', undefined, 'missing']
  ])('a pull request number that is %s is an error in the event, not "no pull request"', (_n, number, shown) => {
    const payload = prPayload('same repository');
    payload.pull_request.number = number; // undefined: JSON leaves the key out
    const rt = readRuntime({ ...env, GITHUB_EVENT_NAME: 'pull_request' }, JSON.stringify(payload));
    expect(rt.problems).toEqual([
      `${where}pull_request.number is ${shown}, not a pull request number; the event file does not look like a GitHub webhook payload`
    ]);
    expect(rt.pullRequest).toBeUndefined();
  });
});

describe('who the run acts for', () => {
  const read = (event: string, payload: unknown) =>
    readRuntime({ GITHUB_EVENT_NAME: event, GITHUB_REPOSITORY: 'octo/envd-demo' }, JSON.stringify(payload));

  test.each([
    ['same repository', 'same', false],
    ['other full_name', 'fork', true],
    ['fork: true', 'fork', true],
    ['repo: null', 'fork', true]
  ] as const)('pull_request, head %s: %s', (shape, origin, fork) => {
    const rt = read('pull_request', prPayload(shape));
    expect(rt.head?.origin).toBe(origin);
    expect(rt.pullRequest).toMatchObject({ number: 12, fork, baseRef: 'main', headRef: 'feat' });
    expect(rt.untrusted).toBeUndefined();
  });

  test('full names compare without case, as GitHub does', () => {
    const payload = prPayload('same repository');
    payload.pull_request.head.repo = { full_name: 'Octo/ENVD-demo', fork: false };
    expect(read('pull_request', payload).head?.origin).toBe('same');
  });

  test('a head without a repository name cannot be known, and counts as a fork', () => {
    const payload = { repository: { full_name: 'octo/envd-demo' }, pull_request: { number: 3, head: { ref: 'x' } } };
    expect(read('pull_request', payload).head).toEqual({
      origin: 'unknown',
      detail: 'pull request #3 does not say which repository its head comes from (no head.repo.full_name)'
    });
    expect(read('pull_request', payload).pullRequest?.fork).toBe(true);
  });

  test.each([
    ['same repository', 'same'],
    ['other full_name', 'fork'],
    ['fork: true', 'fork'],
    ['repo: null', 'fork']
  ] as const)('workflow_run, head_repository %s: %s, and always untrusted', (shape, origin) => {
    const rt = read('workflow_run', workflowRunPayload(shape));
    expect(rt.head?.origin).toBe(origin);
    expect(rt.untrusted).toMatch(/^workflow_run runs after another workflow/);
    expect(rt.pullRequest).toBeUndefined();
  });

  test('workflow_run without a workflow_run object cannot say whose code it is', () => {
    expect(read('workflow_run', { repository: { full_name: 'octo/envd-demo' } }).head?.origin).toBe('unknown');
  });

  test('issue_comment: untrusted; on a pull request the head is unknown, on an issue there is none', () => {
    const onPr = read('issue_comment', issueCommentPayload(true));
    expect(onPr.untrusted).toMatch(/^issue_comment runs on the default branch/);
    expect(onPr.head).toEqual({
      origin: 'unknown',
      detail: 'pull request #12 is commented on, and the event does not say which repository its head comes from'
    });
    const onIssue = read('issue_comment', issueCommentPayload(false));
    expect(onIssue.untrusted).toMatch(/^issue_comment /);
    expect(onIssue.head).toBeUndefined();
  });

  test.each(['pull_request_target', 'pull_request_review', 'pull_request_review_comment'])(
    '%s carries a pull request it does not run as pull_request: untrusted',
    (event) => {
      const rt = read(event, prPayload('same repository'));
      expect(rt.untrusted).toMatch(new RegExp(`^${event} `));
      expect(rt.head?.origin).toBe('same');
    }
  );

  test.each(['push', 'workflow_dispatch', 'schedule', 'pull_request'])(
    '%s without a pull request from elsewhere is not untrusted',
    (event) => {
      expect(
        read(
          event,
          event === 'pull_request' ? prPayload('same repository') : { repository: { full_name: 'octo/envd-demo' } }
        ).untrusted
      ).toBeUndefined();
    }
  );

  test('a hostile repository name is echoed on one line', () => {
    const payload = prPayload('same repository');
    payload.pull_request.head.repo = { full_name: 'evil/x\n::error::pwned', fork: false };
    expect(read('pull_request', payload).head?.detail).toBe(
      'pull request #12 comes from another repository (evil/x\\n::error::pwned, not octo/envd-demo)'
    );
  });
});

describe("the runner's architecture", () => {
  test.each([
    ['X64', 'linux/amd64'],
    ['ARM64', 'linux/arm64'],
    ['ARM', 'linux/arm/v7'],
    ['X86', undefined],
    ['', undefined],
    [undefined, undefined]
  ])('RUNNER_ARCH=%s → %s', (arch, platform) => {
    const rt = readRuntime({ RUNNER_ARCH: arch });
    expect(rt.runnerPlatform).toBe(platform);
    expect(rt.runnerArch).toBe(arch || undefined);
  });
});
