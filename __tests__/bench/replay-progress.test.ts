import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import { countBuild, countJob } from '../../bench/replay/progress.js';

const fixture = (name: string) =>
  fs.readFileSync(new URL(`../fixtures/buildkit-v0.32.2/${name}`, import.meta.url), 'utf8');
const names = (s: Set<string>) => [...s].map((n) => n.slice(0, 5)).sort();

describe("bench:replay counts a build's steps from BuildKit's plain progress", () => {
  test('real capture: a middle layer evicted — the steps above it are marked ERROR, then run: built, never cached', () => {
    const c = countBuild(fixture('progress-evicted-middle-layer.txt'));
    expect(c.steps.map((s) => s.slice(0, 5))).toEqual(['[3/3]', '[2/3]', '[1/3]']);
    expect(names(c.cached)).toEqual(['[1/3]']);
    expect(names(c.built)).toEqual(['[2/3]', '[3/3]']);
    expect(names(c.errored)).toEqual(['[2/3]', '[3/3]']);
  });

  test('real capture: the last layer evicted — a step that only pulled its layer (no CACHED printed) is cached', () => {
    const c = countBuild(fixture('progress-evicted-last-layer.txt'));
    expect(names(c.cached)).toEqual(['[1/3]', '[2/3]']);
    expect(names(c.built)).toEqual(['[3/3]']);
    expect(names(c.errored)).toEqual(['[3/3]']);
  });

  const build = [
    '#1 [internal] load build definition from Dockerfile',
    '#1 DONE 0.0s',
    '',
    '#3 importing cache manifest from gha:1',
    '#3 DONE 0.0s',
    '',
    '#5 [base 1/3] COPY busybox /bin/busybox',
    '#5 CACHED',
    '',
    '#6 [base 2/3] RUN ["/bin/busybox", "sh", "-c", "echo"]',
    '#6 sha256:ea2f6b4d8acaae06d9e62de90648ad757e8eb39957b8e8dbe2a4afc0e3114f12 1.06MB / 1.06MB 0.0s done',
    '#6 extracting sha256:ea2f6b4d8acaae06d9e62de90648ad757e8eb39957b8e8dbe2a4afc0e3114f12 0.1s done',
    '#6 DONE 0.2s',
    '',
    '#7 [wheels 1/1] RUN --mount=type=bind,source=requirements.txt,target=/requirements.txt ["x"]',
    '#7 0.105 Collecting numpy',
    '#7 DONE 0.5s',
    '',
    '#8 [stage-2 1/3] COPY --from=wheels /wheels/site /site-packages',
    '#8 DONE 0.0s',
    '',
    '#9 exporting to GitHub Actions Cache',
    '#9 writing layer sha256:158f7bcd81e1a89f2135bb149e5f417b3a80da1d2caaa5efac8404cbe5b764cd 0.0s done',
    '#9 DONE 0.3s',
    ''
  ].join('\n');

  test('multi-stage step names count; internal, import and export vertices do not; a step that ran (logged, or DONE without a pull) is built', () => {
    const c = countBuild(build);
    expect(c.steps).toHaveLength(4);
    expect(names(c.cached)).toEqual(['[base', '[base']);
    expect([...c.built].map((s) => s.split(']')[0])).toEqual(['[wheels 1/1', '[stage-2 1/3']);
    expect(c.errored.size).toBe(0);
  });

  test("a job's builds: built when any build built it (a second, fully cached build of the same context changes nothing)", () => {
    const cachedAgain = build
      .replace('#7 0.105 Collecting numpy\n#7 DONE 0.5s', '#7 CACHED')
      .replace('#8 DONE 0.0s', '#8 CACHED');
    const one = countJob([build]);
    const two = countJob([build, cachedAgain]);
    expect(two.steps).toEqual(one.steps);
    expect(two.built).toEqual(one.built);
    expect(two.cached).toEqual(one.cached);
    expect(countJob([cachedAgain]).built.size).toBe(0);
    expect(countJob([]).steps).toEqual([]);
  });
});
