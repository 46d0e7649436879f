import * as fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { envdBuildCall, envdTag, sanitizeImageName, showArgs } from '../../src/envd/args.js';
import { envdEnv } from '../../src/io/envd.js';
import { classify, envdErrorLine, goUnquote } from '../../src/envd/errors.js';
import { DEFAULT_BUILD_OWNER } from '../../src/envd/ssh-key.js';
import { Progress } from '../../src/envd/progress.js';
import { plan } from '../../src/plan/planner.js';
import { inputsOf } from '../support/inputs.js';
import { runtime } from '../support/runtime.js';

describe('envd build command line', () => {
  const p = plan(
    inputsOf({
      'cache-scope': 's',
      path: 'examples',
      output: 'type=image,name=ghcr.io/o/e:1,push=true',
      platform: 'linux/arm64'
    }),
    runtime()
  );

  const options = { publicKeyFile: '/k.pub', buildkitdImage: 'docker.io/moby/buildkit:v0.32.2', cwd: '/ws/repo' };

  test('--force, the stable key, one flag each way; the token only in the real argv', () => {
    const call = envdBuildCall(p, { ...options, withImport: true });
    expect(call.args.slice(0, 16)).toEqual([
      '--buildkitd-image',
      'docker.io/moby/buildkit:v0.32.2',
      'build',
      '--path',
      'examples',
      '--from',
      'build.envd:build',
      '--tag',
      'ghcr.io/o/e:1',
      '--force',
      '--public-key',
      '/k.pub',
      '--output',
      'type=image,name=ghcr.io/o/e:1,push=true',
      '--platform',
      'linux/arm64'
    ]);
    expect(call.shown.slice(0, 3)).toEqual(['--buildkitd-image', 'docker.io/moby/buildkit:v0.32.2', 'build']);
    expect(call.args.filter((a) => a === '--export-cache')).toHaveLength(1);
    expect(call.args.filter((a) => a === '--import-cache')).toHaveLength(1);
    const token = p.secrets.find((s) => s.split('.').length === 3)!;
    expect(call.args.join(' ')).toContain(token);
    expect(call.shown.join(' ')).not.toContain(token);
    expect(call.shown.join(' ')).toContain('token=***');
  });

  test('the retry drops only the import', () => {
    const call = envdBuildCall(p, { ...options, withImport: false });
    expect(call.args).toContain('--export-cache');
    expect(call.args).not.toContain('--import-cache');
  });

  // envd parses its default tag <basename(--path)>:dev on every build and fails on a directory name that is no
  // image reference (envd v1.3.4 pkg/app/build/build.go:124-133, pkg/driver/docker/docker.go:103-105).
  test('--tag: the output image where there is one, else a valid name from the context directory', () => {
    const noOutput = plan(inputsOf({ 'cache-scope': 's', path: '.' }), runtime());
    const tagOf = (pl: typeof p, cwd: string) => {
      const args = envdBuildCall(pl, { ...options, cwd, withImport: true }).args;
      return args[args.indexOf('--tag') + 1];
    };
    expect(tagOf(noOutput, '/home/runner/_work/x/.github')).toBe('github:dev');
    expect(tagOf(noOutput, '/home/runner/_work/x/My Repo_')).toBe('my-repo:dev');
    expect(tagOf(p, '/ws/.github')).toBe('ghcr.io/o/e:1');
    const sub = plan(inputsOf({ 'cache-scope': 's', path: 'envs/-x' }), runtime());
    expect(tagOf(sub, '/ws')).toBe('x:dev');
  });

  test.each([
    ['.github', 'github'],
    ['repo_', 'repo'],
    ['-x', 'x'],
    ['Repo', 'repo'],
    ['Café-Ünïcode', 'cafe-unicode'],
    ['日本語', 'envd'],
    ['', 'envd'],
    ['.', 'envd'],
    ['a..b__c___d--e', 'a-b__c-d--e'],
    ['x'.repeat(300), 'x'.repeat(128)]
  ])('sanitizeImageName(%j) = %j', (name, expected) => {
    expect(sanitizeImageName(name)).toBe(expected);
  });

  test('every sanitised name is a valid reference path component', () => {
    for (const name of ['..', '_', '-', '.-_', 'a b', 'A/B', 'x:y', 'ok', '__init__', 'a.-b']) {
      expect(sanitizeImageName(name)).toMatch(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/);
    }
  });

  test('envdTag: the first output name; anything without an image name falls back to the directory', () => {
    expect(envdTag('type=image,"name=ghcr.io/o/a:1,ghcr.io/o/b:2",push=true', 'repo')).toBe('ghcr.io/o/a:1');
    expect(envdTag('type=registry,name=ghcr.io/o/a', 'repo')).toBe('ghcr.io/o/a');
    expect(envdTag('type=image,name=ghcr.io/o/a@sha256:' + 'a'.repeat(64), 'repo')).toBe('repo:dev');
    expect(envdTag('type=oci,dest=x.tar', '.github')).toBe('github:dev');
    expect(envdTag(undefined, 'Repo')).toBe('repo:dev');
  });

  test('display quoting', () => {
    expect(showArgs('envd', ['build', '--output', 'type=image,name=a b'])).toBe(
      "envd build --output 'type=image,name=a b'"
    );
  });
});

describe('environment', () => {
  test("ENVD_BUILD_OWNER: the workflow's own value wins, else the fixed default", () => {
    expect(envdEnv({ ENVD_BUILD_OWNER: '1001:121', PATH: '/usr/bin' }, ['/t']).ENVD_BUILD_OWNER).toBe('1001:121');
    expect(envdEnv({ ENVD_BUILD_OWNER: '', PATH: '/usr/bin' }, ['/t']).ENVD_BUILD_OWNER).toBe(DEFAULT_BUILD_OWNER);
    expect(envdEnv({ PATH: '/usr/bin' }, ['/t']).ENVD_BUILD_OWNER).toBe(DEFAULT_BUILD_OWNER);
    expect(envdEnv({ PATH: '/usr/bin' }, ['/t'])).toMatchObject({
      ENVD_ANALYTICS: 'false',
      BUILDKIT_PROGRESS: 'plain'
    });
  });
});

describe('progress', () => {
  const COLD = [
    '#1 [internal] load build definition',
    '#1 DONE 0.0s',
    '#2 importing cache manifest from gha:1234',
    '#2 ERROR: not found',
    '#3 docker-image://docker.io/library/ubuntu:22.04',
    '#3 DONE 1.0s',
    '#4 sh -c apt-get update',
    '#4 CACHED',
    '#8 importing cache manifest from ghcr.io/tensorchord/python-cache:envd-v1.3.4',
    '#8 ERROR: not found',
    '#9 [internal] install ssh keys',
    '#9 CACHED',
    '#10 parse build.envd and download/cache dependencies',
    '#10 DONE 0.0s',
    '#5 pip install numpy',
    '#5 0.512 Collecting numpy',
    '#5 DONE 3.2s',
    '#6 exporting to GitHub Actions Cache',
    '#6 preparing build cache for export',
    '#6 DONE 0.4s',
    'not a progress line'
  ];

  test('counts steps (not internal, import or export vertices) and the cached ones', () => {
    const pr = new Progress();
    COLD.forEach((l) => pr.push(l));
    expect(pr.figures()).toMatchObject({
      totalSteps: 4,
      cachedSteps: 2,
      imports: [{ name: 'importing cache manifest from gha:1234', error: 'not found' }],
      exports: [{ name: 'exporting to GitHub Actions Cache', error: undefined, done: true }],
      stepError: undefined
    });
  });

  // envd's plain printer numbers a log line with the vertex's index when the log arrives; a vertex not printed
  // yet has index 0 (envd v1.3.4 pkg/progress/progressui/display.go:576, printer.go:62-65 and :160).
  const WITH_LOGS_OF_UNPRINTED_STEPS = [
    '#1 [internal] load build definition',
    '#1 DONE 0.0s',
    '',
    '#0 0.104 Reading package lists...',
    '#0 0.512 Collecting numpy',
    '#2 [internal] install system packages (apt-get install)',
    '#2 CACHED',
    '',
    '#0 1.010 Installing collected packages: numpy',
    '#3 [build.envd 1/1] install.python_packages(name=["numpy"])',
    '#3 CACHED'
  ];

  test('#0 log lines are never a step: a full hit reads 100 %', () => {
    const pr = new Progress();
    WITH_LOGS_OF_UNPRINTED_STEPS.forEach((l) => pr.push(l));
    const f = pr.figures();
    expect(f.totalSteps).toBe(2);
    expect(f.cachedSteps).toBe(2);
  });

  // A step whose result comes from the remote cache only so that a later step can run: BuildKit loads it as
  // cached (solver/jobs.go:1036-1047, v0.32.2), then pulls its layer when the later step needs it, through the
  // step's own progress controller (solver/jobs.go:1186-1191, worker/base/worker.go:656-666): the vertex is
  // reopened, shows the blob download (util/pull/pullprogress/progress.go:119, id = layer digest) and
  // "extracting sha256:…" (cache/refs.go:1373), and ends with DONE; the display overwrites Cached, so the
  // CACHED line may never be printed (util/progress/progressui/printer.go:187-205).
  const HEX = 'd1e5a7c0b2f39485a6e7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3';
  const REMOTE_LOAD = [
    '#4 docker-image://docker.io/library/ubuntu:22.04',
    '#4 resolve docker.io/library/ubuntu:22.04 0.2s done',
    `#4 sha256:${HEX} 29.54MB / 29.54MB 0.6s done`,
    `#4 extracting sha256:${HEX} 0.9s done`,
    '#4 DONE 1.7s',
    '',
    '#5 [internal] install system packages (apt-get install)',
    `#5 sha256:${HEX.replace(/d/g, 'e')} 10.49MB / 31.20MB 0.2s`,
    `#5 sha256:${HEX.replace(/d/g, 'e')} 31.20MB / 31.20MB 0.5s done`,
    `#5 extracting sha256:${HEX.replace(/d/g, 'e')}`,
    `#5 extracting sha256:${HEX.replace(/d/g, 'e')} 1.2s done`,
    '#5 DONE 1.8s',
    '',
    '#6 [internal] copy micromamba from the download stage',
    '#6 CACHED',
    '',
    '#6 [internal] copy micromamba from the download stage',
    `#6 extracting sha256:${HEX.replace(/d/g, 'f')} 0.1s done`,
    '#6 DONE 0.1s',
    '',
    '#7 [build.envd 1/1] install.python_packages(name=["numpy"])',
    '#7 0.512 Collecting numpy',
    '#7 DONE 3.2s',
    '',
    '#8 [build.envd 1/1] run(["true"])',
    '#8 DONE 0.1s'
  ];

  test('a step loaded from the remote cache (layer pulled, nothing run) counts as cached; a pulled base image does not', () => {
    const pr = new Progress();
    REMOTE_LOAD.forEach((l) => pr.push(l));
    const f = pr.figures();
    expect(f.totalSteps).toBe(5);
    expect(f.cachedSteps).toBe(2);
  });

  test.each(['progress-evicted-middle-layer.txt', 'progress-evicted-last-layer.txt'])(
    'a step whose cached layer was evicted shows ERROR, is rebuilt and finishes: built, not failed (%s, captured from buildkitd v0.32.2)',
    (file) => {
      const pr = new Progress();
      fs.readFileSync(new URL(`../fixtures/buildkit-v0.32.2/${file}`, import.meta.url), 'utf8')
        .split('\n')
        .forEach((l) => pr.push(l));
      const f = pr.figures();
      expect(f.stepError).toBeUndefined();
      expect(f.steps.filter((s) => s.status === 'failed')).toEqual([]);
      expect(f.steps.some((s) => s.status === 'built')).toBe(true);
    }
  );

  test.each([
    // The last layer's entry gone: [1/3] CACHED, [3/3] ERROR then run, [2/3] pulled for it (no CACHED printed).
    ['progress-evicted-last-layer.txt', ['cached', 'built', 'cached'], 2],
    // A middle layer's entry gone: [3/3] and [2/3] ERROR then run, [1/3] CACHED then pulled.
    ['progress-evicted-middle-layer.txt', ['built', 'built', 'cached'], 1],
    // The same over a cache service answering each lookup after 250 ms: [2/4] and [3/4] print CACHED (marked as
    // inputs when [4/4]'s load starts), then ERROR, then run. Issue 20 item 4: they were counted cached (3 of 4).
    ['progress-evicted-slow-service.txt', ['cached', 'built', 'built', 'built'], 1]
  ])('%s: a step that printed ERROR and then ran is built; only what loaded is cached', (file, statuses, cached) => {
    const pr = new Progress();
    fs.readFileSync(new URL(`../fixtures/buildkit-v0.32.2/${file}`, import.meta.url), 'utf8')
      .split('\n')
      .forEach((l) => pr.push(l));
    const f = pr.figures();
    expect(f.steps.map((s) => s.status)).toEqual(statuses);
    expect([f.cachedSteps, f.totalSteps, f.stepError]).toEqual([cached, statuses.length, undefined]);
  });

  // What a vertex was is said by its last terminal line and what came since the one before (BuildKit v0.32.2):
  // CACHED: its result was loaded (solver/jobs.go:1044, Cached=true) or marked cached as an input of a step that
  // started (solver/progress.go:110-122). ERROR: its load failed (jobs.go:1376-1386; the record is dropped and the
  // step runs or the next record loads, solver/edge.go:621-631, :923-943) or it failed. DONE: it ran (jobs.go:1242,
  // Cached=false), or its progress controller reopened it to materialise a loaded result, which always prints a
  // status (`sha256:…` pull, `extracting sha256:…`, `merging`/`diffing`: cache/remote.go:353-356, cache/refs.go:
  // 1292-1304, :1371-1373; util/progress/controller/controller.go:30-75). The plain display prints at most every
  // 100 ms the latest state of a vertex (util/progress/progressui/display.go:82-92, :683-685), so a state between
  // two prints may never show.
  const PULL = `sha256:${'c'.repeat(64)} 1.06MB / 1.06MB 0.0s done`;
  const EXTRACT = `extracting sha256:${'c'.repeat(64)} 0.1s done`;
  const GONE = `ERROR: blob sha256:${'b'.repeat(64)}: not found`;
  test.each<[string, 'cached' | 'built', string[]]>([
    ['CACHED', 'cached', ['CACHED']],
    ['CACHED, reopened to pull its layers', 'cached', ['CACHED', PULL, EXTRACT, 'DONE 0.1s']],
    ['CACHED, reopened to merge (no layer pulled)', 'cached', ['CACHED', 'merging 0.1s done', 'DONE 0.1s']],
    [
      'pulled without a CACHED print (the load and the reopen between two prints)',
      'cached',
      [PULL, EXTRACT, 'DONE 0.2s']
    ],
    ['CACHED, ERROR (load failed), run quietly', 'built', ['CACHED', GONE, 'DONE 0.1s']],
    ['CACHED, ERROR, run with log lines', 'built', ['CACHED', GONE, '0.412 Collecting numpy', 'DONE 5.3s']],
    ['CACHED, then run (the failed load between two prints)', 'built', ['CACHED', 'DONE 0.1s']],
    ['a pull, ERROR, run quietly: the pull does not make the run a hit', 'built', [PULL, GONE, 'DONE 0.1s']],
    ['ERROR, then another record loaded', 'cached', [GONE, 'CACHED']],
    ['ERROR, then another record loaded and pulled', 'cached', [GONE, PULL, EXTRACT, 'DONE 0.1s']],
    ['run, then reopened to pull its result for a later step', 'built', ['DONE 0.3s', PULL, 'DONE 0.1s']],
    ['run', 'built', ['DONE 0.3s']]
  ])('%s: %s', (_what, status, lines) => {
    const pr = new Progress();
    ['#5 [2/3] RUN make', ...lines.map((l) => `#5 ${l}`)].forEach((l) => pr.push(l));
    const f = pr.figures();
    expect(f.steps.map((s) => s.status)).toEqual([status]);
    expect(f.cachedSteps).toBe(status === 'cached' ? 1 : 0);
  });

  test('the failing step is reported', () => {
    const pr = new Progress();
    ['#7 pip install nope', '#7 ERROR: process "pip install nope" did not complete successfully: exit code: 1'].forEach(
      (l) => pr.push(l)
    );
    expect(pr.figures().stepError).toBe('process "pip install nope" did not complete successfully: exit code: 1');
  });
});

describe('error texts', () => {
  test.each([
    ['failed to solve: failed to compute cache key: blob sha256:abc not found', 'evicted-blob'],
    // What BuildKit v0.32.2 prints: errors.Wrapf(cerrdefs.ErrNotFound, "blob %s", dgst) in cache/remotecache/gha/gha.go:618
    // (also :593, v1/chains.go:251, azblob/importer.go:219,239); ErrNotFound reads "not found" (containerd/errdefs errors.go:120).
    [
      `failed to solve: failed to compute cache key: blob sha256:${'0123456789abcdef'.repeat(4)}: not found`,
      'evicted-blob'
    ],
    ['failed to solve: failed to load cache key: blob sha256:abc: not found', 'evicted-blob'],
    ['BlobNotFound', 'evicted-blob'],
    ['This legacy service is shutting down, effective April 15, 2025', 'legacy-cache-api'],
    ['token not set for github actions cache', 'gha-credentials'],
    ['cache token expired at 2026-11-27', 'token-expired'],
    ['error writing layer blob: failed to reserve cache', 'write-denied'],
    ['maximum timeout reached', 'throttled'],
    ['Rate limited: Failed request: (429) Too Many Requests: rate limit exceeded', 'throttled'],
    ['403 AuthenticationFailed: Server failed to authenticate the request', 'expired-url'],
    ['repository name must be lowercase', 'uppercase-ref'],
    ['Cache export is not supported for the docker driver', 'wrong-builder'],
    ['failed to connect to buildkitd unix:///x: timeout 5s: cannot connect to buildkitd', 'no-buildkitd'],
    ['region ($AWS_REGION) not set for s3 cache', 's3-location'],
    ['unexpected status from PUT request: 401 Unauthorized', 'registry-auth'],
    ['local cache importer requires explicit digest', 'local-import']
  ])('%s → %s', (text, id) => {
    expect(classify(text)?.id).toBe(id);
  });

  test('unknown text is not classified', () => {
    expect(classify('something else entirely')).toBeUndefined();
  });

  test("envd's fatal line gives the one-line error", () => {
    const stderr =
      'time="2026-11-27T10:00:00Z" level=info msg="x"\ntime="2026-11-27T10:00:01Z" level=fatal msg=exit error="failed to solve: \\"blob\\" not found"\n';
    expect(envdErrorLine(stderr)).toBe('failed to solve: "blob" not found');
    expect(envdErrorLine('plain last line\n')).toBe('plain last line');
  });

  // envd's ExitErrHandler logs the error through logrus (envd v1.3.4 pkg/app/app.go:160-166), whose text
  // formatter quotes a value with strconv.Quote (%q): Go escapes, not JSON's.
  test("the fatal line's error is unquoted by Go's rules", () => {
    const stderr =
      'time="2026-11-27T10:00:01Z" level=fatal msg=exit app=envd error="failed to solve: \\"x\\"\\n\\tnext\\\\path \\u00e9 \\x41 \\U0001F600 \\a" version=v1.3.4\n';
    expect(envdErrorLine(stderr)).toBe('failed to solve: "x"\n\tnext\\path é A 😀 \u0007');
  });

  test.each([
    ['"plain"', 'plain'],
    ['"a\\"b"', 'a"b'],
    ['"tab\\tnl\\ncr\\r"', 'tab\tnl\ncr\r'],
    ['"\\\\"', '\\'],
    ['"\\u00e9\\x41\\101\\U0001F600"', 'éAA😀'],
    ['"\\xe2\\x82\\xac"', '€'],
    ['"\\v\\f\\b"', '\v\f\b'],
    ['"\\\'"', undefined],
    ['"\\q"', undefined],
    ['"open"', 'open'],
    ['unquoted', undefined]
  ])('goUnquote(%s)', (quoted, expected) => {
    expect(goUnquote(quoted)).toBe(expected);
  });
});
