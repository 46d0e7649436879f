/** A throw-away HOME, project and storage roots for driving the fakes; every test cleans up after itself. */
import { test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REAL, runFake, startBuildkitd, type Buildkitd, type RunResult } from '../support/fakes/index.mjs';

/**
 * A test that only makes sense for a stand-in (its knobs, its copies, its wire protocol). With FAKES_REAL=1
 * (the contract job runs these tests against the real tools) it is skipped, and its name says why.
 */
export function fakeOnly(reason: string): (name: string, fn: () => Promise<unknown> | void, timeout?: number) => void {
  if (!REAL) return (name, fn, timeout) => test(name, fn, timeout);
  return (name, fn, timeout) => test.skip(`${name} [fake only: ${reason}]`, fn, timeout);
}

export const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=False)
    install.python_packages(name=["numpy"])
    shell("zsh")


def build_py(version):
    base(dev=True)
    install.python(version=version)


def build_312():
    build_py("3.12")
`;

/** A fixed key pair (ed25519, test only) so that builds on fresh HOMEs share the "install ssh keys" step. */
export const FIXED_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFixedTestKeyForCacheStabilityTestsOnly0 envd\n';
export const FIXED_PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nfake-test-key\n-----END PRIVATE KEY-----\n';

export interface Sandbox {
  dir: string;
  home: string;
  project: string;
  socket: string;
  env: Record<string, string>;
  /** A fresh HOME (with the fixed key pair unless `keys: false`). */
  newHome(keys?: boolean): string;
  envd(
    args: string[],
    options?: { env?: Record<string, string | undefined>; cwd?: string; home?: string }
  ): Promise<RunResult>;
  buildctl(args: string[], env?: Record<string, string | undefined>): Promise<RunResult>;
  /** Starts a fresh buildkitd on `socket` (or on `addr`). */
  daemon(options?: { env?: Record<string, string | undefined>; args?: string[]; addr?: string }): Promise<Buildkitd>;
  /** `envd context create --name ci --builder unix --builder-address <socket> --use` in `home`. */
  useSocket(home?: string, socket?: string): Promise<void>;
  /**
   * A fresh HOME whose current context is `ci` on `socket`: a copy of a template made once with the CLI.
   * keys=false removes the key pair, so envd generates a random one (as on a fresh runner).
   */
  runnerHome(keys?: boolean): Promise<string>;
  /**
   * `envd build --force …` as on a fresh runner: a fresh HOME (unless given) and a daemon without local cache
   * (FAKE_BUILDKITD_NO_LOCAL_CACHE=1) whose environment is `daemonEnv`; safe to run concurrently.
   */
  build(
    args: string[],
    options?: {
      env?: Record<string, string | undefined>;
      home?: string;
      keys?: boolean;
      daemonEnv?: Record<string, string | undefined>;
    }
  ): Promise<RunResult>;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fakes-'));
  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'build.envd'), BUILD_ENVD);
  let homes = 0;
  const newHome = (keys = true): string => {
    const home = path.join(dir, `home${++homes}`);
    fs.mkdirSync(home);
    if (keys) {
      const cfg = path.join(home, '.config', 'envd');
      fs.mkdirSync(cfg, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(cfg, 'id_rsa_envd.pub'), FIXED_PUBLIC_KEY);
      fs.writeFileSync(path.join(cfg, 'id_rsa_envd'), FIXED_PRIVATE_KEY, { mode: 0o600 });
    }
    return home;
  };
  const home = newHome();
  const env: Record<string, string> = {
    ENVD_ANALYTICS: 'false',
    ENVD_BUILD_OWNER: '1000:1000',
    BUILDKIT_CONNECTING_TIMEOUT: '3s',
    FAKE_REGISTRY_ROOT: path.join(dir, 'registry'),
    FAKE_S3_ROOT: path.join(dir, 's3'),
    FAKE_DOCKER_ROOT: path.join(dir, 'docker')
  };
  const socket = path.join(dir, 'run', 'buildkitd.sock');
  const sb: Sandbox = {
    dir,
    home,
    project,
    socket,
    env,
    newHome,
    envd: (args, options = {}) =>
      runFake('envd', args, {
        cwd: options.cwd ?? project,
        env: { ...env, HOME: options.home ?? home, ...options.env }
      }),
    buildctl: (args, extra = {}) =>
      runFake('buildctl', args, { env: { ...env, HOME: home, BUILDKIT_HOST: undefined, ...extra } }),
    daemon: (options = {}) =>
      startBuildkitd({
        addr: options.addr ?? `unix://${socket}`,
        args: options.args,
        env: {
          FAKE_REGISTRY_ROOT: env.FAKE_REGISTRY_ROOT,
          FAKE_S3_ROOT: env.FAKE_S3_ROOT,
          AWS_BUCKET: undefined,
          AWS_REGION: undefined,
          ...options.env
        }
      }),
    async useSocket(h = home, s = socket) {
      const r = await runFake(
        'envd',
        ['context', 'create', '--name', 'ci', '--builder', 'unix', '--builder-address', s, '--use'],
        {
          env: { ...env, HOME: h }
        }
      );
      if (r.code !== 0) throw new Error(`context create failed: ${r.stderr}`);
    },
    async runnerHome(keys = true) {
      if (!template) {
        template = newHome();
        await sb.useSocket(template);
      }
      const h = path.join(dir, `home${++homes}`);
      fs.cpSync(template, h, { recursive: true });
      if (!keys) for (const f of ['id_rsa_envd', 'id_rsa_envd.pub']) fs.rmSync(path.join(h, '.config', 'envd', f));
      return h;
    },
    async build(args, options = {}) {
      // One daemon at a time on `socket`, keyed by its environment: concurrent builds with the same
      // daemonEnv share it, a build with another daemonEnv replaces it. No local cache, as on a fresh runner.
      const env = { FAKE_BUILDKITD_NO_LOCAL_CACHE: '1', ...options.daemonEnv };
      const key = JSON.stringify(env);
      if (!current || current.key !== key) {
        const previous = current;
        const entry: { key: string; daemon: Promise<Buildkitd> } = {
          key,
          daemon: (async () => {
            if (previous) await (await previous.daemon.catch(() => undefined))?.stop();
            return sb.daemon({ env });
          })()
        };
        current = entry;
        // Forget it once it exits (e.g. stopAllBuildkitd in afterEach), so the next build starts another.
        entry.daemon.then(
          (d) => d.exited.then(() => void (current === entry && (current = undefined))),
          () => void (current === entry && (current = undefined))
        );
      }
      await current.daemon;
      const h = options.home ?? (await sb.runnerHome(options.keys ?? true));
      return sb.envd(['build', '--force', ...args], { home: h, env: options.env });
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true })
  };
  let template: string | undefined;
  let current: { key: string; daemon: Promise<Buildkitd> } | undefined;
  return sb;
}

/** The vertices of the build steps only (no importers, exporters or envd's parse phase). */
export const STEP = /^\[(internal|build\.envd)/;
