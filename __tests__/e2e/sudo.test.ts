/**
 * builder: auto as the hosted runner runs it: the action runs as a user who is not root and starts buildkitd
 * through `sudo -n` (issue 26). Where the suite runs as root, the action runs as the test user scripts/test-deps.sh
 * creates (password-less sudo, as GitHub's `runner`); also as root itself, which starts buildkitd directly. Either
 * way buildkitd gets an allow-list of the environment (the stand-ins' knobs only because the harness names them in
 * ENVD_CACHE_ACTION_BUILDKITD_ENV), its own pid is recorded and stopped, and post removes what it wrote as root.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chownTree, createJob, type Job, type JobUser, ROOT, runPhase } from '../../scripts/harness.mjs';
import { bundleWorld } from '../support/world.js';
import { running } from '../support/process.js';
import { killAsRoot, readAsRoot, removeAsRoot, rootOwned, sudoRunner } from '../support/sudo.js';

const BUILD_ENVD = `# syntax=v1

def build():
    base(dev=True)
    install.python_packages(name=["numpy"])
`;

const GITHUB_TOKEN = 'ghs_sudoPathToken0000000000000000000000';
const AWS_SECRET = 'awsSecretForTheS3Cache0000000000000000000';
const OWN_SECRET = 'workflowSecret000000000000000000000000';

const world = bundleWorld('envd-sudo', { buildkitVersions: ['v0.32.2'] });
let runner: { user?: JobUser };
/** The bundle, copied where the test user can read it (the checkout may lie under root's home). */
let entry = '';

beforeAll(() => {
  runner = sudoRunner();
  fs.mkdirSync(path.join(world.root, 'project'));
  fs.writeFileSync(path.join(world.root, 'project', 'build.envd'), BUILD_ENVD);
  fs.cpSync(path.join(ROOT, 'dist'), path.join(world.root, 'action', 'dist'), { recursive: true });
  fs.writeFileSync(path.join(world.root, 'action', 'package.json'), JSON.stringify({ type: 'module' }));
  entry = path.join(world.root, 'action', 'dist', 'index.js');
  fs.mkdirSync(world.toolCache);
  if (runner.user) chownTree(world.root, runner.user);
});

const modes = () => (process.getuid?.() === 0 ? ['through sudo', 'as root'] : ['through sudo']);

/** A job of `mode`: buildkitd must run as root (FAKE_BUILDKITD_REQUIRE_ROOT) and writes its own pid to `pidFile`. */
function job(mode: string, env: Record<string, string> = {}): { j: Job; pidFile: string } {
  const user = mode === 'through sudo' ? runner.user : undefined;
  const home = fs.mkdtempSync(path.join(world.root, 'home-'));
  const pidFile = path.join(fs.mkdtempSync(path.join(world.root, 'pid-')), 'buildkitd.pid');
  if (user) chownTree(home, user);
  const j = createJob({
    workspace: path.join(world.root, 'project'),
    user,
    githubToken: GITHUB_TOKEN,
    inputs: { 'cache-scope': 'sudo' },
    env: {
      HOME: home,
      ...world.runnerEnv('refs/heads/main'),
      ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '20',
      FAKE_BUILDKITD_REQUIRE_ROOT: '1',
      FAKE_BUILDKITD_PIDFILE: pidFile,
      GITHUB_TOKEN,
      AWS_REGION: 'eu-west-1',
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      OWN_SECRET,
      ...env
    }
  });
  // A test that failed half-way leaves its buildkitd (root's) and its files behind.
  world.track(j, () => {
    if (fs.existsSync(pidFile)) killAsRoot(Number(fs.readFileSync(pidFile, 'utf8')));
    removeAsRoot(j.dirs.temp);
  });
  return { j, pidFile };
}

const handleOf = (state: Record<string, string>) =>
  JSON.parse(state.builder) as { pid: number; sudo?: boolean; daemonDir: string };
const environ = (pid: number) => readAsRoot(`/proc/${pid}/environ`).split('\0').filter(Boolean);
const parentOf = (pid: number) => Number(/^\d+ \(.*\) \S (\d+)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))![1]);
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe.each(modes())('builder: auto, buildkitd started %s', (mode) => {
  test('buildkitd runs as root with the allow-listed environment only; its own pid is recorded, stopped and nothing of root is left', async () => {
    const { j, pidFile } = job(mode);
    const main = await runPhase(j, 'main', { entry, timeoutMs: 90000 });
    expect(main.stdout + main.stderr).not.toContain('::error');
    expect(main.code).toBe(0);
    const h = handleOf(main.state);
    expect(h.sudo).toBe(mode === 'through sudo');
    // The pid post will stop is buildkitd's own (it wrote it), not sudo's; it runs as root.
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(h.pid).toBe(pid);
    expect(running(pid)).toBe(true);
    expect(uidOf(pid)).toBe(0);

    const env = environ(pid);
    const names = env.map((v) => v.slice(0, v.indexOf('=')));
    expect(env).toContain('FAKE_BUILDKITD_REQUIRE_ROOT=1');
    expect(env).toContain('AWS_REGION=eu-west-1');
    expect(env).toContain(`AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`);
    // The tool cache's bin directory first: buildkitd finds buildkit-runc there (sudo's secure_path would drop it).
    const PATH = env
      .find((v) => v.startsWith('PATH='))!
      .slice('PATH='.length)
      .split(':');
    expect(PATH.slice(0, 2)).toContain(path.join(world.toolCache, 'buildkit', '0.32.2', 'amd64', 'bin'));
    for (const name of [
      'GITHUB_TOKEN',
      'INPUT_GITHUB-TOKEN',
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_RESULTS_URL',
      'OWN_SECRET'
    ])
      expect(names).not.toContain(name);
    for (const secret of [GITHUB_TOKEN, OWN_SECRET, j.env.ACTIONS_RUNTIME_TOKEN])
      expect(env.join('\n')).not.toContain(secret);
    if (mode === 'through sudo') {
      // sudo's command line names what it keeps; no value is on it (any user can read a command line).
      const sudo = fs.readFileSync(`/proc/${parentOf(pid)}/cmdline`, 'utf8').split('\0');
      expect(path.basename(sudo[0])).toBe('sudo');
      // (sudo cuts the list at its commas in place, so its command line shows the names as separate words.)
      expect(sudo.join(',')).toContain(
        '--preserve-env=AWS_REGION,AWS_SECRET_ACCESS_KEY,BUILDKIT_PROGRESS,FAKE_BUILDKITD_DEFAULT_ROOT,FAKE_BUILDKITD_PIDFILE,FAKE_BUILDKITD_REQUIRE_ROOT,HOME,--,'
      );
      for (const secret of [AWS_SECRET, GITHUB_TOKEN, OWN_SECRET]) expect(sudo.join(' ')).not.toContain(secret);
    }

    const post = await runPhase(j, 'post', { entry, timeoutMs: 30000 });
    expect(post.code).toBe(0);
    expect(running(pid)).toBe(false);
    expect(fs.existsSync(h.daemonDir)).toBe(false);
    if (mode === 'through sudo') expect(rootOwned(j.dirs.base)).toEqual([]);
  }, 120000);

  test('a buildkitd that never answers: the bounded wait stops buildkitd itself, and post leaves nothing of root', async () => {
    const { j, pidFile } = job(mode, { FAKE_BUILDKITD_NEVER_READY: '1', ENVD_CACHE_ACTION_BUILDKITD_TIMEOUT: '2' });
    const main = await runPhase(j, 'main', { entry, timeoutMs: 90000 });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::error::buildkitd did not answer within 2 s \(buildctl: .+\)\. Its log:/);
    expect(running(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(false);
    const post = await runPhase(j, 'post', { entry, timeoutMs: 30000 });
    expect(post.code).toBe(0);
    expect(fs.existsSync(handleOf(main.state).daemonDir)).toBe(false);
    if (mode === 'through sudo') expect(rootOwned(j.dirs.base)).toEqual([]);
  }, 120000);
});
