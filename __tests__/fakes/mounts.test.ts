/**
 * The stand-ins' cache mounts: the fake envd's pip step leaves its wheels in the fake buildkitd's cache mount
 * (kept under its --root, keyed by id), `buildctl du --verbose` lists it as BuildKit v0.32.2 prints it, and
 * `buildctl build --frontend dockerfile.v0` runs the action's own helper Dockerfiles against it. Refused command
 * lines fail with the real tool's text and exit code. Fake-only: the real tools run these in
 * `__tests__/mounts/real-buildkit.test.ts`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helperBuild, listMounts, placeArchive } from '../../src/io/mounts.js';
import {
  ENVD_MOUNT_DIRS,
  parseDiskUsage,
  restoreDockerfile,
  saveDockerfile,
  type Helper
} from '../../src/mounts/mounts.js';
import { fakeTool, REAL, runFake, startBuildkitd, stopAllBuildkitd } from '../support/fakes/index.mjs';
import { sandbox, type Sandbox } from './sandbox.js';

const d = REAL ? describe.skip : describe;
let sb: Sandbox;
let root: string;
beforeAll(() => {
  sb = sandbox();
  root = fs.mkdtempSync(path.join(sb.dir, 'mounts-'));
});
afterEach(() => stopAllBuildkitd());
afterAll(() => sb.cleanup());

/** envd's pip cache directory inside the build (the first of ENVD_MOUNT_DIRS). */
const PIP = ENVD_MOUNT_DIRS[0];
/** Any file stands for the static busybox: the fake runs `sh` and `tar` itself once it is copied in. */
function busybox(): Helper {
  const file = path.join(root, 'busybox');
  fs.writeFileSync(file, 'not really busybox');
  return { kind: 'busybox', file };
}

async function daemon(stateRoot: string) {
  const bk = await startBuildkitd({
    addr: `unix://${path.join(root, `${path.basename(stateRoot)}.sock`)}`,
    root: stateRoot
  });
  return { bk, client: { buildctl: fakeTool('buildctl'), addr: bk.addr, env: process.env } };
}

/** A project whose build.envd installs `packages` with pip (envd's pip cache mount). */
function project(name: string, packages: string[]): string {
  const dir = path.join(root, `${name}-${packages.join('-')}`, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'build.envd'),
    `def build():\n    base(dev=False)\n    install.python_packages(name=[${packages.map((p) => `"${p}"`).join(', ')}])\n`
  );
  return dir;
}

async function envdBuild(addr: string, dir: string) {
  const home = path.join(root, 'home');
  const env = { HOME: home, ENVD_BUILD_OWNER: '1001:1001' };
  await runFake(
    'envd',
    [
      'context',
      'create',
      '--name',
      `c${Date.now()}`,
      '--builder',
      'unix',
      '--builder-address',
      addr.replace('unix://', ''),
      '--use'
    ],
    { env }
  );
  const r = await runFake(
    'envd',
    ['build', '--force', '--path', dir, '--output', `type=local,dest=${path.join(root, 'img')}`],
    { env }
  );
  expect(r.code).toBe(0);
  return r.stdout;
}

d('cache mounts in the stand-ins', () => {
  test('the pip step downloads into the mount, du lists it, a daemon on the same root finds it, a fresh root does not', async () => {
    const state = path.join(root, 'state-a');
    let { bk, client } = await daemon(state);
    const out = await envdBuild(bk.addr, project('demo', ['numpy']));
    expect(out).toMatch(/Downloading numpy-1\.0-py3-none-any\.whl/);
    const du = await runFake('buildctl', ['--addr', bk.addr, 'du', '--verbose']);
    expect(du.code).toBe(0);
    expect(du.stdout).toMatch(
      /^ID:\t\t[a-z0-9]{25}\nCreated at:\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\nMutable:\ttrue\n/
    );
    expect(du.stdout).toContain(
      `Description:\tcached mount ${PIP} from exec python -m pip install numpy with id "${PIP}/demo-cpu"\n`
    );
    expect(du.stdout).toMatch(/\nType:\t\texec\.cachemount\n\nReclaimable:\t12\.29kB\nTotal:\t\t12\.29kB\n$/);
    expect(parseDiskUsage(du.stdout)).toEqual([expect.objectContaining({ id: `${PIP}/demo-cpu`, size: 12290 })]);
    await bk.stop();
    ({ bk, client } = await daemon(state));
    expect(await envdBuild(bk.addr, project('demo', ['numpy', 'pandas']))).toMatch(
      /Using cached numpy-1\.0-py3-none-any\.whl[\s\S]*Downloading pandas-1\.0/
    );
    expect((await listMounts(client)).ok).toBe(true);
    await bk.stop();
    ({ bk, client } = await daemon(path.join(root, 'state-fresh')));
    expect(await listMounts(client)).toEqual({ ok: true, value: [] });
  });

  test("the action's save and restore helper builds carry a mount from one daemon to a fresh one", async () => {
    const helper = busybox();
    const one = await daemon(path.join(root, 'state-one'));
    await envdBuild(one.bk.addr, project('demo', ['torch']));
    const id = `${PIP}/demo-cpu`;
    const work = path.join(root, 'work');
    const saved = await helperBuild(one.client, {
      dockerfile: saveDockerfile(helper, [id]),
      context: path.join(work, 'context'),
      helper,
      output: path.join(work, 'out')
    });
    expect(saved).toEqual({ ok: true, value: expect.any(Number) });
    const archive = placeArchive(path.join(work, 'out'), work, id);
    expect(fs.statSync(archive).size).toBeGreaterThan(2048);

    const two = await daemon(path.join(root, 'state-two'));
    const restored = await helperBuild(two.client, {
      dockerfile: restoreDockerfile(helper, [id]),
      context: work,
      helper
    });
    expect(restored.ok).toBe(true);
    expect(await envdBuild(two.bk.addr, project('demo', ['torch', 'numpy']))).toMatch(
      /Using cached torch-1\.0-py3-none-any\.whl[\s\S]*Downloading numpy/
    );
  });

  test('a helper build without its busybox fails as runc does; an unknown frontend as buildkitd does', async () => {
    const { client } = await daemon(path.join(root, 'state-x'));
    const ctx = path.join(root, 'empty-ctx');
    fs.mkdirSync(ctx);
    const run = (args: string[]) => runFake('buildctl', ['--addr', client.addr, 'build', ...args]);
    const base = ['--local', `context=${ctx}`, '--local', `dockerfile=${ctx}`];
    // What buildkitd v0.32.2 with runc printed for this Dockerfile.
    fs.writeFileSync(
      path.join(ctx, 'Dockerfile'),
      'FROM scratch AS dance\nRUN --mount=type=cache,id=x/y,target=/m0 ["/bin/busybox","sh","-c","true"]\n'
    );
    const runc = await run(['--frontend', 'dockerfile.v0', ...base]);
    expect(runc.code).toBe(1);
    expect(runc.stderr).toMatch(
      /#1 \[dance 1\/1\] RUN --mount=type=cache,id=x\/y,target=\/m0 \["\/bin\/busybox","sh","-c","true"\]\n#1 \d+\.\d{3} runc run failed: unable to start container process: exec: "\/bin\/busybox": stat \/bin\/busybox: no such file or directory\n#1 ERROR: process "\/bin\/busybox sh -c true" did not complete successfully: exit code: 1\n/
    );
    expect(runc.stderr).toMatch(
      /\nerror: failed to solve: process "\/bin\/busybox sh -c true" did not complete successfully: exit code: 1\n$/
    );
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\n');
    expect(await run(['--frontend', 'dockerfile.v0', ...base])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /\nerror: failed to solve: failed to compute cache key: failed to calculate checksum of ref [a-z0-9]{25}::[a-z0-9]{25}: "\/busybox": not found\n$/
      )
    });
    expect(await run(['--frontend', 'dockerfile.v9', ...base])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('error: failed to solve: invalid frontend: dockerfile.v9\n')
    });
  });

  test.each([
    [
      ['--frontend', 'dockerfile.v0', '--no-such'],
      1,
      'Incorrect Usage: flag provided but not defined: -no-such\n\nerror: flag provided but not defined: -no-such\n'
    ],
    [['--frontend', 'dockerfile.v0', '--opt', 'nokey'], 1, 'error: invalid opt: invalid value nokey\n'],
    [['--frontend', 'dockerfile.v0', '--local', 'context'], 1, 'error: invalid local: invalid value context\n'],
    [
      ['--frontend', 'dockerfile.v0', '--output', 'type=local'],
      1,
      'error: invalid output option: output: output directory is required for local exporter\n'
    ],
    [['--frontend', 'dockerfile.v0', '--output', 'dest=x'], 1, 'error: --output requires type=<type>\n'],
    [
      ['--frontend', 'dockerfile.v0', '--local', 'context=/nonexistent-dir'],
      1,
      'error: invalid local: resolve : lstat /nonexistent-dir: no such file or directory\n'
    ]
  ])('build %j is refused: exit %i', async (args, code, stderr) => {
    const r = await runFake('buildctl', ['--addr', 'unix:///nonexistent.sock', 'build', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(stderr);
  });
});
