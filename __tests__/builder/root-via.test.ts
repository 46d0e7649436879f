/** Whether buildkitd can run as root is asked ahead, without blocking, and the answer is used as given. */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import * as os from 'node:os';
import * as path from 'node:path';
import { rootViaAsync, spawnBuildkitd } from '../../src/io/buildkit/builder.js';
import { Exec } from '../../src/io/exec.js';

afterEach(() => {
  jest.restoreAllMocks();
});

const options = {
  binDir: '/nonexistent',
  workDir: path.join(os.tmpdir(), 'never-made'),
  configInline: '',
  flags: '',
  readyTimeoutMs: 1000,
  env: {}
};

describe('root for buildkitd', () => {
  test('as root: root, with no sudo asked', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(0);
    const run = jest.spyOn(Exec, 'run');
    await expect(rootViaAsync()).resolves.toBe('root');
    expect(run).not.toHaveBeenCalled();
  });

  test.each([
    [0, 'sudo'],
    [1, 'none']
  ])('not root: `sudo -n true` exiting %i means %s', async (code, via) => {
    jest.spyOn(process, 'getuid').mockReturnValue(1001);
    const run = jest
      .spyOn(Exec, 'run')
      .mockResolvedValue({ code, stdout: '', stderr: code ? 'sudo: a password is required' : '' });
    await expect(rootViaAsync()).resolves.toBe(via);
    expect(run).toHaveBeenCalledWith('sudo', ['-n', 'true']);
  });

  test('spawnBuildkitd takes the answer given and does not ask again', () => {
    const ask = jest.spyOn(Exec, 'rootVia');
    expect(() => spawnBuildkitd({ ...options, rootVia: 'none' })).toThrow(
      'buildkitd needs root, and this runner user has no password-less sudo'
    );
    expect(ask).not.toHaveBeenCalled();
  });
});
