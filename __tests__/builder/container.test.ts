/** builder: docker-container, against a stand-in docker CLI that runs the stand-in buildkitd as the "container". */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startContainer, stopBuilder } from '../../src/io/buildkit/builder.js';
import { FAKES_BIN } from '../support/fakes/index.mjs';
import { running } from '../support/process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let root: string;
let env: NodeJS.ProcessEnv;
const calls = () =>
  fs
    .readFileSync(path.join(root, 'calls'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
const alive = running;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'));
  env = {
    ...process.env,
    PATH: `${path.join(here, 'bin')}${path.delimiter}${process.env.PATH}`,
    FAKE_DOCKER_ROOT: root,
    FAKE_BIN: FAKES_BIN,
    FAKE_DOCKER_CALLS: path.join(root, 'calls')
  };
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('builder: docker-container', () => {
  test('runs moby/buildkit under a unique name with the config mounted, awaits it, and removes it', async () => {
    const h = await startContainer({
      binDir: FAKES_BIN,
      workDir: path.join(root, 'w1'),
      configInline: 'debug = true',
      flags: '--debug',
      readyTimeoutMs: 10000,
      env,
      image: 'moby/buildkit:v0.32.2',
      name: 'envd-cache-test1'
    });
    expect(h).toMatchObject({
      kind: 'docker-container',
      envdBuilder: 'docker-container',
      envdAddress: 'envd-cache-test1',
      buildctlAddr: 'docker-container://envd-cache-test1'
    });
    const run = calls().find((c) => c[0] === 'run')!;
    expect(run).toEqual([
      'run',
      '-d',
      '--privileged',
      '--name',
      'envd-cache-test1',
      '-v',
      `${path.join(root, 'w1', 'buildkitd.toml')}:/etc/buildkit/buildkitd.toml:ro`,
      'moby/buildkit:v0.32.2',
      '--debug'
    ]);
    expect(calls().some((c) => c.join(' ') === 'exec envd-cache-test1 buildctl debug workers')).toBe(true);
    const pid = Number(fs.readFileSync(path.join(root, 'envd-cache-test1.pid'), 'utf8'));
    await stopBuilder(h, env);
    expect(calls().pop()).toEqual(['rm', '-f', 'envd-cache-test1']);
    // SIGKILL is delivered at once but the process takes a moment to go: wait for that, not for the clock
    // (a daemon that survives fails the test by its timeout).
    while (alive(pid)) await new Promise((r) => setTimeout(r, 10));
  }, 30000);

  test('a container that never answers: its log in the error, and it is removed', async () => {
    await expect(
      startContainer({
        binDir: FAKES_BIN,
        workDir: path.join(root, 'w2'),
        configInline: '',
        flags: '',
        readyTimeoutMs: 1500,
        env: { ...env, FAKE_BUILDKITD_NEVER_READY: '1' },
        image: 'moby/buildkit:v0.32.2',
        name: 'envd-cache-test2'
      })
    ).rejects.toThrow(/the buildkit container did not answer within 2 s\. Its log:/);
    expect(calls().pop()).toEqual(['rm', '-f', 'envd-cache-test2']);
  }, 30000);

  test('docker refusing to run is reported with its own words', async () => {
    await expect(
      startContainer({
        binDir: FAKES_BIN,
        workDir: path.join(root, 'w3'),
        configInline: '',
        flags: '',
        readyTimeoutMs: 1500,
        env,
        image: 'example/other:1',
        name: 'envd-cache-test3'
      })
    ).rejects.toThrow("docker could not start example/other:1: Unable to find image 'example/other:1' locally");
  }, 30000);
});
