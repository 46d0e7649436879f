import * as fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { classify } from '../../src/envd/errors.js';
import {
  type AttemptRecord,
  CacheWatch,
  failedOutcome,
  nextAttempt,
  type Outcome,
  waitText
} from '../../src/envd/watchdog.js';

const MIN = 60_000;

/** Feeds lines one second apart from t=0; returns the watch and the time of the last line. */
function fed(lines: string[], timeoutMs = 5 * MIN): { watch: CacheWatch; at: number } {
  const watch = new CacheWatch(timeoutMs, 0);
  let at = 0;
  for (const l of lines) watch.push(l, (at += 1000));
  return { watch, at };
}

const IMPORT = [
  '#1 [internal] load build definition from build.envd',
  '#1 DONE 0.0s',
  '#2 importing cache manifest from ghcr.io/o/r:buildcache'
];
const BUILT = ['#2 DONE 0.1s', '#3 [1/2] RUN pip install x', '#3 0.512 ok', '#3 DONE 1.0s'];

describe('CacheWatch: a stalled import', () => {
  test('an open import vertex and nothing printed for the timeout is a stall naming the vertex and the wait', () => {
    const { watch, at } = fed(IMPORT);
    expect(watch.stall(at + 5 * MIN - 1)).toBeUndefined();
    expect(watch.stall(at + 5 * MIN)).toEqual({
      kind: 'import',
      vertex: 'importing cache manifest from ghcr.io/o/r:buildcache',
      waitedMs: 5 * MIN
    });
  });

  test('any line is progress: the wait starts again', () => {
    const { watch, at } = fed(IMPORT);
    watch.push('#0 0.1 resolving', at + 4 * MIN);
    expect(watch.stall(at + 5 * MIN)).toBeUndefined();
    expect(watch.stall(at + 9 * MIN)?.kind).toBe('import');
  });

  test('an import that ended (DONE or ERROR) is no stall, however long a step is silent', () => {
    expect(fed([...IMPORT, ...BUILT]).watch.stall(60 * MIN)).toBeUndefined();
    expect(
      fed([...IMPORT, '#2 ERROR: failed to configure registry cache importer: connection refused']).watch.stall(
        60 * MIN
      )
    ).toBeUndefined();
  });

  test('a silent build step is never a stall: the build is never abandoned', () => {
    expect(fed(['#3 [1/2] RUN make', '#3 0.5 compiling']).watch.stall(600 * MIN)).toBeUndefined();
  });

  test('cache-timeout 0 turns the watchdog off', () => {
    expect(fed(IMPORT, 0).watch.stall(10_000 * MIN)).toBeUndefined();
  });
});

describe('CacheWatch: a stalled pull of a cached layer', () => {
  const blob = 'sha256:' + 'b'.repeat(64);
  const small = 'sha256:' + 'c'.repeat(64);
  const CACHED_STEP = [
    '#2 DONE 0.1s',
    '#3 [1/2] RUN pip install x',
    '#3 CACHED',
    '#4 exporting to client tarball',
    '#3 [1/2] RUN pip install x'
  ];
  /** The printer reprints an unchanged status every 5 s, only its timer grown (printer.go:19, :93-103). */
  const reprints = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => [
      `#3 ${blob} 0B / 1.50MB ${(from + 5.1 * i).toFixed(1)}s`,
      `#3 ${small} 129B / 129B 0.1s done`
    ]).flat();

  function timed(lines: string[], timeoutMs: number, stepMs: number): { watch: CacheWatch; at: number } {
    const watch = new CacheWatch(timeoutMs, 0);
    let at = 0;
    for (const l of lines) watch.push(l, (at += stepMs));
    return { watch, at };
  }

  test('a blob status reprinted with the same bytes for the timeout is a stall naming the step and the layer', () => {
    // One line every 500 ms: nothing but reprints after the first 0B line, for longer than the 5 s timeout.
    const { watch, at } = timed([...IMPORT, ...CACHED_STEP, ...reprints(0.2, 10)], 5_000, 500);
    expect(watch.stall(at)).toEqual({
      kind: 'layer',
      vertex: '[1/2] RUN pip install x',
      layer: `${blob} 0B / 1.50MB`,
      waitedMs: 5_000
    });
  });

  test('bytes that move are progress: no stall while the pull advances', () => {
    const moving = Array.from(
      { length: 12 },
      (_, i) => `#3 ${blob} ${(0.1 * i).toFixed(2)}MB / 1.50MB ${(0.5 * i).toFixed(1)}s`
    );
    const { watch, at } = timed([...IMPORT, ...CACHED_STEP, ...moving], 5_000, 500);
    expect(watch.stall(at + 4_999)).toBeUndefined();
  });

  test('a pull that finished (`done`) is not waited on, however long the rest is silent', () => {
    const { watch, at } = timed(
      [
        ...IMPORT,
        ...CACHED_STEP,
        `#3 ${blob} 1.50MB / 1.50MB 0.3s done`,
        `#3 extracting ${blob} 0.1s done`,
        '#3 DONE 0.4s'
      ],
      5_000,
      500
    );
    expect(watch.stall(at + 60 * MIN)).toBeUndefined();
  });

  test('a stalled pull under a step that was not CACHED (the base image of a FROM) is not a cache stall', () => {
    const from = [
      '#2 DONE 0.1s',
      '#3 [1/2] FROM docker.io/library/python:3.11',
      `#3 ${blob} 0B / 1.50MB 0.2s`,
      `#3 ${blob} 0B / 1.50MB 5.3s`,
      `#3 ${blob} 0B / 1.50MB 10.4s`
    ];
    expect(timed([...IMPORT, ...from], 5_000, 500).watch.stall(60 * MIN)).toBeUndefined();
  });

  test('a stalled base-image pull as envd names it (`docker-image://`), or after a `resolve …` status, is not a cache stall', () => {
    const envdBase = [
      '#2 DONE 0.1s',
      '#3 [internal] docker-image://docker.io/library/ubuntu:22.04',
      `#3 ${blob} 0B / 1.50MB 0.2s`,
      `#3 ${blob} 0B / 1.50MB 5.3s`
    ];
    expect(timed([...IMPORT, ...envdBase], 5_000, 500).watch.stall(60 * MIN)).toBeUndefined();
    const resolved = [
      '#2 DONE 0.1s',
      '#3 base image',
      '#3 resolve docker.io/library/ubuntu:22.04 0.1s done',
      `#3 ${blob} 0B / 1.50MB 0.2s`,
      `#3 ${blob} 0B / 1.50MB 5.3s`
    ];
    expect(timed([...IMPORT, ...resolved], 5_000, 500).watch.stall(60 * MIN)).toBeUndefined();
  });

  test('a stalled pull under a step whose `CACHED` did not show is a layer stall', () => {
    const step = ['#2 DONE 0.1s', '#3 [2/2] RUN make', `#3 ${blob} 0B / 1.50MB 0.2s`, `#3 ${blob} 0B / 1.50MB 5.3s`];
    const { watch, at } = timed([...IMPORT, ...step], 5_000, 500);
    expect(watch.stall(at + 5_000)).toMatchObject({ kind: 'layer', vertex: '[2/2] RUN make' });
  });

  test('a silent RUN step (no status lines) stays never a stall', () => {
    expect(
      timed([...IMPORT, '#2 DONE 0.1s', '#3 [1/2] RUN make', '#3 0.5 compiling'], 5_000, 500).watch.stall(600 * MIN)
    ).toBeUndefined();
  });
});

describe('CacheWatch: an export stalled after the output is complete', () => {
  const pushedImage = [
    '#4 exporting to image',
    '#4 exporting layers 0.1s done',
    '#4 naming to ghcr.io/o/r:1 done',
    '#4 DONE 0.2s',
    '#5 exporting cache to registry',
    '#5 preparing build cache for export',
    '#4 exporting to image',
    '#4 pushing layers 1.2s done',
    '#4 pushing manifest for ghcr.io/o/r:1@sha256:' + 'a'.repeat(64) + ' 0.1s done',
    '#4 DONE 1.5s'
  ];

  test('the image vertex ended after its push, the cache export open and silent: an export stall', () => {
    const { watch, at } = fed([...IMPORT, ...BUILT, ...pushedImage]);
    expect(watch.outputComplete()).toBe(true);
    expect(watch.pushing()).toBe(true);
    expect(watch.stall(at + 5 * MIN)).toEqual({
      kind: 'export',
      vertex: 'exporting cache to registry',
      waitedMs: 5 * MIN
    });
  });

  test('while the push runs (the image vertex reopened) the output is not complete: no stall', () => {
    const { watch, at } = fed([...IMPORT, ...BUILT, ...pushedImage.slice(0, 8)]);
    expect(watch.outputComplete()).toBe(false);
    expect(watch.stall(at + 60 * MIN)).toBeUndefined();
  });

  test("envd's default docker output: `exporting to docker image format` ended after `sending tarball`", () => {
    const lines = [
      ...IMPORT,
      ...BUILT,
      '#4 exporting to docker image format',
      '#4 sending tarball 0.3s done',
      '#4 DONE 0.4s',
      '#5 exporting to GitHub Actions Cache',
      '#5 writing layer sha256:' + 'b'.repeat(64) + ' 0.2s done'
    ];
    const { watch, at } = fed(lines);
    expect(watch.pushing()).toBe(false);
    expect(watch.stall(at + 5 * MIN)).toEqual({
      kind: 'export',
      vertex: 'exporting to GitHub Actions Cache',
      waitedMs: 5 * MIN
    });
  });

  test('a cache export that ended is no stall', () => {
    const { watch } = fed([...IMPORT, ...BUILT, ...pushedImage, '#5 DONE 3.0s']);
    expect(watch.stall(60 * MIN)).toBeUndefined();
  });

  test('the exporters of a real BuildKit: every name the captured progress shows is one the watch knows', () => {
    const text = fs.readFileSync(
      new URL('../fixtures/buildkit-v0.32.2/progress-evicted-last-layer.txt', import.meta.url),
      'utf8'
    );
    const { watch } = fed(text.split('\n'));
    expect(watch.outputComplete()).toBe(true);
  });
});

describe('unreadable cached layers: the texts BuildKit prints', () => {
  test.each([
    'exporting to oci image format failed: short read: expected 524594 bytes but got 400384: unexpected EOF',
    'failed to solve: failed to compute cache key: failed to copy: read tcp 127.0.0.1:40000->127.0.0.1:5000: read: connection reset by peer',
    'failed to copy: failed to read expected number of bytes: unexpected EOF',
    'failed to solve: failed to compute cache key: unexpected commit digest sha256:' +
      'c'.repeat(64) +
      ', expected sha256:' +
      'd'.repeat(64) +
      ': failed precondition',
    'failed to solve: failed to copy: httpReadSeeker: failed open: unexpected status from GET request to http://127.0.0.1:5000/v2/o/r/blobs/sha256:' +
      'e'.repeat(64) +
      ': 503 Service Unavailable',
    'failed to solve: invalid status response 502 Bad Gateway for http://127.0.0.1:9000/blob, range: bytes=0-100',
    'failed to solve: operation error S3: GetObject, https response error StatusCode: 500, RequestID: x, api error InternalError'
  ])('%s', (line) => {
    expect(classify(line)?.id).toBe('unreadable-layer');
  });

  test('a 404 is an evicted layer, not an unreadable one; a 4xx status is neither', () => {
    expect(classify('blob sha256:' + 'f'.repeat(64) + ': not found')?.id).toBe('evicted-blob');
    expect(classify('unexpected status from GET request to http://h/v2/o/r/blobs/x: 401 Unauthorized')?.id).not.toBe(
      'unreadable-layer'
    );
  });
});

describe('nextAttempt', () => {
  const stalledImport: Outcome = {
    kind: 'stalled',
    stall: { kind: 'import', vertex: 'importing cache manifest from x', waitedMs: 1 }
  };
  const cut = failedOutcome(
    'exporting to oci image format failed: short read: expected 524594 bytes but got 400384: unexpected EOF',
    { allText: '', pushing: false }
  );
  const withImport = (outcome: Outcome): AttemptRecord => ({ withImport: true, outcome });

  test('a stalled import: once more without it', () => {
    expect(nextAttempt([withImport(stalledImport)], true)).toEqual({ withImport: false, why: 'import-stalled' });
  });

  test('a stalled pull of a cached layer: once more without the import (not the same import again)', () => {
    const layer: Outcome = {
      kind: 'stalled',
      stall: { kind: 'layer', vertex: '[1/2] RUN x', layer: 'sha256:… 0B / 1.50MB', waitedMs: 1 }
    };
    expect(nextAttempt([withImport(layer)], true)).toEqual({ withImport: false, why: 'layer-stalled' });
    expect(nextAttempt([withImport(layer), { withImport: false, outcome: layer }], true)).toBeUndefined();
  });

  test('a stalled export: no further attempt (the step succeeds with a warning)', () => {
    expect(
      nextAttempt(
        [
          withImport({ kind: 'stalled', stall: { kind: 'export', vertex: 'exporting cache to registry', waitedMs: 1 } })
        ],
        true
      )
    ).toBeUndefined();
  });

  test('an unreadable layer: the same import once more, then once without it, then nothing', () => {
    expect(nextAttempt([withImport(cut)], true)).toEqual({ withImport: true, why: 'unreadable-layer' });
    expect(nextAttempt([withImport(cut), withImport(cut)], true)).toEqual({
      withImport: false,
      why: 'unreadable-layer'
    });
    expect(nextAttempt([withImport(cut), withImport(cut), { withImport: false, outcome: cut }], true)).toBeUndefined();
  });

  test('an evicted layer: once without the import, as before', () => {
    expect(
      nextAttempt(
        [withImport(failedOutcome('blob sha256:' + 'a'.repeat(64) + ': not found', { allText: '', pushing: false }))],
        true
      )
    ).toEqual({ withImport: false, why: 'evicted-blob' });
  });

  test('a failure while pushing the output image is not retried, whatever its text', () => {
    expect(
      nextAttempt(
        [withImport(failedOutcome('failed to push ghcr.io/o/r:1: unexpected EOF', { allText: '', pushing: false }))],
        true
      )
    ).toBeUndefined();
    expect(
      nextAttempt([withImport(failedOutcome('unexpected EOF', { allText: '', pushing: true }))], true)
    ).toBeUndefined();
  });

  test('no import, or another failure: no further attempt', () => {
    expect(nextAttempt([withImport(stalledImport)], false)).toBeUndefined();
    expect(
      nextAttempt(
        [
          withImport(
            failedOutcome('process "/bin/sh -c make" did not complete successfully: exit code: 2', {
              allText: '',
              pushing: false
            })
          )
        ],
        true
      )
    ).toBeUndefined();
    expect(nextAttempt([withImport({ kind: 'ok' })], true)).toBeUndefined();
  });
});

test('waitText', () => {
  expect(waitText(90_000)).toBe('90 s');
  expect(waitText(5 * MIN)).toBe('5 min');
});

describe('captures of a real BuildKit v0.32.2 behind the fault proxy (npm run contract:buildkit)', () => {
  const capture = (name: string) =>
    fs.readFileSync(new URL(`../fixtures/buildkit-v0.32.2/${name}`, import.meta.url), 'utf8').split('\n');

  test('a gha import that never answers: the import vertex is open and silent, a stall', () => {
    const lines = capture('progress-stalled-import.txt');
    // Up to the end buildctl printed once it was sent SIGINT (its solve cancelled: `Canceled: context canceled`).
    const { watch, at } = fed(
      lines.slice(
        0,
        lines.findIndex((l) => l.startsWith('error: '))
      )
    );
    expect(watch.stall(at + 5 * MIN)).toEqual({
      kind: 'import',
      vertex: expect.stringMatching(/^importing cache manifest from gha:\d+$/),
      waitedMs: 5 * MIN
    });
  });

  test('a registry whose manifest read never answers: the same', () => {
    const lines = capture('progress-registry-stalled-import.txt');
    const { watch, at } = fed(
      lines.slice(
        0,
        lines.findIndex((l) => l.startsWith('error: '))
      )
    );
    expect(watch.stall(at + 5 * MIN)).toEqual({
      kind: 'import',
      vertex: 'importing cache manifest from 127.0.0.1:PORT/contract/app:buildcache',
      waitedMs: 5 * MIN
    });
  });

  test('a registry layer cut in half is resumed by containerd and the build ends well: nothing to decide', () => {
    const { watch } = fed(capture('progress-registry-cut-layer.txt'));
    expect(watch.outputComplete()).toBe(true);
    expect(watch.stall(600 * MIN)).toBeUndefined();
  });

  test('a gha export that never answers after the tarball was sent: the output is complete, the export a stall', () => {
    const lines = capture('progress-stalled-export.txt');
    const { watch, at } = fed(
      lines.slice(
        0,
        lines.findIndex((l) => / CANCELED$/.test(l))
      )
    );
    expect(watch.outputComplete()).toBe(true);
    expect(watch.stall(at + 5 * MIN)).toEqual({
      kind: 'export',
      vertex: 'exporting to GitHub Actions Cache',
      waitedMs: 5 * MIN
    });
  });

  test('a gha layer whose download never answers: `0B / 1.50MB` reprinted every 5 s under the CACHED step, a layer stall', () => {
    const lines = capture('progress-stalled-layer-pull.txt');
    // Fed one line a second: the last progress is the output vertex's header; every line after it is a reprint.
    const lastNew = (lines.indexOf('#8 exporting to client tarball') + 1) * 1000;
    const { watch, at } = fed(lines);
    expect(at - lastNew).toBeGreaterThan(10_000);
    expect(watch.stall(lastNew + 5 * MIN - 1)).toBeUndefined();
    const stall = watch.stall(lastNew + 5 * MIN);
    expect(stall).toEqual({
      kind: 'layer',
      vertex: '[3/3] RUN ["/bin/busybox","sh","-c","echo two > /out/b"]',
      layer: expect.stringMatching(/^sha256:[0-9a-f]{64} 0B \/ (1\.50MB|129B|1\.06MB)$/),
      waitedMs: 5 * MIN
    });
    expect(nextAttempt([{ withImport: true, outcome: { kind: 'stalled', stall: stall! } }], true)).toEqual({
      withImport: false,
      why: 'layer-stalled'
    });
  });

  test('the same stall where the display never printed `CACHED` before the pull: still a layer stall', () => {
    // BuildKit's display prints a vertex's latest state at most every 100 ms: here the last step's pull shows
    // first, its `CACHED` never (contract run of 2026-12-07; the run above printed it).
    const lines = capture('progress-stalled-layer-pull-uncached.txt');
    expect(lines).not.toContain('#7 CACHED');
    const lastNew = (lines.indexOf('#8 exporting to client tarball') + 1) * 1000;
    const { watch } = fed(lines);
    expect(watch.stall(lastNew + 5 * MIN - 1)).toBeUndefined();
    expect(watch.stall(lastNew + 5 * MIN)).toEqual({
      kind: 'layer',
      vertex: '[3/3] RUN ["/bin/busybox","sh","-c","echo two > /out/b"]',
      layer: expect.stringMatching(/^sha256:[0-9a-f]{64} 0B \/ (1\.50MB|129B|1\.06MB)$/),
      waitedMs: 5 * MIN
    });
  });

  test('a layer cut in half: the error line is an unreadable layer, retried with the same import', () => {
    const lines = capture('progress-cut-layer.txt');
    const line = lines
      .filter((l) => l.startsWith('error: '))
      .pop()!
      .slice('error: '.length);
    expect(line).toMatch(/^failed to solve: short read: expected \d+ bytes but got \d+: unexpected EOF$/);
    const { watch } = fed(lines);
    const outcome = failedOutcome(line, { allText: lines.join('\n'), pushing: watch.pushing() });
    expect(nextAttempt([{ withImport: true, outcome }], true)).toEqual({ withImport: true, why: 'unreadable-layer' });
  });
});
