import { describe, expect, test } from '@jest/globals';
import { buildkitdArgs, parseBuildkitVersion, splitFlags } from '../../src/builder/args.js';

describe('buildkitd arguments', () => {
  test.each([
    ['', []],
    ['--debug', ['--debug']],
    ['--debug  --oci-worker-gc=false', ['--debug', '--oci-worker-gc=false']],
    [
      `--allow-insecure-entitlement "network.host" --x 'a b'`,
      ['--allow-insecure-entitlement', 'network.host', '--x', 'a b']
    ],
    ['--a="x y" --b=\\"q', ['--a=x y', '--b="q']],
    ["--empty ''", ['--empty', '']]
  ])('splitFlags(%j)', (text, args) => {
    expect(splitFlags(text)).toEqual(args);
  });

  test('an unclosed quote is refused', () => {
    expect(() => splitFlags('--a "x')).toThrow('unclosed " quote');
  });

  test("socket, root, config, group and flags (the user's flags last: a --root of theirs wins, as Go flags go)", () => {
    expect(
      buildkitdArgs({ socket: '/t/b.sock', root: '/t/root', configFile: '/t/b.toml', group: 121, flags: ['--debug'] })
    ).toEqual([
      '--addr',
      'unix:///t/b.sock',
      '--root',
      '/t/root',
      '--config',
      '/t/b.toml',
      '--group',
      '121',
      '--debug'
    ]);
    expect(buildkitdArgs({ socket: '/s', flags: [] })).toEqual(['--addr', 'unix:///s']);
  });

  test('the version from buildctl debug info', () => {
    expect(parseBuildkitVersion('BuildKit: github.com/moby/buildkit v0.32.2 0123abcd\n')).toBe('v0.32.2');
    expect(parseBuildkitVersion('nonsense')).toBeUndefined();
  });
});
