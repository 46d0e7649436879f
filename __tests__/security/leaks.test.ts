/**
 * Issue 10 items 4 and 5, against the bundle as the runner runs it (scripts/harness.mjs, dist/index.js):
 * secrets inside inputs (also invalid ones) and in the environment are registered with ::add-mask::
 * before any other line, and appear nowhere the action writes, in no form (support/leaks.ts).
 * `npm run package` first: these tests run dist/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createJob, type Job, runPhase } from '../../scripts/harness.mjs';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { jwt, RESULTS_URL } from '../support/runtime.js';
import { leaks, masked, maskedFirst } from './support/leaks.js';

// Canaries: long and random-looking, so that no 12-character piece of one occurs by chance.
const GITHUB_TOKEN = 'ghs_Lk7QzP2mVx9RtB4nWc8YhJ3dFs6GaE1u';
const RUNTIME_TOKEN = jwt([{ Scope: 'refs/heads/main', Permission: 3 }], { canary: 'rtCanary-Qm4Zp8Xv2Lk6' });
const AWS = {
  AWS_ACCESS_KEY_ID: 'AKIAQ7ZLEAKCANARY4XW',
  AWS_SECRET_ACCESS_KEY: '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',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEPz9Kq2Wm7Lx4Rt8Vb3Nc6Hj1Gd5Fs0',
  AWS_BUCKET: 'cache-bucket',
  AWS_REGION: 'eu-west-1'
};
const ENV_URL_PASSWORD = 'envUrlPw-Hq5Tz8Lm3Xc';
const ENV_URL_SIGNATURE = 'c0ffee9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';
const ENV = {
  ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN,
  ACTIONS_RESULTS_URL: RESULTS_URL,
  ACTIONS_CACHE_SERVICE_V2: 'True',
  ...AWS,
  AWS_ENDPOINT_URL: `https://alice:${ENV_URL_PASSWORD}@minio.internal.example/?X-Amz-Signature=${ENV_URL_SIGNATURE}`
};
const ENV_SECRETS = [
  GITHUB_TOKEN,
  RUNTIME_TOKEN,
  AWS.AWS_ACCESS_KEY_ID,
  AWS.AWS_SECRET_ACCESS_KEY,
  AWS.AWS_SESSION_TOKEN,
  ENV_URL_PASSWORD,
  ENV_URL_SIGNATURE
];

// Secrets inside inputs.
const URL_PASSWORD = 'urlPw-Vn3Kq8Zr5Tx1Lb';
const STS_TOKEN = 'FwoGZXIvYXdzEKr7Tq2Lm9Xv4Zp8Nc3Hb6';
const SIGNATURE = '9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc';
const CREDENTIAL = 'AKIAQ9CREDENTIALX7/20261128/eu-west-1/s3/aws4_request';
const SECRET_KEY = 'wJz8/Kq3Lm+Xv7Tp2Rn5Hb9Gd4Fc1Ns6Ya0Ee';
const GHTOKEN = 'ghs_Rn4Xk9Tq2Vm7Lp3Zc8Hb5Jd1Gf6Ws0Ya';
const endpoint = `https://bob:${URL_PASSWORD}@minio.example.com/?X-Amz-Security-Token=${STS_TOKEN}&X-Amz-Signature=${SIGNATURE}&X-Amz-Credential=${encodeURIComponent(CREDENTIAL)}`;
const INPUT_SECRETS = [URL_PASSWORD, STS_TOKEN, SIGNATURE, CREDENTIAL, SECRET_KEY];

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ repository: 'octo/envd-demo', restTokens: { [GITHUB_TOKEN]: 'read' } });
});
afterAll(() => emu.close());

const jobs: Job[] = [];
function job(inputs: Record<string, string>): Job {
  const j = createJob({
    inputs: { path: 'examples', 'dry-run': 'true', ...inputs },
    env: { GITHUB_API_URL: emu.apiUrl, ...ENV },
    githubToken: GITHUB_TOKEN
  });
  jobs.push(j);
  return j;
}
afterEach(() => {
  while (jobs.length) jobs.pop()!.cleanup();
});

async function run(inputs: Record<string, string>) {
  const j = job(inputs);
  const main = await runPhase(j, 'main');
  const post = await runPhase(j, 'post');
  return { main, post };
}

describe('invalid inputs with a secret inside: the step fails, the error names the input, the secret is ***', () => {
  // [case, inputs, the secret inside, the input the error names]
  const CASES: [string, Record<string, string>, string, string][] = [
    [
      'cache-options that are not CSV',
      { cache: 's3', 'cache-options': `secret_access_key=${SECRET_KEY},prefix=a"b` },
      SECRET_KEY,
      'cache-options'
    ],
    [
      'cache-options with key:value',
      { cache: 's3', 'cache-options': `bucket=b,secret_access_key:${SECRET_KEY}` },
      SECRET_KEY,
      'cache-options'
    ],
    [
      'export-cache without type=',
      { 'export-cache': `bucket=b,region=r,secret_access_key=${SECRET_KEY}` },
      SECRET_KEY,
      'export-cache'
    ],
    [
      'import-cache with a bad endpoint_url',
      { 'import-cache': `type=s3,bucket=b,region=r,endpoint_url=ftp://bob:${URL_PASSWORD}@h/` },
      URL_PASSWORD,
      'import-cache'
    ],
    [
      'cache-ref with user:PASS@',
      { cache: 'registry', 'cache-ref': `bob:${URL_PASSWORD}@ghcr.io/octo/env:cache` },
      URL_PASSWORD,
      'cache-ref'
    ],
    [
      'output name= with user:PASS@',
      { output: `type=image,name=bob:${URL_PASSWORD}@ghcr.io/octo/env:1,push=true` },
      URL_PASSWORD,
      'output'
    ],
    [
      'cache-options endpoint_url with a signed query and a typo',
      { cache: 's3', 'cache-options': `bucket=b,region=r,endpoint_url=${endpoint},regoin=x` },
      STS_TOKEN,
      'cache-options'
    ],
    [
      'buildkitd-config-inline that is not TOML',
      { 'buildkitd-config-inline': `[registry."ghcr.io"\npassword = "${SECRET_KEY}"` },
      SECRET_KEY,
      'buildkitd-config-inline'
    ],
    ['the GitHub token pasted into another input', { 'cache-scope': `${GITHUB_TOKEN}!` }, GITHUB_TOKEN, 'cache-scope'],
    [
      'a 100 KB cache-scope with a token inside',
      { 'cache-scope': `${'x'.repeat(150)} token=${SECRET_KEY} ${'y'.repeat(100_000)}` },
      SECRET_KEY,
      'cache-scope'
    ]
  ];

  test.each(CASES)(
    '%s',
    async (_name, inputs, secret, input) => {
      const { main, post } = await run(inputs);
      expect(main.code).toBe(1);
      expect(main.stdout).toContain(`::error title=envd cache action%3A invalid input::Input "${input}"`);
      expect(leaks([main, post], [secret, ...ENV_SECRETS])).toEqual([]);
      expect(masked(main.stdout)).toContain(secret);
      expect(maskedFirst(main.stdout)).toBe(true);
      expect(main.outputs).toEqual({});
    },
    60000
  );
});

describe('a dry run per backend with secrets in inputs and the environment: nothing leaks, outputs show ***', () => {
  // [backend, inputs, the secrets inside the inputs]
  const CASES: [string, Record<string, string>, string[]][] = [
    [
      'gha',
      {
        cache: 'gha',
        'cache-options': `repository=octo/envd-demo,ghtoken=${GHTOKEN}`,
        'import-cache': `type=s3,bucket=b,region=r,endpoint_url=${endpoint}`
      },
      [GHTOKEN, ...INPUT_SECRETS.slice(0, 4)]
    ],
    [
      's3',
      { cache: 's3', 'cache-scope': 'ex', 'cache-options': `endpoint_url=${endpoint},secret_access_key=${SECRET_KEY}` },
      INPUT_SECRETS
    ],
    [
      'registry',
      {
        cache: 'registry',
        output: 'type=image,name=ghcr.io/octo/env:latest,push=true',
        'import-cache': `type=s3,bucket=b,region=r,endpoint_url=${endpoint}`
      },
      INPUT_SECRETS.slice(0, 4)
    ],
    [
      'inline',
      {
        cache: 'inline',
        output: 'type=image,name=ghcr.io/octo/env:latest,push=true',
        'import-cache': `type=s3,bucket=b,region=r,endpoint_url=${endpoint}`
      },
      INPUT_SECRETS.slice(0, 4)
    ],
    [
      'local',
      { cache: 'local', 'cache-scope': 'ex', 'import-cache': `type=s3,bucket=b,region=r,endpoint_url=${endpoint}` },
      INPUT_SECRETS.slice(0, 4)
    ],
    ['none', { cache: 'none' }, []]
  ];

  test.each(CASES)(
    '%s',
    async (backend, inputs, secrets) => {
      const { main, post } = await run(inputs);
      expect(main.stderr).toBe('');
      expect(main.code).toBe(0);
      expect(post.code).toBe(0);
      expect(main.outputs['cache-backend']).toBe(backend);
      expect(leaks([main, post], [...secrets, ...ENV_SECRETS])).toEqual([]);
      expect(masked(main.stdout)).toEqual(
        expect.arrayContaining([...secrets, GITHUB_TOKEN, RUNTIME_TOKEN, AWS.AWS_SECRET_ACCESS_KEY, ENV_URL_PASSWORD])
      );
      expect(maskedFirst(main.stdout)).toBe(true);
      if (secrets.includes(URL_PASSWORD)) {
        const flags = `${main.outputs['export-cache']}\n${main.outputs['import-cache']}`;
        expect(flags).toContain(
          'endpoint_url=https://bob:***@minio.example.com/?X-Amz-Security-Token=***&X-Amz-Signature=***&X-Amz-Credential=***'
        );
        expect(main.summary).toContain('bob:***@minio.example.com');
      }
    },
    60000
  );
});

test('the scanner finds every form it claims to (a scanner that cannot fail proves nothing)', async () => {
  const { leaks: scan } = await import('./support/leaks.js');
  const secret = 'scannerCanary-Zq8Xv3Lm7';
  const encoded = [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(`${secret}/`),
    secret.slice(3, 15)
  ];
  for (const text of encoded)
    expect(scan([{ stdout: `x ${text} y`, stderr: '', files: {} }], [secret]).length).toBeGreaterThan(0);
  expect(
    scan([{ stdout: `::add-mask::${secret}\nclean`, stderr: '', files: { GITHUB_OUTPUT: 'clean' } }], [secret])
  ).toEqual([]);
  expect(
    scan([{ stdout: '', stderr: '', files: { GITHUB_STATE: `k=${secret.slice(0, 12)}` } }], [secret])
  ).toHaveLength(1);
});
