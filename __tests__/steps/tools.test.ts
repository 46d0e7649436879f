/** installTools resolves envd and BuildKit at once, and still reports (and fails) in the order of old. */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { installTools } from '../../src/steps/tools.js';
import type { Inputs } from '../../src/inputs/inputs.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { type Installed, Installer, InstallError } from '../../src/io/installer.js';

const inputs = { envdVersion: 'v1.3.4', buildkitVersion: 'v0.32.2', githubToken: '' } as unknown as Inputs;
const rt = { ghes: false } as unknown as Runtime;
const env = { RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', ENVD_CACHE_ACTION_API_URL: 'http://127.0.0.1:9', ENVD_CACHE_ACTION_DOWNLOAD_URL: 'http://127.0.0.1:9' };
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
    const tools = await installTools(inputs, rt, env, '/tmp');
    expect(tools).toEqual({ envd: installed('v1.3.4'), buildkit: { ...installed('v0.32.2') } });
  }, 5000);

  test('both failing: envd\'s error is the one reported, as when envd came first', async () => {
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
    await expect(installTools(inputs, rt, env, '/tmp')).rejects.toThrow('envd failed');
  }, 5000);
});
