/** The environment buildkitd gets: an allow-list (issue 26), the same through sudo and as root. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sudoArgs } from '../../src/builder/args.js';
import { buildkitdEnv, EXTRA_ENV } from '../../src/builder/env.js';

const STEP = {
  PATH: '/tools/buildkit/bin:/usr/bin',
  HOME: 'runner-home', // a value the allow-list passes through as it is
  'INPUT_GITHUB-TOKEN': 'ghs_token',
  GITHUB_TOKEN: 'ghs_token',
  ACTIONS_RUNTIME_TOKEN: 'eyJruntime',
  ACTIONS_RESULTS_URL: 'https://results',
  AWS_ACCESS_KEY_ID: 'AKIA',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'eu-west-1',
  AZURE_CLIENT_ID: 'id',
  BUILDKIT_AZURE_STORAGE_ACCOUNT_URL: 'https://acct.blob',
  OTEL_TRACES_EXPORTER: 'otlp',
  HTTPS_PROXY: 'http://proxy:3128',
  no_proxy: 'localhost',
  SSL_CERT_FILE: '/etc/ssl/ca.pem',
  USER: 'runner',
  FAKE_REGISTRY_ROOT: '/tmp/registry',
  MY_VAR: 'x',
  UNSET: undefined
};

describe('buildkitd environment', () => {
  test('what buildkitd reads is kept, sorted; tokens, inputs, PATH and anything else are not', () => {
    const r = buildkitdEnv(STEP);
    expect('problem' in r).toBe(false);
    if ('problem' in r) return;
    expect(r.names).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
      'AZURE_CLIENT_ID',
      'BUILDKIT_AZURE_STORAGE_ACCOUNT_URL',
      'HOME',
      'HTTPS_PROXY',
      'OTEL_TRACES_EXPORTER',
      'SSL_CERT_FILE',
      'no_proxy'
    ]);
    expect(r.env.AWS_SECRET_ACCESS_KEY).toBe('secret');
    expect(Object.keys(r.env)).toEqual(r.names);
  });

  test(`${EXTRA_ENV} adds names (commas or spaces), only those that are set`, () => {
    const r = buildkitdEnv({ ...STEP, [EXTRA_ENV]: 'FAKE_REGISTRY_ROOT, MY_VAR\nNOT_SET' });
    if ('problem' in r) throw new Error(r.problem);
    expect(r.names).toEqual(expect.arrayContaining(['FAKE_REGISTRY_ROOT', 'MY_VAR']));
    expect(r.names).not.toContain('NOT_SET');
    expect(r.names).not.toContain(EXTRA_ENV);
  });

  test.each(['PATH', 'A-B', '1X', 'X=Y'])(`${EXTRA_ENV} holding %j is a problem that says what it takes`, (name) => {
    const r = buildkitdEnv({ [EXTRA_ENV]: `OK ${name}` });
    expect(r).toEqual({
      problem: expect.stringContaining(
        `${EXTRA_ENV} holds ${JSON.stringify(name)}: it takes names of environment variables`
      )
    });
  });
});

describe('the sudo that starts buildkitd', () => {
  test('names to keep, never values; the command after --', () => {
    expect(
      sudoArgs({
        preserve: ['AWS_REGION', 'HOME'],
        pidFile: '/d/buildkitd.pid',
        path: '/t/bin:/usr/bin',
        command: ['/t/bin/buildkitd', '--addr', 'unix:///d/s']
      })
    ).toEqual([
      '-n',
      '--preserve-env=AWS_REGION,HOME',
      '--',
      '/bin/sh',
      '-c',
      expect.any(String),
      'sh',
      '/d/buildkitd.pid',
      '/t/bin:/usr/bin',
      '/t/bin/buildkitd',
      '--addr',
      'unix:///d/s'
    ]);
    expect(sudoArgs({ preserve: [], pidFile: '/p', path: '/b', command: ['x'] }).slice(0, 3)).toEqual([
      '-n',
      '--',
      '/bin/sh'
    ]);
  });

  test('the wrapper (run here without sudo): writes the pid the command then has, sets PATH, passes the arguments as given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sudo-wrapper-'));
    try {
      const pidFile = path.join(dir, 'pid');
      const args = sudoArgs({
        preserve: [],
        pidFile,
        path: `${dir}:/usr/bin:/bin`,
        command: ['/bin/sh', '-c', 'echo "$$ $PATH $1"', 'sh', 'a b;$(x)']
      });
      const shell = args.indexOf('--') + 1;
      const r = spawnSync(args[shell], args.slice(shell + 1), { encoding: 'utf8', env: { PATH: '/nowhere' } });
      expect(r.stdout.trim()).toBe(`${fs.readFileSync(pidFile, 'utf8').trim()} ${dir}:/usr/bin:/bin a b;$(x)`);
      expect(fs.statSync(pidFile).mode & 0o777).toBe(0o644);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
