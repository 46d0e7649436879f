import { describe, expect, test } from '@jest/globals';
import { formatProblem, parseInputs } from '../../src/inputs/inputs.js';
import { parseSize } from '../../src/inputs/size.js';
import { inputsOf, raw } from '../support/inputs.js';

const problemsOf = (overrides: Record<string, string>) => parseInputs(raw(overrides)).problems.map(formatProblem);

describe('inputs', () => {
  test('action.yml defaults are valid and typed', () => {
    const inputs = inputsOf();
    expect(inputs).toMatchObject({
      path: '.',
      from: { file: 'build.envd', func: 'build' },
      cache: 'gha',
      cacheMode: 'auto',
      cacheWrite: 'auto',
      cacheBudget: 'auto',
      cachePrune: 'auto',
      command: 'build',
      envdVersion: 'v1.3.4',
      builder: { kind: 'auto' },
      dryRun: false
    });
    expect(inputs.matrix).toBeUndefined();
    expect(inputs.cacheOptions.size).toBe(0);
  });

  // [overrides, the message that must appear (input name, bad value, fix)]
  const INVALID: [Record<string, string>, string][] = [
    [
      { cache: 'ghaa' },
      'Input "cache": "ghaa" is not one of gha, registry, inline, local, s3, none (did you mean "gha"?)'
    ],
    [{ cache: 'registy', 'cache-ref': 'ghcr.io/o/e:c' }, '(did you mean "registry"?)'],
    [{ 'cache-mode': 'maximum' }, 'Input "cache-mode": "maximum" is not one of auto, min, max (did you mean "max"?)'],
    // every "is not one of" names the nearest valid value: a synonym first, else the closest spelling
    [
      { cache: 'github' },
      'Input "cache": "github" is not one of gha, registry, inline, local, s3, none (did you mean "gha"?)'
    ],
    [{ cache: 'minio' }, '(did you mean "s3"?)'],
    [{ cache: 'floppy' }, 'is not one of gha, registry, inline, local, s3, none (did you mean "'],
    [{ 'cache-mode': 'full' }, 'Input "cache-mode": "full" is not one of auto, min, max (did you mean "max"?)'],
    [{ 'cache-write': 'yes' }, 'Input "cache-write": "yes" is not auto, true or false (did you mean "true"?)'],
    [{ 'cache-prune': 'sometimes' }, 'Input "cache-prune": "sometimes" is not auto, true or false (did you mean "'],
    [{ 'dry-run': 'on' }, 'Input "dry-run": "on" is not true or false (did you mean "true"?)'],
    [
      { 'cache-options': 'compression=zst', cache: 'registry', 'cache-ref': 'r/e:c' },
      '"zst" is not one of uncompressed, gzip, estargz, zstd (did you mean "zstd"?)'
    ],
    [
      { 'envd-version': 'lastest' },
      'Input "envd-version": "lastest" is not a version such as v1.3.4 or one of latest, system (did you mean "latest"?)'
    ],
    [{ 'export-cache': 'type=github,scope=x' }, 'is not a cache type this action supports (did you mean "gha"?)'],
    [{ output: 'type=img,name=ghcr.io/o/e' }, 'type="img" is not an output type (did you mean "image"?); use one of'],
    // an image name where an output goes: the message quotes it once and gives the whole value to write
    [
      { output: 'ghcr.io/org/env:latest' },
      'Input "output": "ghcr.io/org/env:latest" is an image name, not an output: write type=image,name=ghcr.io/org/env:latest,push=true'
    ],
    [{ 'cache-budget': '10' }, 'Input "cache-budget": "10" is not auto or a size with a unit, such as 8GB or 500MiB'],
    [{ 'cache-budget': '8 gigs' }, 'is not auto or a size'],
    [{ command: 'clean' }, 'Input "command": "clean" is not one of build, prune (did you mean "prune"?)'],
    [
      { 'cache-timeout': 'soon' },
      'Input "cache-timeout": "soon" is not a duration; write a duration such as 90s, 5m or 1h, or 0 to wait as long as BuildKit does'
    ],
    [{ 'cache-timeout': '5' }, 'Input "cache-timeout": "5" is too short; write 10s or more'],
    [{ 'cache-timeout': '7h' }, 'Input "cache-timeout": "7h" is too long; write 6h or less'],
    [{ from: 'build.envd' }, 'Input "from": "build.envd" is not file:function; write e.g. build.envd:build'],
    [{ platform: 'linux/amd64,linux/arm64' }, 'Build one platform per matrix entry'],
    [{ platform: 'amd64' }, 'is not os/arch[/variant]'],
    [{ 'cache-scope': 'has space' }, 'Input "cache-scope": "has space" must be 1-64 characters'],
    [{ 'cache-scope': 'x'.repeat(65) }, 'must be 1-64 characters'],
    [
      { cache: 'inline', 'cache-mode': 'max', output: 'type=image,name=ghcr.io/o/e:1,push=true' },
      'use cache: registry for max'
    ],
    [{ cache: 'inline' }, 'Input "output": cache: inline stores the cache inside the pushed image'],
    [{ cache: 'inline', output: 'type=image,name=ghcr.io/o/e:1' }, 'push=true'],
    [{ cache: 'registry' }, 'Input "cache-ref": cache: registry needs a place for the cache'],
    [
      { cache: 'registry', 'cache-ref': 'ghcr.io/Org/Env:cache' },
      'repository name must be lowercase; write "ghcr.io/org/env:cache"'
    ],
    [
      { cache: 'gha', 'cache-ref': 'ghcr.io/o/e:c' },
      'Input "cache-ref": is only used with cache: registry (cache is gha); remove it'
    ],
    [{ cache: 'gha', 'cache-dir': '/tmp/c' }, 'Input "cache-dir": is only used with cache: local'],
    [
      { output: 'type=image,name=ghcr.io/o/e,push=maybe' },
      'Input "output": "type=image,name=ghcr.io/o/e,push=maybe" push=maybe is not a boolean'
    ],
    [
      { output: 'name=ghcr.io/o/e' },
      'Input "output": "name=ghcr.io/o/e" has no type=: write the whole output, e.g. type=image,name=ghcr.io/my-org/env:latest,push=true'
    ],
    [{ output: 'type=local,output=/tmp/x' }, 'you meant dest='],
    [{ output: 'type=local' }, 'type=local needs dest='],
    [{ output: 'type=image,push=true' }, 'push=true needs name=<image>'],
    [{ output: 'type=oci,dest=a.tar\ntype=tar,dest=b.tar' }, 'envd accepts one output'],
    [
      { 'cache-options': 'compresion=zstd', cache: 'registry', 'cache-ref': 'r/e:c' },
      'Input "cache-options": unknown attribute "compresion" for cache: registry (did you mean "compression"?)'
    ],
    [{ 'cache-options': 'mode=max' }, 'Input "cache-options": mode= has an input of its own: use cache-mode instead'],
    [{ 'cache-options': 'scope=x' }, 'use cache-scope instead'],
    [{ 'cache-options': 'timeout=soon' }, 'Input "cache-options": timeout: "soon" is not a duration'],
    [{ 'cache-options': 'compression=zstd' }, 'compression is ignored by this backend: it always stores gzip layers'],
    [{ 'cache-options': 'ignore-error' }, 'has no "=": write ignore-error=true'],
    [{ cache: 'none', 'cache-options': 'timeout=1m' }, 'Input "cache-options": is set while cache is none'],
    [
      { cache: 'none', 'export-cache': 'type=gha' },
      'Input "export-cache": is set while cache is none; remove one of them'
    ],
    [
      { 'export-cache': 'ghcr.io/o/e:cache' },
      'Input "export-cache": has no type=; envd would silently read it as a registry ref'
    ],
    [
      { 'export-cache': 'type=inline,mode=max' },
      'Input "export-cache": mode: "max": inline cache supports only mode=min'
    ],
    [{ 'import-cache': 'type=inline' }, 'Input "import-cache": type=inline cannot be imported'],
    [
      { 'import-cache': 'type=registry,ref=r/e:c,mode=max' },
      'mode applies only to --export-cache, not to --import-cache'
    ],
    [{ 'export-cache': 'type=gha\ntype=registry,ref=r/e:c' }, 'envd takes one value per cache flag'],
    [{ 'buildkit-version': 'v0.19.0' }, 'Input "buildkit-version": v0.19.0 speaks only the GitHub cache API v1'],
    [{ 'buildkit-version': 'newest' }, 'Input "buildkit-version": "newest" is not a version such as v0.32.2'],
    [{ 'envd-version': '1.3' }, 'Input "envd-version": "1.3" is not a version such as v1.3.4 or one of latest, system'],
    [
      { builder: 'docker' },
      'Input "builder": "docker" is not auto, docker-container, or buildkitd addresses (unix:///path/to/buildkitd.sock, tcp://host:port, kube-pod://<pod>)'
    ],
    [
      { builder: 'tcp://127.0.0.1:1234', 'buildkitd-flags': '--debug' },
      'Input "buildkitd-flags": has no effect on a running buildkitd'
    ],
    [
      { builder: 'unix:///run/b.sock', 'buildkitd-config-inline': 'debug = true' },
      'Input "buildkitd-config-inline": has no effect on a running buildkitd'
    ]
  ];

  test.each(INVALID)('%j → %s', (overrides, message) => {
    const problems = problemsOf(overrides);
    expect(problems.join('\n')).toContain(message);
  });

  test('every problem is reported at once, one message each', () => {
    const problems = problemsOf({ cache: 'ghaa', 'cache-mode': 'maxx', 'dry-run': 'yes', command: 'x' });
    expect(problems).toHaveLength(4);
    expect(problems.map((p) => p.match(/^Input "([^"]+)"/)?.[1])).toEqual([
      'cache',
      'cache-mode',
      'command',
      'dry-run'
    ]);
  });

  test.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['tRuE', true],
    ['false', false],
    ['False', false],
    [' false ', false]
  ])('dry-run %j is %s (booleans as YAML authors write them)', (text, value) => {
    expect(inputsOf({ 'dry-run': text }).dryRun).toBe(value);
  });

  test.each([
    ['8GB', 8e9],
    ['500MiB', 500 * 2 ** 20],
    ['10 GB', 1e10],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['2kb', 2000],
    ['100B', 100]
  ])('cache-budget %s = %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
    expect(inputsOf({ 'cache-budget': text }).cacheBudget).toBe(bytes);
  });

  test('cache-options: comma and newline separated, quoted fields, comments', () => {
    const inputs = inputsOf({
      cache: 's3',
      'cache-options':
        'bucket=b,region=eu-west-1\n# S3-compatible\n"prefix=a,b/"\nendpoint_url=http://127.0.0.1:9000, use_path_style=true'
    });
    expect([...inputs.cacheOptions]).toEqual([
      ['bucket', 'b'],
      ['region', 'eu-west-1'],
      ['prefix', 'a,b/'],
      ['endpoint_url', 'http://127.0.0.1:9000'],
      ['use_path_style', 'true']
    ]);
  });

  test('the matrix becomes canonical JSON, so key order and spacing do not change the scope', () => {
    expect(inputsOf({ matrix: '{\n  "py": "3.11",\n  "os": "ubuntu"\n}' }).matrix).toBe('{"os":"ubuntu","py":"3.11"}');
    expect(inputsOf({ matrix: 'py3.11' }).matrix).toBe('py3.11');
    expect(inputsOf({ matrix: 'null' }).matrix).toBeUndefined();
  });

  test('builder addresses', () => {
    expect(inputsOf({ builder: 'unix:///run/buildkit/buildkitd.sock' }).builder).toEqual({
      kind: 'address',
      addresses: [{ scheme: 'unix', text: 'unix:///run/buildkit/buildkitd.sock', path: '/run/buildkit/buildkitd.sock' }]
    });
    expect(inputsOf({ builder: 'tcp://127.0.0.1:1234' }).builder).toEqual({
      kind: 'address',
      addresses: [{ scheme: 'tcp', text: 'tcp://127.0.0.1:1234', host: '127.0.0.1', port: 1234 }]
    });
    expect(inputsOf({ builder: 'docker-container' }).builder).toEqual({ kind: 'docker-container' });
  });

  test('versions are normalized with a v', () => {
    expect(inputsOf({ 'envd-version': '1.3.3', 'buildkit-version': '0.27.0' })).toMatchObject({
      envdVersion: 'v1.3.3',
      buildkitVersion: 'v0.27.0'
    });
    expect(inputsOf({ 'envd-version': 'SYSTEM' }).envdVersion).toBe('system');
  });
});

describe('cache-timeout', () => {
  test.each([
    ['', 300_000],
    ['5m', 300_000],
    ['90s', 90_000],
    ['90', 90_000],
    ['1m30s', 90_000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['0', 0],
    [' 10S ', 10_000]
  ])('%j → %d ms', (text, ms) => {
    expect(inputsOf({ 'cache-timeout': text }).cacheTimeoutMs).toBe(ms);
  });
});
