/**
 * installTools resolves envd and BuildKit at once, and still reports (and fails) in the order of old; a pinned
 * version already in the tool cache is taken from there without the installer.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installTools } from '../../src/steps/tools.js';
import { recordingRunner } from '../support/recording-runner.js';
import type { Inputs } from '../../src/inputs/inputs.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { type Installed, Installer, InstallError } from '../../src/io/installer.js';

const inputs = { envdVersion: 'v1.3.4', buildkitVersion: 'v0.32.2', githubToken: '' } as unknown as Inputs;
const rt = { ghes: false } as unknown as Runtime;
const env = {
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  ENVD_CACHE_ACTION_API_URL: 'http://127.0.0.1:9',
  ENVD_CACHE_ACTION_DOWNLOAD_URL: 'http://127.0.0.1:9'
};
/** The parts of a step's context installTools uses: a recording runner, and `e` as the environment. */
const step = (e: NodeJS.ProcessEnv = env) => ({ out: recordingRunner(e).out, env: e });
const installed = (tag: string): Installed => ({ tag, dir: `/tc/${tag}`, fromCache: true });

afterEach(() => {
  jest.restoreAllMocks();
});

describe('installTools', () => {
  test('BuildKit is looked up while envd still is (a sequential install never gets to BuildKit here)', async () => {
    let buildkitAsked!: () => void;
    const asked = new Promise<void>((r) => (buildkitAsked = r));
    // envd answers only once BuildKit has been asked for.
    jest.spyOn(Installer.prototype, 'envd').mockImplementation(async (v) => (await asked, installed(v)));
    jest.spyOn(Installer.prototype, 'buildkit').mockImplementation(async (v) => (buildkitAsked(), installed(v)));
    const tools = await installTools(step(), inputs, rt, '/tmp');
    expect(tools).toEqual({ envd: installed('v1.3.4'), buildkit: { ...installed('v0.32.2') } });
  }, 5000);

  test("both failing: envd's error is the one reported, as when envd came first", async () => {
    let envdFail!: () => void;
    const later = new Promise<void>((r) => (envdFail = r));
    jest.spyOn(Installer.prototype, 'envd').mockImplementation(async () => {
      await later;
      throw new InstallError('envd failed');
    });
    jest.spyOn(Installer.prototype, 'buildkit').mockImplementation(async () => {
      envdFail(); // BuildKit fails first
      throw new InstallError('buildkit failed');
    });
    await expect(installTools(step(), inputs, rt, '/tmp')).rejects.toThrow('envd failed');
  }, 5000);

  test('pinned versions in the tool cache: taken from there, the installer never asked', async () => {
    const tc = fs.mkdtempSync(path.join(os.tmpdir(), 'tools-tc-'));
    try {
      // tool-cache's layout: <tool>/<version>/<arch> and <arch>.complete beside it.
      for (const [tool, version] of [
        ['envd', '1.3.4'],
        ['buildkit', '0.32.2']
      ]) {
        fs.mkdirSync(path.join(tc, tool, version, 'amd64', 'bin'), { recursive: true });
        fs.writeFileSync(path.join(tc, tool, version, 'amd64.complete'), '');
      }
      const asked: string[] = [];
      jest.spyOn(Installer.prototype, 'envd').mockImplementation(async (v) => (asked.push('envd'), installed(v)));
      jest
        .spyOn(Installer.prototype, 'buildkit')
        .mockImplementation(async (v) => (asked.push('buildkit'), installed(v)));
      const { out, record } = recordingRunner();
      const tools = await installTools({ out, env: { ...env, RUNNER_TOOL_CACHE: tc } }, inputs, rt, '/tmp');
      expect(asked).toEqual([]);
      expect(tools).toEqual({
        envd: { tag: 'v1.3.4', dir: path.join(tc, 'envd', '1.3.4', 'amd64'), fromCache: true },
        buildkit: { tag: 'v0.32.2', dir: path.join(tc, 'buildkit', '0.32.2', 'amd64', 'bin'), fromCache: true }
      });
      expect(record.stdout).toContain('BuildKit v0.32.2: from the tool cache');

      // Half-written (no .complete): that one goes to the installer.
      fs.rmSync(path.join(tc, 'buildkit', '0.32.2', 'amd64.complete'));
      await installTools(step({ ...env, RUNNER_TOOL_CACHE: tc }), inputs, rt, '/tmp');
      expect(asked).toEqual(['buildkit']);
    } finally {
      fs.rmSync(tc, { recursive: true, force: true });
    }
  });
});
