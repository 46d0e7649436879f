import { describe, expect, test } from '@jest/globals';
import {
  candidateIds,
  ENVD_MOUNT_DIRS,
  decideSaves,
  DEFAULT_HELPER_IMAGE,
  envName,
  mountIdOf,
  mountKey,
  mountKeyPrefix,
  mountsMayHaveChanged,
  namedFiles,
  packageFingerprint,
  parseDiskUsage,
  parseDuSize,
  parseHelper,
  parseMountKey,
  parseMountsSetting,
  restoreDockerfile,
  restoreSkip,
  saveDockerfile
} from '../../src/mounts/mounts.js';

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP_DIR = ENVD_MOUNT_DIRS[0];

/** `buildctl du --verbose` as BuildKit v0.32.2 printed it (tabs as its tabwriter writes them; commands shortened). */
const DU = [
  'ID:\t\tzqb3rh76w8gp47l0ujtuboewt',
  'Created at:\t2026-12-07 04:27:52.291258872 +0000 UTC',
  'Mutable:\ttrue',
  'Reclaimable:\ttrue',
  'Shared:\t\tfalse',
  'Size:\t\t4.10kB',
  'Description:\tlocal source for context',
  'Usage count:\t1',
  'Last used:\t2026-12-07 04:27:53.529868487 +0000 UTC',
  'Type:\t\tsource.local',
  '',
  'ID:\t\twfrd5qw77da1q7adv83uu9a59',
  'Created at:\t2026-12-07 04:27:52.662513339 +0000 UTC',
  'Mutable:\ttrue',
  'Reclaimable:\ttrue',
  'Shared:\t\tfalse',
  'Size:\t\t315.39kB',
  `Description:\tcached mount ${PIP_DIR} from exec /bin/sh -c pip install -r "a: b.txt" with id "${PIP_DIR}/demo-cpu"`,
  'Usage count:\t1',
  'Last used:\t2026-12-07 04:27:53.428026611 +0000 UTC',
  'Type:\t\texec.cachemount',
  '',
  'ID:\t\tm23a7p53jblh86sagz2784ulq',
  'Parents:\tabc;def',
  'Created at:\t2026-12-07 04:27:52.524004018 +0000 UTC',
  'Mutable:\tfalse',
  'Reclaimable:\ttrue',
  'Shared:\t\tfalse',
  'Size:\t\t1.99MB',
  'Description:\t[stage-0 1/2] COPY busybox /bin/busybox',
  'Usage count:\t1',
  'Type:\t\tregular',
  '',
  'ID:\t\tq1',
  'Created at:\t2026-12-07 04:27:52 +0000 UTC',
  'Mutable:\ttrue',
  'Reclaimable:\tfalse',
  'Shared:\t\tfalse',
  'Size:\t\t2.5GB',
  'Description:\tcached mount /opt/conda/pkgs from exec /bin/sh -c conda install with id "/opt/conda/pkgs/demo-gpu"',
  'Usage count:\t3',
  'Last used:\t2026-12-07 04:30:00 +0000 UTC',
  'Type:\t\texec.cachemount',
  '',
  'Reclaimable:\t2.5GB',
  'Total:\t\t2.5GB',
  ''
].join('\n');

describe('cache-mounts input', () => {
  test.each([
    ['', { kind: 'none' }],
    ['None', { kind: 'none' }],
    ['auto', { kind: 'auto' }],
    [`${PIP_DIR}, /opt/conda/pkgs/\n${PIP_DIR}`, { kind: 'dirs', dirs: [`${PIP_DIR}`, '/opt/conda/pkgs'] }]
  ])('%j', (text, value) => expect(parseMountsSetting(text)).toEqual({ ok: true, value }));

  test.each(['root/.cache/pip', '/a/../etc', '/a b', 'yes'])('%j is refused with the fix', (text) => {
    const r = parseMountsSetting(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/write none, auto, or envd's cache directories: \/root\/\.cache\/pip/);
  });

  test('the helper: a pinned image by default, another image, or a static busybox on the runner', () => {
    expect(parseHelper('')).toEqual({ kind: 'image', ref: DEFAULT_HELPER_IMAGE });
    expect(DEFAULT_HELPER_IMAGE).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(parseHelper('alpine:3.20')).toEqual({ kind: 'image', ref: 'alpine:3.20' });
    expect(parseHelper('/usr/bin/busybox')).toEqual({ kind: 'busybox', file: '/usr/bin/busybox' });
  });
});

describe('mount ids', () => {
  test("envd's environment name is the build path's last element", () => {
    expect(envName('checkout/repo/examples')).toBe('examples');
    expect(envName('checkout/repo/examples/')).toBe('examples');
  });

  test('auto: every envd cache directory, CPU and GPU', () => {
    expect(candidateIds({ kind: 'auto' }, 'py')).toEqual([
      `${PIP_DIR}/py-cpu`,
      `${PIP_DIR}/py-gpu`,
      '/opt/conda/pkgs/py-cpu',
      '/opt/conda/pkgs/py-gpu',
      '/var/cache/apt/py-cpu',
      '/var/cache/apt/py-gpu',
      '/var/lib/apt/py-cpu',
      '/var/lib/apt/py-gpu'
    ]);
    expect(candidateIds({ kind: 'none' }, 'py')).toEqual([]);
  });

  test('the id in a description: quoted by Go, the last " with id" wins; no id when it equals the target', () => {
    expect(mountIdOf(`cached mount /m from exec sh -c echo with id "x" with id "${PIP_DIR}/a \\"b\\""`)).toBe(
      `${PIP_DIR}/a "b"`
    );
    expect(mountIdOf(`cached mount ${PIP_DIR} from exec sh`)).toBe(`${PIP_DIR}`);
  });

  test('du sizes: decimal units, two decimals', () => {
    expect(parseDuSize('123B')).toBe(123);
    expect(parseDuSize('4.10kB')).toBe(4100);
    expect(parseDuSize('2.5GB')).toBe(2.5e9);
    expect(parseDuSize('12 parsecs')).toBeUndefined();
  });

  test('buildctl du --verbose: only cache mounts, with id, size and last use', () => {
    expect(parseDiskUsage(DU)).toEqual([
      { id: `${PIP_DIR}/demo-cpu`, size: 315390, lastUsed: '2026-12-07 04:27:53.428026611 +0000 UTC' },
      { id: '/opt/conda/pkgs/demo-gpu', size: 2.5e9, lastUsed: '2026-12-07 04:30:00 +0000 UTC' }
    ]);
    expect(parseDiskUsage('')).toEqual([]);
  });
});

describe('keys', () => {
  test('one per mount and scope, content-keyed, found by prefix', () => {
    const key = mountKey('ci-build', `${PIP_DIR}/py-cpu`, 'ab'.repeat(32));
    expect(key).toBe(`envd-mount-ci-build#${PIP_DIR}/py-cpu#abababababababab`);
    expect(key.startsWith(mountKeyPrefix('ci-build', `${PIP_DIR}/py-cpu`))).toBe(true);
    expect(parseMountKey(key)).toEqual({ scope: 'ci-build', id: `${PIP_DIR}/py-cpu`, hash: 'abababababababab' });
    expect(parseMountKey('envd-local-ci-build-0123456789abcdef')).toBeUndefined();
    expect(parseMountKey('index-ci-build-1-f921bd05#3')).toBeUndefined();
  });
});

describe('helper builds', () => {
  const ids = [`${PIP_DIR}/py-cpu`, '/var/lib/apt/py-cpu'];
  test("restore: each archive unpacked into envd's mount (the Dockerfile frontend adds the leading /)", () => {
    expect(restoreDockerfile({ kind: 'image', ref: 'busybox@sha256:00' }, ids)).toBe(
      [
        'FROM busybox@sha256:00 AS dance',
        'ARG ENVD_CACHE_MOUNTS_NONCE',
        'RUN --mount=type=cache,id=root/.cache/pip/py-cpu,target=/m0,sharing=shared --mount=type=bind,source=root_.cache_pip_py-cpu,target=/in0 sh -c "tar -xf /in0/mount.tar -C /m0"',
        'RUN --mount=type=cache,id=var/lib/apt/py-cpu,target=/m1,sharing=shared --mount=type=bind,source=var_lib_apt_py-cpu,target=/in1 sh -c "tar -xf /in1/mount.tar -C /m1"',
        ''
      ].join('\n')
    );
  });
  test('save: each mount packed into the local output; a static busybox runs FROM scratch', () => {
    const df = saveDockerfile({ kind: 'busybox', file: '/usr/bin/busybox' }, ids.slice(0, 1));
    expect(df).toBe(
      [
        'FROM scratch AS dance',
        'COPY busybox /bin/busybox',
        'ARG ENVD_CACHE_MOUNTS_NONCE',
        'RUN --mount=type=cache,id=root/.cache/pip/py-cpu,target=/m0,sharing=shared ["/bin/busybox","sh","-c","/bin/busybox mkdir -p /out && /bin/busybox tar -cf /out/root_.cache_pip_py-cpu.tar -C /m0 ."]',
        'FROM scratch',
        'COPY --from=dance /out/ /',
        ''
      ].join('\n')
    );
  });
});

describe('what is saved', () => {
  const records = parseDiskUsage(DU);
  const ctx = { setting: { kind: 'auto' } as const, env: 'demo', maxBytes: 2e9 };
  test("the setting's mounts of this environment under the limit are saved; over it, skipped with a warning", () => {
    expect(decideSaves(records, ctx)).toEqual([
      { id: `${PIP_DIR}/demo-cpu`, size: 315390, save: true },
      {
        id: '/opt/conda/pkgs/demo-gpu',
        size: 2.5e9,
        save: false,
        warn: true,
        reason: '2.5 GB is over cache-mounts-max (2.0 GB); raise cache-mounts-max or keep fewer directories'
      }
    ]);
    expect(decideSaves(records, { ...ctx, env: 'other' })).toEqual([]);
    expect(
      decideSaves(records, { ...ctx, setting: { kind: 'dirs', dirs: ['/opt/conda/pkgs'] }, maxBytes: 3e9 })
    ).toEqual([{ id: '/opt/conda/pkgs/demo-gpu', size: 2.5e9, save: true }]);
  });
  test('an empty mount is not saved', () => {
    expect(decideSaves([{ id: '/var/lib/apt/demo-cpu', size: 0, lastUsed: '' }], ctx)).toEqual([
      { id: '/var/lib/apt/demo-cpu', size: 0, save: false, reason: 'empty' }
    ]);
  });
  test('only a build that ran a step can have changed a mount', () => {
    expect(mountsMayHaveChanged({ cachedSteps: 7, totalSteps: 7 })).toBe(false);
    expect(mountsMayHaveChanged({ cachedSteps: 6, totalSteps: 7 })).toBe(true);
    expect(mountsMayHaveChanged({ cachedSteps: 0, totalSteps: 0 })).toBe(true);
  });
});

describe('the restore-skip rule', () => {
  const BUILD =
    'def build():\n    install.python_packages(requirements="requirements.txt")\n    install.conda_packages(env_file=\'./env/environment.yml\')\n    install.python_packages(name=["numpy", "../secret", "/etc/passwd"])\n';
  const inputs = {
    buildFile: BUILD,
    build: ['build.envd:build', '', 'envd v1.3.4, BuildKit v0.32.2', ''],
    files: [{ path: 'requirements.txt', sha256: 'a'.repeat(64) }]
  };

  test('files the build file names: relative literals inside the build directory (package names are not found later)', () => {
    expect(namedFiles(BUILD)).toEqual(['env/environment.yml', 'numpy', 'requirements.txt']);
  });

  test('the fingerprint follows the build file, each named file, and how envd runs; not the order files were read', () => {
    const fp = packageFingerprint(inputs);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(packageFingerprint({ ...inputs, files: [...inputs.files].reverse() })).toBe(fp);
    for (const other of [
      { ...inputs, buildFile: BUILD + '\n' },
      { ...inputs, files: [{ path: 'requirements.txt', sha256: 'b'.repeat(64) }] },
      { ...inputs, files: [] },
      { ...inputs, build: ['build.envd:build', 'linux/arm64', 'envd v1.3.4, BuildKit v0.32.2', ''] },
      { ...inputs, build: ['build.envd:build', '', 'envd v1.3.5, BuildKit v0.32.2', ''] }
    ])
      expect(packageFingerprint(other)).not.toBe(fp);
  });

  test('keys carry the fingerprint after the content hash; keys saved before it still parse', () => {
    const key = mountKey('py', `${PIP_DIR}/app-cpu`, 'c'.repeat(64), 'd'.repeat(16));
    expect(key).toBe(`envd-mount-py#${PIP_DIR}/app-cpu#${'c'.repeat(16)}.${'d'.repeat(16)}`);
    expect(parseMountKey(key)).toEqual({
      scope: 'py',
      id: `${PIP_DIR}/app-cpu`,
      hash: 'c'.repeat(16),
      fingerprint: 'd'.repeat(16)
    });
    expect(parseMountKey(mountKey('py', `${PIP_DIR}/app-cpu`, 'c'.repeat(64)))).toEqual({
      scope: 'py',
      id: `${PIP_DIR}/app-cpu`,
      hash: 'c'.repeat(16)
    });
  });

  test("skipped when any saved entry carries this build's fingerprint; never without a fingerprint", () => {
    const k = (fp?: string) => mountKey('py', `${PIP_DIR}/app-cpu`, 'c'.repeat(64), fp);
    expect(restoreSkip([undefined, k('1'.repeat(16)), k('2'.repeat(16))], '2'.repeat(16))).toEqual({
      skip: true,
      key: k('2'.repeat(16))
    });
    expect(restoreSkip([k('1'.repeat(16)), k()], '2'.repeat(16))).toEqual({ skip: false });
    expect(restoreSkip([k('1'.repeat(16))], undefined)).toEqual({ skip: false });
    expect(restoreSkip([], '1'.repeat(16))).toEqual({ skip: false });
  });
});
