/**
 * The fake envd's command line: flag placement and refusal, versions, contexts, cache-flag parsing, errors.
 * With FAKES_REAL=1 (the contract job) the same tests run against the real envd v1.3.4 and buildkitd; what
 * needs a whole build (the real one pulls images for minutes), the stand-ins' knobs or their storage is
 * `fakeOnly`, and a detail only the stand-in shows is asserted under `if (!REAL)`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { envdErrorLine } from '../../src/envd/errors.js';
import { Progress } from '../../src/envd/progress.js';
import { fatalError, parseProgress, REAL, stopAllBuildkitd, type Buildkitd } from '../support/fakes/index.mjs';
import { BUILD_ENVD, fakeOnly, sandbox, STEP, type Sandbox } from './sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(async () => {
  await stopAllBuildkitd();
  sb.cleanup();
});

describe('flags', () => {
  test('a global flag after the subcommand is refused as urfave/cli does', async () => {
    const r = await sb.envd(['build', '--debug']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -debug\n/);
    expect(r.stderr).toBe('error: flag provided but not defined: -debug\n');
  });

  test('unknown flags are refused, before and after the subcommand', async () => {
    const cases = [['--bogus', 'build'], ['build', '--progress=plain'], ['build', '--no-cache'], ['--version']];
    for (const r of await Promise.all(cases.map((args) => sb.envd(args)))) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: flag provided but not defined: -(bogus|progress|no-cache|version)\n$/);
    }
  });

  test('version, help and the analytics env var', async () => {
    expect((await sb.envd(['version', '--short'])).stdout).toBe('envd: v1.3.4\n');
    expect((await sb.envd(['v', '-s'])).stdout).toBe('envd: v1.3.4\n');
    if (!REAL)
      expect((await sb.envd(['v', '-s'], { env: { FAKE_ENVD_VERSION: 'v1.3.0' } })).stdout).toBe('envd: v1.3.0\n');
    const full = await sb.envd(['version']);
    expect(full.stdout).toMatch(/^envd: v1\.3\.4\n {2}BuildDate: .*\n {2}GitCommit: [0-9a-f]{40}\n/);
    const help = await sb.envd(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('envd build --path <path>');
    // urfave/cli v2.27.7 (envd's): the placeholder is the first `quoted` part of the usage, else `value`, written
    // after every name; one-letter names take one dash (flag.go:237-280, 329-362). Usages: envd v1.3.4 pkg/app/build.go:41-100.
    const buildHelp = (await sb.envd(['build', '--help'])).stdout;
    expect(buildHelp).toContain('--export-cache type=registry,ref=<image>, --ec type=registry,ref=<image>');
    expect(buildHelp).toContain('--tag value, -t value');
    expect(buildHelp).toMatch(/--force\s+Force rebuild the image \(default: false\)\n/);
    expect(buildHelp).toMatch(
      /--from file:func, -f file:func\s+Function to execute, format file:func \(default: "build\.envd:build"\)\n/
    );
    const bad = await sb.envd(['version'], { env: { ENVD_ANALYTICS: 'nope' } });
    expect(bad.code).toBe(1);
    // urfave/cli v2.27.7 flag_bool.go:113-118 (Go's strconv.ParseBool on the untrimmed value; the source from
    // flag.go:378-383), a usage error of the root command (command.go:164-183), printed by envd's main.go:54-73.
    expect(bad.stderr).toBe(
      'error: could not parse "nope" as bool value from environment variable "ENVD_ANALYTICS" for flag analytics-enabled: strconv.ParseBool: parsing "nope": invalid syntax\n'
    );
    expect(bad.stdout).toMatch(/^Incorrect Usage: could not parse "nope" as bool value/);
    const spaced = await sb.envd(['version', '--short'], { env: { ENVD_ANALYTICS: ' false' } });
    expect([spaced.code, spaced.stderr]).toEqual([
      1,
      expect.stringContaining('could not parse " false" as bool value') as unknown as string
    ]);
  });

  test('every command creates the key pair and the config dir (0700)', async () => {
    const home = sb.newHome(false);
    expect((await sb.envd(['version', '--short'], { home })).code).toBe(0);
    const dir = path.join(home, '.config', 'envd');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    // envd writes an RSA pair (envd v1.3.4 pkg/ssh/config/key.go:59-134, called from pkg/home/manager.go:97);
    // the stand-in an ed25519 one, which is quicker to make.
    expect(fs.readFileSync(path.join(dir, 'id_rsa_envd.pub'), 'utf8')).toMatch(
      REAL ? /^ssh-rsa \S+\n$/ : /^ssh-ed25519 \S+ envd\n$/
    );
    expect(fs.statSync(path.join(dir, 'id_rsa_envd')).mode & 0o777).toBe(0o600);
    const before = fs.readFileSync(path.join(dir, 'id_rsa_envd.pub'), 'utf8');
    await sb.envd(['context', 'ls'], { home });
    expect(fs.readFileSync(path.join(dir, 'id_rsa_envd.pub'), 'utf8')).toBe(before);
  });
});

describe('contexts', () => {
  test('create, use, ls (table and json), rm, and their errors', async () => {
    const home = sb.newHome();
    const env = (args: string[]) => sb.envd(['context', ...args], { home });
    const ls = async () => JSON.parse((await env(['ls', '--format', 'json'])).stdout) as Record<string, unknown>[];
    expect(await ls()).toEqual([
      {
        context: 'default',
        builder: 'moby-worker',
        builder_addr: 'moby-worker://envd_buildkitd',
        runner: 'docker',
        current: true
      }
    ]);

    const created = await env([
      'create',
      '--name',
      'ci',
      '--builder',
      'unix',
      '--builder-address',
      '/run/bk.sock',
      '--use'
    ]);
    expect(created.code).toBe(0);
    // envd v1.3.4 pkg/app/context_create.go:70-98: both lines carry the command's fields (logrus sorts them).
    const fields =
      'builder=unix builderAddress=/run/bk.sock cmd="context create" name=ci runner=docker runnerAddress= use=true';
    expect(created.stderr).toContain(` level=info msg="Context ci is created" ${fields}\n`);
    expect(created.stderr).toContain(` level=info msg="Current context is \\"ci\\"" ${fields}\n`);
    expect(await ls()).toEqual([
      expect.objectContaining({ context: 'default', current: false }),
      { context: 'ci', builder: 'unix', builder_addr: 'unix:///run/bk.sock', runner: 'docker', current: true }
    ]);
    // envd v1.3.4 pkg/app/formatter/table/context.go:27-50 (tablewriter: headers upper-cased, no borders).
    const table = (await env(['ls'])).stdout;
    expect(table).toMatch(/^\s*CONTEXT\s+BUILDER\s+BUILDER ADDR\s+RUNNER\s+RUNNER ADDR\s*$/m);
    expect(table).toMatch(/^\s*default\s+moby-worker\s+moby-worker:\/\/envd_buildkitd\s+docker\s*$/m);
    expect(table).toMatch(/^\s*ci \(current\)\s+unix\s+unix:\/\/\/run\/bk\.sock\s+docker\s*$/m);
    // The stand-in separates the columns with tabs instead of tablewriter's padding.
    if (!REAL) {
      expect(table).toBe(
        'CONTEXT\tBUILDER\tBUILDER ADDR\tRUNNER\tRUNNER ADDR\ndefault\tmoby-worker\tmoby-worker://envd_buildkitd\tdocker\t\nci (current)\tunix\tunix:///run/bk.sock\tdocker\t\n'
      );
    }
    await env([
      'create',
      '--name',
      'remote',
      '--builder',
      'tcp',
      '--builder-address',
      '127.0.0.1:1234',
      '--runner-address',
      'x'
    ]);

    const fails: [string[], string][] = [
      [['create', '--name', 'ci', '--builder', 'unix'], 'failed to create context: context "ci" already exists'],
      [['create', '--name', 'x', '--builder', 'podman'], 'failed to create context: unknown builder type'],
      [['create', '--name', 'x', '--runner', 'k8s'], 'failed to create context: unknown runner type'],
      [['use', '--name', 'nope'], 'failed to use the specified context nope: context "nope" does not exist'],
      [['rm', '--name', 'ci'], 'failed to remove context: cannot remove current context "ci"'],
      [['rm', '--name', 'nope'], 'failed to remove context: cannot find context "nope"']
    ];
    const results = await Promise.all(fails.map(([args]) => env(args)));
    fails.forEach(([args, message], i) => {
      const r = results[i];
      expect({ args, code: r.code, error: fatalError(r.stderr) }).toEqual({ args, code: 1, error: message });
      expect(r.stderr).toMatch(/level=fatal msg=exit app=envd error=".*" version=v1\.3\.4\n$/);
    });
    // A missing required flag is not an action error: urfave/cli v2.27.7 shows the command's help and returns
    // the error past envd's ExitErrHandler (command.go:209-213), so envd's main.go:54-73 prints `error: …`.
    const required = await env(['create', '--builder', 'unix']);
    expect([required.code, required.stderr]).toEqual([1, 'error: Required flag "name" not set\n']);
    expect(required.stdout).toContain('--name value');
    // pkg/app/context_use.go:40-48, context_rm.go:40-48.
    expect((await env(['use', '--name', 'remote'])).stderr).toMatch(
      / level=info msg="Current context is \\"remote\\"" cmd="context use"\n$/
    );
    expect((await env(['rm', '--name', 'ci'])).stderr).toMatch(
      / level=info msg="Context ci is removed" cmd="context remove"\n$/
    );
    expect((await ls()).map((c) => [c.context, c.builder_addr, c.runner_addr, c.current])).toEqual([
      ['default', 'moby-worker://envd_buildkitd', undefined, false],
      ['remote', 'tcp://127.0.0.1:1234', 'x', true]
    ]);
  });
});

describe('build: parsing and refusals', () => {
  let bk: Buildkitd;
  let calls: string;
  beforeAll(async () => {
    bk = await sb.daemon();
    await sb.useSocket();
    calls = path.join(sb.dir, 'calls.jsonl');
  });
  afterEach(() => fs.rmSync(calls, { force: true }));

  fakeOnly('FAKE_ENVD_CALLS and the fake registry')(
    'a repeated cache flag silently replaces the earlier one, and FAKE_ENVD_CALLS records the argv',
    async () => {
      const dest = path.join(sb.dir, 'local-cache');
      const argv = [
        'build',
        '--force',
        '--export-cache',
        'type=registry,ref=ghcr.io/octo/never:x',
        '--ec',
        `type=local,dest=${dest}`
      ];
      const r = await sb.envd(argv, { env: { FAKE_ENVD_CALLS: calls } });
      expect(r.code).toBe(0);
      expect(fs.existsSync(path.join(dest, 'index.json'))).toBe(true);
      expect(fs.existsSync(path.join(sb.env.FAKE_REGISTRY_ROOT, 'ghcr.io%2Focto%2Fnever%3Ax'))).toBe(false);
      expect(
        parseProgress(r.stdout)
          .filter((v) => v.name.startsWith('exporting cache'))
          .map((v) => v.name)
      ).toEqual(['exporting cache to client directory']);
      await sb.envd(['version', '--short'], { env: { FAKE_ENVD_CALLS: calls } });
      expect(
        fs
          .readFileSync(calls, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      ).toEqual([argv, ['version', '--short']]);
    }
  );

  test('cache and output values are parsed like envd (Go csv, first =, lowercase keys): the refusals', async () => {
    const cases: [string[], string][] = [
      [
        ['--export-cache', 'type=gha,scope'],
        'failed to build the image: failed to build: failed to parse export cache: invalid value scope'
      ],
      [
        ['--export-cache', 'mytype=x'],
        'failed to build the image: failed to build: failed to parse export cache: --export-cache requires type=<type>'
      ],
      [
        ['--export-cache', 'type=gha,scope=a"b'],
        'failed to build the image: failed to build: failed to parse export cache: parse error on line 1, column 17: bare " in non-quoted-field'
      ],
      [
        ['--import-cache', 'type=registry,ref'],
        'failed to build the image: failed to build: failed to wait error group: Buildkit error: failed to solve: failed to get the import cache: invalid value ref'
      ],
      [
        ['--output', 'type=image,output=x'],
        'failed to create the builder: failed to parse output: output=x not supported for --output, you meant dest=x?'
      ],
      [
        ['--output', 'type=local'],
        'failed to create the builder: failed to parse output: output directory is required for local exporter'
      ],
      [
        ['--export-cache', 'type=local,mode=max'],
        'failed to build the image: failed to build: failed to wait error group: Buildkit error: local cache exporter requires dest'
      ],
      // envd splits --from on every ':' (envd v1.3.4 pkg/builder/util.go:315-318).
      [['--from', 'a:b:build'], 'invalid from format, expected `file:func`'],
      [
        ['--from', 'build.envd:nope'],
        `failed to interpret: failed to exec starlark file ${path.join(sb.project, 'build.envd')}: function nope not found`
      ]
    ];
    const results = await Promise.all(cases.map(([args]) => sb.envd(['build', '--force', ...args])));
    cases.forEach(([args, message], i) => {
      const r = results[i];
      expect({ args, code: r.code, error: fatalError(r.stderr) }).toEqual({ args, code: 1, error: message });
    });
  });

  fakeOnly('whole builds into the fake registry')(
    'cache values: the legacy form, quoted fields, lowercased keys, and TYPE= that is not type=',
    async () => {
      // Keys are lowercased and values kept verbatim (they may contain '='); a quoted field may contain commas.
      const legacy = await sb.envd(['build', '--force', '--export-cache', 'ghcr.io/octo/legacy:cache']);
      expect(legacy.code).toBe(0);
      expect(legacy.stderr).toContain('--export-cache ghcr.io/octo/legacy:cache is deprecated');
      expect(
        fs.existsSync(path.join(sb.env.FAKE_REGISTRY_ROOT, 'ghcr.io%2Focto%2Flegacy%3Acache', 'manifest.json'))
      ).toBe(true);
      const quoted = await sb.envd([
        'build',
        '--force',
        '--export-cache',
        'type=registry,"REF=ghcr.io/octo/q:a",Mode=max,note=a=b'
      ]);
      expect(quoted.code).toBe(0);
      // Mode=max took effect: the cache holds a record for every step, the intermediate download stage included.
      expect(
        JSON.parse(
          fs.readFileSync(path.join(sb.env.FAKE_REGISTRY_ROOT, 'ghcr.io%2Focto%2Fq%3Aa', 'manifest.json'), 'utf8')
        ).cache.records
      ).toHaveLength(parseProgress(quoted.stdout).filter((v) => STEP.test(v.name)).length);
      // The legacy check is envd's case-sensitive strings.Contains(s, "type="): `TYPE=` makes the whole value a ref.
      const upper = await sb.envd([
        'build',
        '--force',
        '--output',
        'type=image,name=ghcr.io/octo/u:1',
        '--export-cache',
        'TYPE=registry,ref=ghcr.io/octo/u:c'
      ]);
      expect(upper.stderr).toContain('--export-cache TYPE=registry,ref=ghcr.io/octo/u:c is deprecated');
      expect(fatalError(upper.stderr)).toBe(
        'failed to build the image: failed to build: failed to wait error group: failed to solve LLB: failed to solve: failed to configure registry cache exporter: invalid reference format'
      );
    }
  );

  fakeOnly('whole builds and the fake Docker image store')(
    'without --force, an identical second build is skipped (exit 0, nothing exported)',
    async () => {
      const tag = ['--tag', 'skip-test:dev'];
      const first = await sb.envd(['build', ...tag]);
      expect(first.code).toBe(0);
      const second = await sb.envd(['build', ...tag, '--export-cache', 'type=registry,ref=ghcr.io/octo/skipped:x']);
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('level=info msg="manifest is not updated, skip building"');
      // Nothing on stdout: without a TTY envd prints no parse phase (envd v1.3.4 pkg/progress/compileui/display.go:81-90).
      expect(second.stdout).toBe('');
      expect(fs.existsSync(path.join(sb.env.FAKE_REGISTRY_ROOT, 'ghcr.io%2Focto%2Fskipped%3Ax'))).toBe(false);
      const forced = await sb.envd(['build', ...tag, '--force']);
      expect(parseProgress(forced.stdout).filter((v) => STEP.test(v.name)).length).toBeGreaterThan(5);
    }
  );

  test("a missing build file dies in Go's plain log.Fatal, with the $PWD path (envd v1.3.4 version.go:72-75, file.go:60-82)", async () => {
    const r = await sb.envd(['build', '--force', '--from', 'missing.envd:build']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} open ${path.join(sb.project, 'missing.envd').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file or directory\n$`
      )
    );
    expect(r.stderr).not.toContain('level=fatal');
    expect(envdErrorLine(r.stderr)).toBe(`open ${path.join(sb.project, 'missing.envd')}: no such file or directory`);
    // A file name without ':' is the file, with the default function (a whole build: the stand-in only).
    if (!REAL) {
      fs.writeFileSync(path.join(sb.project, 'other.envd'), BUILD_ENVD);
      expect((await sb.envd(['build', '--force', '--from', 'other.envd'])).code).toBe(0);
    }
  });

  test('without --tag, the context directory must make a valid image name (envd v1.3.4 build.go:124-133, docker.go:80-106)', async () => {
    const dirs = ['.github', 'repo_', '-x', 'Repo'];
    for (const d of dirs) {
      fs.mkdirSync(path.join(sb.dir, d), { recursive: true });
      fs.writeFileSync(path.join(sb.dir, d, 'build.envd'), BUILD_ENVD);
    }
    // `--output type=local` without dest stops each build right after the name is parsed (builder.New).
    const results = await Promise.all(
      dirs.map((d) => sb.envd(['build', '--force', '--output', 'type=local', '--path', d], { cwd: sb.dir }))
    );
    expect(results.slice(0, 3).map((r) => [r.code, fatalError(r.stderr)])).toEqual(
      ['.github', 'repo_', '-x'].map((d) => [
        1,
        `failed to parse the name '${d}:dev', please provide a valid image name: invalid reference format`
      ])
    );
    expect(fatalError(results[3].stderr)).toBe(
      'failed to create the builder: failed to parse output: output directory is required for local exporter'
    );
    expect(results[3].stderr).toContain(
      'level=warning msg="The working directory\'s name is not lowercased: repo, the image built will be lowercased to repo:dev"'
    );
    if (!REAL) {
      const [lower, tagged] = await Promise.all([
        sb.envd(['build', '--force', '--output', 'type=oci,dest=out.tar', '--path', 'Repo'], { cwd: sb.dir }),
        sb.envd(['build', '--force', '--output', 'type=oci,dest=out.tar', '--path', '.github', '--tag', 'github:dev'], {
          cwd: sb.dir
        })
      ]);
      expect([lower.code, tagged.code]).toEqual([0, 0]);
    }
  });

  test('--buildkitd-image is a global flag: accepted before the command, refused after it', async () => {
    expect((await sb.envd(['--buildkitd-image', 'docker.io/moby/buildkit:v0.32.2', 'version', '--short'])).code).toBe(
      0
    );
    if (!REAL) {
      const before = await sb.envd([
        '--buildkitd-image',
        'docker.io/moby/buildkit:v0.32.2',
        'build',
        '--force',
        '--output',
        'type=oci,dest=out.tar'
      ]);
      expect(before.code).toBe(0);
    }
    const after = await sb.envd(['build', '--buildkitd-image', 'docker.io/moby/buildkit:v0.32.2']);
    expect(after.stderr).toBe('error: flag provided but not defined: -buildkitd-image\n');
  });

  fakeOnly('a whole build whose step runs')(
    'logs of a step not printed yet read #0, and the action counts no step for them',
    async () => {
      // A statement no earlier build of this suite had, so that its step runs on the shared daemon.
      const dir = path.join(sb.dir, 'logs');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'build.envd'),
        `def build():\n    base(dev=False)\n    run(["echo ${process.pid}-${Date.now()}"])\n`
      );
      const r = await sb.envd(['build', '--force', '--output', 'type=oci,dest=out.tar'], { cwd: dir });
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.some((l) => /^#0 \d+\.\d{3} /.test(l))).toBe(true);
      // Each #0 line follows its step's header, as envd's printer prints the buffered logs under it.
      const first = lines.findIndex((l) => l.startsWith('#0 '));
      expect(lines[first - 1]).toMatch(/^#[1-9]\d* \[/);
      const pr = new Progress();
      lines.forEach((l) => pr.push(l));
      expect(pr.figures().totalSteps).toBe(
        parseProgress(r.stdout).filter((v) => v.n !== 0 && STEP.test(v.name)).length
      );
    }
  );

  fakeOnly("whole builds; the step names are the stand-in's")(
    'ENVD_BUILD_OWNER wins over config.owner() of the build file (envd v1.3.4 pkg/lang/ir/v1/util.go:74-99)',
    async () => {
      const dir = path.join(sb.dir, 'owner');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'build.envd'),
        'def build():\n    base(dev=False)\n    config.owner(uid=2000, gid=2001)\n'
      );
      const userStep = (stdout: string) =>
        parseProgress(stdout).find((v) => v.name.startsWith('[internal] create user group'))?.name;
      const run = (owner: string | undefined) =>
        sb.envd(['build', '--force', '--output', 'type=oci,dest=out.tar'], {
          cwd: dir,
          env: { ENVD_BUILD_OWNER: owner }
        });
      const [flag, file] = await Promise.all([run('1001:121'), run(undefined)]);
      expect(userStep(flag.stdout)).toBe('[internal] create user group envd(g:121) and user envd(u:1001)');
      expect(userStep(file.stdout)).toBe('[internal] create user group envd(g:2001) and user envd(u:2000)');
    }
  );

  test('a malformed ENVD_BUILD_OWNER fails the compile (envd v1.3.4 pkg/lang/ir/v1/util.go:74-99)', async () => {
    const dir = path.join(sb.dir, 'owner-bad');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'build.envd'), 'def build():\n    base(dev=False)\n');
    const bad = await sb.envd(['build', '--force', '--output', 'type=oci,dest=out.tar'], {
      cwd: dir,
      env: { ENVD_BUILD_OWNER: '1:2:3' }
    });
    expect(fatalError(bad.stderr)).toBe(
      'failed to build the image: failed to compile: failed to compile build.envd: failed to get uid/gid: wrong format for owner (uid:gid): 1:2:3'
    );
  });

  fakeOnly('FAKE_ENVD_FAIL_WITH')(
    'the fatal error is Go-quoted (%q), and the action reads it back exactly',
    async () => {
      const text = 'pip said "no"\tthen\\ \u001b[31mred\u0007 é';
      const r = await sb.envd(['build', '--force', '--output', 'type=image,name=ghcr.io/octo/q:1'], {
        env: { FAKE_ENVD_FAIL_WITH: text }
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('pip said \\"no\\"\\tthen\\\\ \\x1b[31mred\\a é" version=v1.3.4');
      expect(envdErrorLine(r.stderr)).toBe(
        `failed to build the image: failed to build: failed to wait error group: failed to solve LLB: failed to solve: ${text}`
      );
    }
  );

  fakeOnly('FAKE_ENVD_FAIL_WITH')(
    'FAKE_ENVD_FAIL_WITH fails the build with that text after the progress started',
    async () => {
      const r = await sb.envd(['build', '--force', '--output', 'type=image,name=ghcr.io/octo/x:1'], {
        env: { FAKE_ENVD_FAIL_WITH: 'process "/bin/sh -c pip install" did not complete successfully: exit code: 1' }
      });
      expect(r.code).toBe(1);
      const vertices = parseProgress(r.stdout);
      expect(vertices.filter((v) => v.status === 'ERROR').map((v) => v.error)).toEqual([
        'process "/bin/sh -c pip install" did not complete successfully: exit code: 1'
      ]);
      expect(fatalError(r.stderr)).toBe(
        'failed to build the image: failed to build: failed to wait error group: failed to solve LLB: failed to solve: process "/bin/sh -c pip install" did not complete successfully: exit code: 1'
      );
    }
  );

  fakeOnly('a whole build')('helper functions of the build file are expanded with their arguments', async () => {
    const r = await sb.envd(['build', '--force', '--from', 'build.envd:build_312']);
    expect(r.code).toBe(0);
    const names = parseProgress(r.stdout).map((v) => v.name);
    expect(names).toContain('[build.envd 2/2] install.python(version="3.12")');
    // base(dev=True) adds envd's default importer, which soft-fails offline.
    const importer = parseProgress(r.stdout).find((v) =>
      v.name.startsWith('importing cache manifest from ghcr.io/tensorchord/python-cache:envd-v1.3.4')
    );
    expect(importer?.status).toBe('ERROR');
  });

  fakeOnly('depends on the Docker image store of the machine (envd #1974)')(
    'the default moby-worker context cannot export registry cache (envd #1974)',
    async () => {
      const home = sb.newHome();
      const r = await sb.envd(['build', '--force', '--export-cache', 'type=registry,ref=ghcr.io/octo/c:x'], { home });
      expect(r.code).toBe(1);
      expect(fatalError(r.stderr)).toContain('failed to solve: unknown cache exporter: "registry"');
    }
  );

  test('a unix context without a daemon times out like envd (BUILDKIT_CONNECTING_TIMEOUT, Go duration)', async () => {
    const home = sb.newHome();
    const missing = path.join(sb.dir, 'run', 'missing.sock');
    await sb.useSocket(home, missing);
    const started = Date.now();
    const r = await sb.envd(['build', '--force'], { home, env: { BUILDKIT_CONNECTING_TIMEOUT: '300ms' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(r.code).toBe(1);
    expect(fatalError(r.stderr)).toBe(
      `failed to create the builder: failed to create buildkit client: failed to connect to buildkitd unix://${missing}: timeout 300ms: cannot connect to buildkitd`
    );
    const panic = await sb.envd(['build', '--force'], { home, env: { BUILDKIT_CONNECTING_TIMEOUT: 'soon' } });
    expect(panic.code).toBe(2);
    expect(panic.stderr).toMatch(/^panic: time: invalid duration "soon"/);
  });

  // envd v1.3.4 pkg/app/build.go:113-118 logs `builder-options` (a builder.Options, pkg/builder/types.go:27-55) and
  // `cmd`; logrus writes a non-string field with fmt.Sprint (logrus text_formatter.go appendValue), so the
  // struct's values in field order, without names, then Go-quoted. --output type=local stops it right after.
  test('--debug logs the build options as a Go struct value, cache strings included', async () => {
    const ic = 'type=gha,token=SECRET-TOKEN,url_v2=http://127.0.0.1:1/';
    const r = await sb.envd(['--debug', 'build', '--force', '--import-cache', ic, '--output', 'type=local']);
    expect(fatalError(r.stderr)).toBe(
      'failed to create the builder: failed to parse output: output directory is required for local exporter'
    );
    const line = r.stderr.split('\n').find((l) => l.includes(' msg="starting build command" '));
    const config = path.join(sb.home, '.config', 'envd');
    const values = [
      path.join(sb.project, 'build.envd'),
      path.join(config, 'config.envd'),
      'plain',
      'project:dev',
      sb.project,
      'build',
      path.join(config, 'id_rsa_envd.pub'),
      'type=local',
      '',
      ic,
      'false',
      ''
    ];
    expect(line).toMatch(/^time="[^"]+" level=debug msg="starting build command" builder-options="\{.*\}" cmd=build$/);
    expect(line?.replace(/^.* builder-options=("(?:[^"\\]|\\.)*") cmd=build$/, '$1')).toBe(
      JSON.stringify(`{${values.join(' ')}}`)
    );
  });

  test('the daemon is still the one started for this suite', () => {
    expect(bk.proc.exitCode).toBeNull();
  });
});
