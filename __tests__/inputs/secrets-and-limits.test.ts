/**
 * Issue 10 items 4 and 7, issue 11 item 4: secrets inside inputs are found even when the input does not
 * parse, and never appear in an error; the validation gaps are closed; every quoted value is capped.
 */
import { describe, expect, test } from '@jest/globals';
import { formatProblem, inputSecrets, parseInputs } from '../../src/inputs/inputs.js';
import { parseSize } from '../../src/inputs/size.js';
import { raw } from '../support/inputs.js';

const problemsOf = (overrides: Record<string, string>) => parseInputs(raw(overrides)).problems.map(formatProblem);

describe('secrets inside invalid inputs', () => {
  // [overrides, the secret inside, the input the error must name]
  const CASES: [Record<string, string>, string, string][] = [
    [
      { cache: 's3', 'cache-options': 'secret_access_key=CsvBrokenSecret01,prefix=a"b' },
      'CsvBrokenSecret01',
      'cache-options'
    ],
    [
      { cache: 's3', 'cache-options': 'bucket=b,secret_access_key:ColonSecret0002' },
      'ColonSecret0002',
      'cache-options'
    ],
    [
      { cache: 's3', 'cache-options': 'bucket=b,endpoint_url=ftp://bob:UrlPassword003@h/' },
      'UrlPassword003',
      'cache-options'
    ],
    [
      { cache: 's3', 'cache-options': 'bucket=b,endpoint_url=minio?X-Amz-Security-Token=QueryToken0004' },
      'QueryToken0004',
      'cache-options'
    ],
    [{ 'export-cache': 'bucket=b,secret_access_key=NoTypeSecret005' }, 'NoTypeSecret005', 'export-cache'],
    [{ 'export-cache': 'ghcr.io/o/e:c,token=NoTypeToken0006' }, 'NoTypeToken0006', 'export-cache'],
    [
      { 'import-cache': 'type=s3,bucket=b,region=r,secret_access_key=ImportSecret07,bogus=1' },
      'ImportSecret07',
      'import-cache'
    ],
    [
      { 'import-cache': 'type=s3,bucket=b,region=r,secret_access_key=QuotedSecret08,x="' },
      'QuotedSecret08',
      'import-cache'
    ],
    [{ cache: 'registry', 'cache-ref': 'user:RefPassword0009@ghcr.io/o/e:c' }, 'RefPassword0009', 'cache-ref'],
    [{ output: 'type=image,name=user:OutPassword010@ghcr.io/o/e:1,push=true' }, 'OutPassword010', 'output'],
    [{ output: 'type=image,name=https://u:OutUrlPass0011@ghcr.io/o/e,push=true' }, 'OutUrlPass0011', 'output'],
    [
      { 'buildkitd-config-inline': '[registry."r.io"]\npassword = "TomlPassword12\n' },
      'TomlPassword12',
      'buildkitd-config-inline'
    ],
    [{ 'cache-scope': 'token=ScopeToken00013' }, 'ScopeToken00013', 'cache-scope']
  ];

  test.each(CASES)('%j: found, and the error shows ***', (overrides, secret, input) => {
    const problems = problemsOf(overrides);
    const text = problems.join('\n');
    expect(inputSecrets(raw(overrides))).toContain(secret);
    expect(problems.some((p) => p.startsWith(`Input "${input}"`))).toBe(true);
    expect(text).not.toContain(secret);
    for (let i = 0; i + 12 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 12));
  });

  test('the GitHub token is a secret whatever it looks like, and an error that quotes it shows ***', () => {
    const token = 'ghs_ThisIsTheGithubToken15';
    expect(inputSecrets(raw({ 'github-token': token }))).toContain(token);
    const problems = problemsOf({ 'github-token': token, 'cache-mode': token });
    expect(problems.join('\n')).toContain('Input "cache-mode": "***" is not one of auto, min, max');
  });

  test('ordinary inputs hold no secrets', () => {
    expect(
      inputSecrets(raw({ 'github-token': '', output: 'type=image,name=ghcr.io/o/e:1,push=true', cache: 'registry' }))
    ).toEqual([]);
  });
});

describe('validation gaps: refused before anything starts, naming the input and the fix', () => {
  const INVALID: [Record<string, string>, string][] = [
    [
      { 'buildkitd-flags': '--debug --oci-worker-gc-keepstorage "10GB' },
      'Input "buildkitd-flags": cannot be split into arguments: an unclosed " quote'
    ],
    [{ 'buildkitd-flags': "--debug 'x" }, "an unclosed ' quote"],
    [{ 'cache-budget': '2000TB' }, 'Input "cache-budget": "2000TB" is more than 1 PB'],
    [{ 'cache-budget': '100000000000000000000000000000000000GB' }, 'is more than 1 PB'],
    [{ 'cache-budget': '1.5B' }, 'Input "cache-budget": "1.5B" is not a whole number of bytes'],
    [{ 'cache-budget': '1.0001KiB' }, 'is not a whole number of bytes'],
    [{ builder: 'tcp://host:99999' }, 'Input "builder": "tcp://host:99999" has port 99999; a port is 1-65535'],
    [{ builder: 'tcp://host:0' }, 'has port 0; a port is 1-65535'],
    [
      { 'buildkitd-config-inline': '[worker.oci\nmax-parallelism = 4' },
      'Input "buildkitd-config-inline": is not TOML (line 1, column'
    ],
    [{ 'buildkitd-config-inline': 'debug = true\nfoo = \n' }, 'line 2, column'],
    [
      { from: 'a:b.envd:build' },
      'Input "from": "a:b.envd:build" has 2 colons; envd splits --from on every ":" and wants file:func (invalid from format, expected `file:func`)'
    ],
    [{ from: 'build.envd:build:x' }, 'has 2 colons']
  ];
  test.each(INVALID)('%j → %s', (overrides, message) => {
    expect(problemsOf(overrides).join('\n')).toContain(message);
  });

  test('the TOML error never echoes the document (it may hold a secret)', () => {
    const text = problemsOf({
      'buildkitd-config-inline': 'debug = true\n[registry."r.io"\nsecret_stuff = "NotShownAtAll123"'
    }).join('\n');
    expect(text).toContain('buildkitd-config-inline');
    expect(text).not.toContain('NotShownAtAll123');
    expect(text).not.toContain('registry');
  });

  test.each([
    ['1000TB', 1e15],
    ['8GB', 8e9],
    ['1.5KB', 1500]
  ])('cache-budget %s is accepted (%d bytes)', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
    expect(parseInputs(raw({ 'cache-budget': text })).inputs?.cacheBudget).toBe(bytes);
  });

  test.each([
    ['tcp://127.0.0.1:1', 'tcp://127.0.0.1:1'],
    ['tcp://buildkitd:65535', 'tcp://buildkitd:65535']
  ])('builder %s is accepted', (text, address) => {
    expect(parseInputs(raw({ builder: text })).inputs?.builder).toMatchObject({
      kind: 'address',
      addresses: [{ text: address }]
    });
  });

  test('valid buildkitd-flags and TOML pass', () => {
    const { inputs, problems } = parseInputs(
      raw({
        'buildkitd-flags': '--debug --oci-worker-gc-keepstorage "10 GB"',
        'buildkitd-config-inline': '[worker.oci]\nmax-parallelism = 4'
      })
    );
    expect(problems).toEqual([]);
    expect(inputs?.buildkitdFlags).toBe('--debug --oci-worker-gc-keepstorage "10 GB"');
  });

  // Every value an error quotes is capped: a 100 KB value is not echoed whole.
  const HUGE = 'x'.repeat(100_000);
  test.each([
    ['cache-scope', { 'cache-scope': HUGE }],
    ['cache-mode', { 'cache-mode': HUGE }],
    ['from', { from: HUGE }],
    ['output', { output: `type=image,name=${HUGE}!` }],
    ['cache-ref', { cache: 'registry', 'cache-ref': `ghcr.io/o/e:${HUGE}` }],
    ['export-cache', { 'export-cache': `type=registry,ref=${HUGE}!` }],
    ['export-cache', { 'export-cache': HUGE }],
    ['cache-options', { 'cache-options': `timeout=${HUGE}` }],
    ['cache-options', { 'cache-options': `${HUGE}=1` }],
    ['cache-options', { 'cache-options': HUGE }],
    ['cache-budget', { 'cache-budget': HUGE }],
    ['builder', { builder: HUGE }],
    ['buildkitd-flags', { 'buildkitd-flags': `"${HUGE}` }],
    ['platform', { platform: HUGE }],
    ['envd-version', { 'envd-version': HUGE }]
  ])('a 100 KB %s is capped in its error (%#)', (input, overrides) => {
    const problems = problemsOf(overrides as Record<string, string>);
    expect(problems.some((p) => p.startsWith(`Input "${input}"`))).toBe(true);
    for (const p of problems) expect(p.length).toBeLessThan(1000);
  });

  test('a quoted value is one line: control characters are shown, not written', () => {
    const text = problemsOf({ 'cache-mode': 'max\n::error::forged' }).join('\n');
    expect(text).not.toContain('\n::error');
    expect(text).toContain('max\\n::error::forged');
  });
});
