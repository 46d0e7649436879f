/**
 * The fake buildkitd's lifecycle and the fake buildctl's view of it. With FAKES_REAL=1 the same tests run
 * against the real buildkitd and buildctl on PATH (as root), and the fake-only ones are skipped with the reason.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKES_BIN, fakeTool, REAL, runFake, startBuildkitd, stopAllBuildkitd } from '../support/fakes/index.mjs';
import { fakeOnly, sandbox, type Sandbox } from './sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterEach(() => stopAllBuildkitd());
afterAll(() => sb.cleanup());

/** Polls a condition the code under test makes true; bounded only by the test's own timeout. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

/**
 * buildkitd prints a startup error as `buildkitd: <text>` followed by its Go stack (`%+v` of a pkg/errors error,
 * cmd/buildkitd/main.go:487-490 at v0.32.2): the error line, and that only frames follow it.
 */
function daemonError(stderr: string): string | undefined {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('buildkitd: '));
  if (at < 0) return undefined;
  const rest = lines.slice(at + 1).filter(Boolean);
  // function, then a tab-indented file:line, pair after pair, ending with runtime.goexit
  expect(rest.length % 2).toBe(0);
  expect(rest.length).toBeGreaterThanOrEqual(4);
  rest.forEach((l, i) => expect(l).toMatch(i % 2 === 0 ? /^[\w./()*-]+$/ : /^\t\S+:\d+$/));
  expect(rest.at(-2)).toBe('runtime.goexit');
  return lines[at];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('versions and flags', () => {
  test('--version: the tool, the module path, the release, a 40-hex commit', async () => {
    expect((await runFake('buildkitd', ['--version'])).stdout).toMatch(
      /^buildkitd github\.com\/moby\/buildkit v0\.32\.2 [0-9a-f]{40}\n$/
    );
    expect((await runFake('buildctl', ['--version'])).stdout).toMatch(
      /^buildctl github\.com\/moby\/buildkit v0\.32\.2 [0-9a-f]{40}\n$/
    );
  });

  fakeOnly('version knobs and copies of the stand-in')(
    '--version from FAKE_BUILDKIT_VERSION, a VERSION file next to the script, else v0.32.2',
    async () => {
      expect((await runFake('buildkitd', ['-v'], { env: { FAKE_BUILDKIT_VERSION: 'v0.19.0' } })).stdout).toMatch(
        / v0\.19\.0 /
      );
      // Copied together into another directory (no package.json there: CommonJS), with a VERSION file and the
      // module they share (a copy that runs alone is made by releases.mjs bakeFake, which inlines it).
      const dir = path.join(sb.dir, 'copied');
      fs.mkdirSync(dir);
      for (const tool of ['buildkitd', 'buildctl', 'envd'])
        fs.copyFileSync(path.join(FAKES_BIN, tool), path.join(dir, tool));
      fs.copyFileSync(path.join(FAKES_BIN, '..', 'shared.mjs'), path.join(dir, 'shared.mjs'));
      for (const tool of ['buildkitd', 'buildctl', 'envd']) fs.chmodSync(path.join(dir, tool), 0o755);
      fs.writeFileSync(path.join(dir, 'VERSION'), 'v0.23.2\n');
      expect(
        (await runFake(path.join(dir, 'buildkitd'), ['--version'], { env: { FAKE_BUILDKIT_VERSION: undefined } }))
          .stdout
      ).toMatch(/ v0\.23\.2 /);
      expect(
        (await runFake(path.join(dir, 'buildctl'), ['--version'], { env: { FAKE_BUILDKIT_VERSION: undefined } })).stdout
      ).toMatch(/ v0\.23\.2 /);
      expect(fs.statSync(path.join(FAKES_BIN, 'buildkitd')).mode & 0o777).toBe(0o755);
      // Without it, a plain copy says what is missing instead of crashing on a missing function.
      fs.rmSync(path.join(dir, 'shared.mjs'));
      const alone = await runFake(path.join(dir, 'buildctl'), ['--version']);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain(
        `fake buildctl: cannot load ${path.join(dir, 'shared.mjs')} (copy shared.mjs along with the fake`
      );
    }
  );

  // The texts of urfave/cli v3 (BuildKit v0.31.0 on), as buildkitd v0.32.2 printed them (observed).
  test('unknown flags, bad values and a bad address are refused with exit 1', async () => {
    const root = ['--root', path.join(sb.dir, 'refused-root')];
    const unknown = await runFake('buildkitd', ['--addr', `unix://${sb.socket}`, ...root, '--x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(
      /^NAME:\n {3}buildkitd - build daemon\n\nUSAGE:\n {3}buildkitd \[global options\]\n\nVERSION:\n {3}v0\.32\.2\n\nGLOBAL OPTIONS:\n/
    );
    expect(unknown.stderr).toBe(
      'Incorrect Usage: flag provided but not defined: -x\n\nbuildkitd: flag provided but not defined: -x\n'
    );
    const needs = await runFake('buildkitd', [...root, '--addr']);
    expect(needs.code).toBe(1);
    expect(needs.stderr).toBe(
      'Incorrect Usage: flag needs an argument: --addr\n\nbuildkitd: flag needs an argument: --addr\n'
    );
    const single = await runFake('buildkitd', [...root, '-addr']);
    expect(single.stderr).toBe(
      'Incorrect Usage: flag needs an argument: -addr\n\nbuildkitd: flag needs an argument: -addr\n'
    );
    const bool = await runFake('buildkitd', ['--addr', `unix://${sb.socket}`, ...root, '--debug=maybe']);
    expect(bool.stderr).toBe(
      'Incorrect Usage: invalid value "maybe" for flag -debug: parse error\n\nbuildkitd: invalid value "maybe" for flag -debug: parse error\n'
    );
    const int = await runFake('buildkitd', ['--addr', `unix://${sb.socket}`, ...root, '--oci-cni-pool-size', 'abc']);
    expect(int.stderr).toContain(
      'buildkitd: invalid value "abc" for flag -oci-cni-pool-size: strconv.ParseInt: parsing "abc": invalid syntax\n'
    );
    const addr = await runFake('buildkitd', ['--addr', '/tmp/x.sock', ...root]);
    expect(addr.code).toBe(1);
    expect(daemonError(addr.stderr)).toBe(
      'buildkitd: address /tmp/x.sock does not contain proto, you meant unix:///tmp/x.sock ?'
    );
    const sandboxFlag = await runFake('buildkitd', [
      '--addr',
      `unix://${sb.socket}`,
      ...root,
      '--oci-worker-no-process-sandbox'
    ]);
    expect(sandboxFlag.code).toBe(1);
    expect(daemonError(sandboxFlag.stderr)).toBe("buildkitd: can't enable NoProcessSandbox without Rootless");
    // A worker error comes after the listeners were made: the socket stays behind (observed with v0.32.2).
    expect(fs.statSync(sb.socket).isSocket()).toBe(true);
    fs.rmSync(sb.socket);
    if (!REAL) {
      const exit = await runFake('buildkitd', ['--addr', `unix://${sb.socket}`], { env: { FAKE_BUILDKITD_EXIT: '3' } });
      expect(exit.code).toBe(3);
      expect(exit.stderr).toContain('FAKE_BUILDKITD_EXIT=3');
    }
    expect(fs.existsSync(sb.socket)).toBe(false);
  });
});

describe('lifecycle', () => {
  test('a --config file that does not exist is an empty config: it starts (config/load.go:21-26)', async () => {
    const bk = await startBuildkitd({
      addr: `unix://${sb.socket}`,
      args: ['--config', path.join(sb.dir, 'nope.toml')]
    });
    expect(bk.logs()).toContain(`msg="running server on ${sb.socket}"`);
    expect((await bk.stop()).code).toBe(1);
  });

  test('--trace is accepted, with a deprecation warning', async () => {
    const bk = await startBuildkitd({ addr: `unix://${sb.socket}`, args: ['--trace'] });
    expect(bk.logs()).toContain('level=warning msg="--trace option is deprecated; use --log-level=trace instead"');
    await bk.stop();
  });

  test('listens on a unix socket (parent created, TOML config read), answers buildctl, stops on SIGTERM and removes the socket', async () => {
    const sock = path.join(sb.dir, 'deep', 'er', 'bk.sock');
    const pidfile = path.join(sb.dir, 'bk.pid');
    const config = path.join(sb.dir, 'buildkitd.toml');
    fs.writeFileSync(
      config,
      'debug = true\n[worker.oci]\n  platforms = [ "linux/amd64", "linux/arm64" ] # emulated\n[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]\n'
    );
    const bk = await startBuildkitd({
      addr: `unix://${sock}`,
      args: [
        '--config',
        config,
        '--group',
        String(process.getgid?.() ?? 0),
        '--oci-worker-gc=false',
        '--oci-worker-labels',
        'a=b'
      ],
      env: { FAKE_BUILDKITD_PIDFILE: pidfile }
    });
    expect(bk.logs()).toMatch(/^time="[^"]+" level=info msg="running server on /m);
    expect(bk.logs()).toContain(`level=info msg="running server on ${sock}"`);
    expect(bk.logs()).toContain('level=debug');
    expect(fs.statSync(sock).isSocket()).toBe(true);
    if (!REAL) expect(Number(fs.readFileSync(pidfile, 'utf8'))).toBe(bk.pid);

    const workers = await sb.buildctl(['--addr', `unix://${sock}`, 'debug', 'workers']);
    expect(workers.code).toBe(0);
    // The configured platforms first (the real one appends the host's variants: observed `…,linux/amd64/v2,…`).
    expect(workers.stdout).toMatch(/^ID\t{4}PLATFORMS\n[a-z0-9]{25}\tlinux\/amd64,linux\/arm64(,[\w/,]+)?\n$/);
    const json = await sb.buildctl(['--addr', `unix://${sock}`, 'debug', 'workers', '--format', '{{json .}}']);
    expect(json.stdout).toMatch(
      /^\[\{"id":"[a-z0-9]{25}","labels":\{.*\},"platforms":\[\{"architecture":"amd64","os":"linux"\},\{"architecture":"arm64","os":"linux"\}.*\]\n$/
    );
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      buildkitVersion: { package: 'github.com/moby/buildkit', version: 'v0.32.2' }
    });
    expect((await sb.buildctl(['--addr', `unix://${sock}`, 'debug', 'workers', '--format', 'json'])).stdout).toBe(
      json.stdout
    );
    const viaEnv = await sb.buildctl(['debug', 'workers'], { BUILDKIT_HOST: `unix://${sock}` });
    expect(viaEnv.stdout).toBe(workers.stdout);
    const info = await sb.buildctl(['--addr', `unix://${sock}`, 'debug', 'info']);
    // A tabwriter padded with spaces (cmd/buildctl/debug/info.go:44-49): observed `BuildKit:   …` over `Dockerfile: 1.26.0`.
    expect(info.stdout).toMatch(
      /^BuildKit: {3}github\.com\/moby\/buildkit v0\.32\.2 [0-9a-f]{40}\nDockerfile: \d+\.\d+\.\d+\n$/
    );

    // The signal's cause is what main returns: exit 1 (util/appcontext/appcontext.go:51-54).
    expect(await bk.stop()).toEqual({ code: 1, signal: null });
    expect(bk.logs()).toContain('msg="stopping server"');
    expect(daemonError(bk.logs())).toBe('buildkitd: got SIGTERM/SIGINT, forcing shutdown');
    expect(fs.existsSync(sock)).toBe(false);
    expect(alive(bk.pid!)).toBe(false);
  });

  test('buildctl fails like the real one when the daemon is down: missing socket, stale socket, tcp refused', async () => {
    const gone = await sb.buildctl(['--addr', `unix://${sb.socket}`, 'debug', 'workers']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(
      `error: failed to list workers: Unavailable: connection error: desc = "transport: Error while dialing: dial unix ${sb.socket}: connect: no such file or directory"\n`
    );
    const defaultAddr = await sb.buildctl(['debug', 'workers']);
    expect(defaultAddr.stderr).toContain('dial unix /run/buildkit/buildkitd.sock: connect:');

    // SIGKILL leaves a stale socket behind: connection refused, and the next daemon removes it.
    const bk = await sb.daemon();
    await bk.stop('SIGKILL');
    expect(fs.existsSync(sb.socket)).toBe(true);
    const refused = await sb.buildctl(['--addr', `unix://${sb.socket}`, 'debug', 'workers']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`dial unix ${sb.socket}: connect: connection refused`);
    const again = await sb.daemon();
    expect((await sb.buildctl(['--addr', `unix://${sb.socket}`, 'debug', 'workers'])).code).toBe(0);
    await again.stop();

    const tcp = await sb.buildctl(['--addr', 'tcp://127.0.0.1:1', 'debug', 'workers']);
    expect(tcp.stderr).toContain('dial tcp 127.0.0.1:1: connect: connection refused');
    const flag = await sb.buildctl(['debug', 'workers', '--bogus']);
    expect(flag.code).toBe(1);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toBe(
      'Incorrect Usage: flag provided but not defined: -bogus\n\nerror: flag provided but not defined: -bogus\n'
    );
    const global = await sb.buildctl(['--bogus', 'debug', 'workers']);
    expect(global.stdout).toMatch(/^NAME:\n {3}buildctl - build utility\n/);
    expect(global.stderr).toBe(
      'Incorrect Usage: flag provided but not defined: -bogus\n\nerror: flag provided but not defined: -bogus\n'
    );
    // urfave/cli v3: a global flag after the subcommand is the global flag.
    const after = await sb.buildctl(['debug', 'workers', '--addr', `unix://${sb.socket}`]);
    expect(after.stderr).toContain(`dial unix ${sb.socket}: connect:`);
    const info = await sb.buildctl(['--addr', `unix://${sb.socket}`, 'debug', 'info']);
    expect(info.stderr).toMatch(
      /^error: failed to call info: Unavailable: connection error: desc = "transport: Error while dialing: dial unix \S+: connect: /
    );
    const nosuch = await sb.buildctl(['nosuch']);
    expect([nosuch.code, nosuch.stdout, nosuch.stderr]).toEqual([3, '', "No help topic for 'nosuch'\n"]);
  });

  test('tcp://127.0.0.1:0 listens on an ephemeral port that the log reports', async () => {
    const bk = await startBuildkitd({ addr: 'tcp://127.0.0.1:0' });
    expect(bk.addr).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(bk.port).toBeGreaterThan(0);
    const r = await sb.buildctl(['--addr', bk.addr, 'debug', 'workers']);
    expect(r.code).toBe(0);
    expect(await bk.stop('SIGINT')).toEqual({ code: 1, signal: null });
  });

  // No sleeps: each step waits for something the fake says (a log line, a file), never for the clock.
  fakeOnly('a knob of the stand-in')(
    'FAKE_BUILDKITD_READY_WHEN holds the socket back; buildctl --wait retries until it is there',
    async () => {
      const gate = path.join(sb.dir, 'open-the-gate');
      const attempts = path.join(sb.dir, 'buildctl-attempts');
      const gated = await startBuildkitd({
        addr: `unix://${sb.socket}`,
        env: { FAKE_BUILDKITD_READY_WHEN: gate },
        waitReady: 'started'
      });
      // It says so when it reaches the gate (after the line 'started' waits for): wait for the words.
      await until(() => gated.logs().includes(`msg="fake: not listening until ${gate} exists"`));
      expect(fs.existsSync(sb.socket)).toBe(false);
      const failFast = await sb.buildctl(['--addr', `unix://${sb.socket}`, 'debug', 'workers']);
      expect(failFast.code).toBe(1);
      const waited = sb.buildctl(['--addr', `unix://${sb.socket}`, '--wait', '--timeout', '60', 'debug', 'workers'], {
        FAKE_BUILDCTL_ATTEMPTS: attempts
      });
      // Open the gate only once buildctl has failed once and is retrying: that is what --wait must do.
      await until(
        () =>
          fs.existsSync(attempts) && fs.readFileSync(attempts, 'utf8').includes('connect: no such file or directory')
      );
      fs.writeFileSync(gate, '');
      expect((await waited).code).toBe(0);
      expect(await gated.stop()).toEqual({ code: 1, signal: null });
    }
  );

  fakeOnly('a knob of the stand-in')('FAKE_BUILDKITD_READY_DELAY_MS listens late but listens', async () => {
    const delayed = await startBuildkitd({
      addr: `unix://${sb.socket}`,
      env: { FAKE_BUILDKITD_READY_DELAY_MS: '300' }
    });
    expect((await sb.buildctl(['--addr', `unix://${sb.socket}`, 'debug', 'workers'])).code).toBe(0);
    expect(await delayed.stop()).toEqual({ code: 1, signal: null });
  });

  fakeOnly('a knob of the stand-in')(
    'FAKE_BUILDKITD_NEVER_READY: alive, not listening, and an orderly stop on SIGTERM',
    async () => {
      // 'started' resolves once its SIGTERM handler is installed, however slow the machine is.
      const never = await startBuildkitd({
        addr: `unix://${sb.socket}`,
        env: { FAKE_BUILDKITD_NEVER_READY: '1' },
        waitReady: 'started'
      });
      expect(never.proc.exitCode).toBeNull();
      expect(fs.existsSync(sb.socket)).toBe(false);
      expect(await never.stop()).toEqual({ code: 1, signal: null });
      expect(never.logs()).toContain('msg="stopping server"');
    }
  );

  test('without --root it locks /var/lib/buildkit like the real one, so a second daemon without --root refuses to start', async () => {
    // FAKE_BUILDKITD_DEFAULT_ROOT stands in for /var/lib/buildkit (this machine's is never touched); the real
    // buildkitd (FAKES_REAL=1, on a throw-away runner) uses the real one.
    const machine = REAL ? '/var/lib/buildkit' : path.join(sb.dir, 'var-lib-buildkit');
    const env = { FAKE_BUILDKITD_DEFAULT_ROOT: machine };
    const first = await startBuildkitd({ addr: `unix://${sb.socket}`, env, root: false });
    expect(first.root).toBeUndefined();
    expect(fs.existsSync(path.join(machine, 'buildkitd.lock'))).toBe(true);
    if (!REAL) expect(fs.readFileSync(path.join(machine, 'buildkitd.lock'), 'utf8')).toBe(String(first.pid));
    const second = await runFake('buildkitd', ['--addr', `unix://${path.join(sb.dir, 'other.sock')}`], { env });
    expect(second.code).toBe(1);
    expect(daemonError(second.stderr)).toBe(
      `buildkitd: could not lock ${path.join(machine, 'buildkitd.lock')}, another instance running?`
    );
    // Its own --root: no collision.
    const own = await startBuildkitd({
      addr: `unix://${path.join(sb.dir, 'own.sock')}`,
      args: ['--root', path.join(sb.dir, 'own-root')],
      env
    });
    expect(own.pid).toBeDefined();
    // startBuildkitd gives a daemon without --root a fresh temp root, removed once it stopped.
    const temp = await startBuildkitd({ addr: `unix://${path.join(sb.dir, 'temp.sock')}` });
    expect(fs.existsSync(path.join(temp.root!, 'buildkitd.lock'))).toBe(true);
    await temp.stop();
    expect(fs.existsSync(temp.root!)).toBe(false);
  });

  test('--root holds a lock: a second daemon on the same root refuses to start', async () => {
    const root = path.join(sb.dir, 'state');
    const first = await startBuildkitd({ addr: `unix://${sb.socket}`, args: ['--root', root] });
    if (!REAL) expect(fs.readFileSync(path.join(root, 'buildkitd.lock'), 'utf8')).toBe(String(first.pid));
    const second = await runFake('buildkitd', ['--addr', `unix://${path.join(sb.dir, 'other.sock')}`, '--root', root]);
    expect(second.code).toBe(1);
    expect(daemonError(second.stderr)).toBe(
      `buildkitd: could not lock ${path.join(root, 'buildkitd.lock')}, another instance running?`
    );
    await first.stop();
    expect(fs.existsSync(path.join(root, 'buildkitd.lock'))).toBe(false);
  });

  fakeOnly('the stand-ins speak JSON lines, the real ones gRPC')(
    'a raw client gets newline-delimited JSON answers (version, workers, unknown method)',
    async () => {
      const bk = await sb.daemon();
      const { createConnection } = await import('node:net');
      const replies = await new Promise<string[]>((resolve, reject) => {
        const s = createConnection(bk.socketPath!);
        let buf = '';
        s.setEncoding('utf8');
        s.on('data', (d) => {
          buf += d;
          const lines = buf.split('\n').filter(Boolean);
          if (lines.length === 3) {
            s.end();
            resolve(lines);
          }
        });
        s.on('error', reject);
        s.write('{"id":1,"method":"version"}\n{"id":2,"method":"workers"}\n{"id":3,"method":"prune"}\n');
      });
      const parsed = replies.map((l) => JSON.parse(l));
      expect(parsed.find((r) => r.id === 1).result).toEqual({
        package: 'github.com/moby/buildkit',
        version: 'v0.32.2',
        revision: expect.stringMatching(/^[0-9a-f]{40}$/),
        dockerfileVersion: '1.26.0'
      });
      expect(parsed.find((r) => r.id === 2).result.workers[0].platforms.length).toBeGreaterThan(0);
      expect(parsed.find((r) => r.id === 3).error).toBe('unknown method "prune"');
    }
  );

  test('a daemon spawned directly exits 1 on SIGTERM (got SIGTERM/SIGINT, forcing shutdown) and is reaped', async () => {
    // A daemon started outside the helper is still ours to stop: spawn, wait for the socket, SIGTERM, reap.
    const child = spawn(
      fakeTool('buildkitd'),
      ['--addr', `unix://${sb.socket}`, '--root', path.join(sb.dir, 'direct-root')],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
    let log = '';
    await new Promise<void>((resolve) =>
      child.stderr
        .setEncoding('utf8')
        .on('data', (d: string) => (log += d).includes('msg="running server on') && resolve())
    );
    expect(fs.existsSync(sb.socket)).toBe(true);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(daemonError(log)).toBe('buildkitd: got SIGTERM/SIGINT, forcing shutdown');
    expect(alive(child.pid!)).toBe(false);
  });
});
