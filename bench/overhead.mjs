// `npm run bench:overhead`: what the action itself adds to a warm job, main and post, run as the runner runs
// them (scripts/harness.mjs: a clean environment, INPUT_* from action.yml, `node dist/index.js` twice, STATE_*
// between). envd, buildkitd and buildctl are stand-ins that answer at once, written by this bench into a
// temporary tool cache as small shell scripts (not Node, so that their own start-up does not hide the
// action's). The fake buildkitd listens on its socket through a perl one-liner: the action waits for the
// socket to accept before it asks `buildctl debug workers`.
//
// Each round runs, alternating so that machine noise hits all alike: two bare `node` starts (`node -e ''`),
// then one warm job per bundle measured (this one, and with `--compare DIR` an older bundle's dist/ too).
// Printed: per bundle `overhead-ms main=… post=… total=… bare-node=…` (medians; main and post are the
// wall time of each phase from spawn to exit, minus nothing: bare-node is printed beside them for the
// reader, total is main+post), and the breakdown by phase from the action's own log: the time from spawn to
// its first line (start-up: loading the bundle), then from each `::group::` line to the next, and from the
// last one to the exit.
//
// `npm run bench:startup` (bench/startup.mjs) is kept: it measures something narrower, the time from spawning
// main to the moment main spawns `envd build`, with the Node stand-ins of the tests (their start-up included).
//
//   BENCH_RUNS=15 npm run bench:overhead                 # this worktree's dist/ (npm run package first)
//   node bench/overhead.mjs --compare /tmp/old/dist      # the same, beside an older bundle, same run
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJob, parseFileCommands, ROOT } from '../scripts/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 11);
const args = process.argv.slice(2);
const compareAt = args.indexOf('--compare');
const bundles = [{ name: 'this', entry: path.join(ROOT, 'dist', 'index.js') }];
if (compareAt >= 0) bundles.unshift({ name: 'compare', entry: path.join(path.resolve(args[compareAt + 1]), 'index.js') });
for (const b of bundles) if (!fs.existsSync(b.entry)) throw new Error(`no bundle at ${b.entry}: run npm run package first`);
const ENVD = 'v1.3.4';
const BUILDKIT = 'v0.32.2';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-overhead-'));
const project = path.join(root, 'project');
fs.mkdirSync(project);
fs.writeFileSync(path.join(project, 'build.envd'), '# syntax=v1\n\ndef build():\n    base(dev=True)\n');

/** A tool cache as @actions/tool-cache lays it out (`<tool>/<semver>/<arch>` plus `<arch>.complete`), stand-ins inside. */
function toolCache() {
  const tc = path.join(root, 'tool-cache');
  const put = (tool, version, rel, text) => {
    const dir = path.join(tc, tool, version.replace(/^v/, ''), 'amd64');
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { mode: 0o755 });
    fs.writeFileSync(`${dir}.complete`, '');
  };
  put('envd', ENVD, 'envd', `#!/bin/sh
# envd stand-in: every command succeeds at once; a build prints one finished step.
case "$*" in
  *version*) echo "envd: ${ENVD}" ;;
  *build*) echo "#1 [internal] load build definition"; echo "#1 DONE 0.0s" ;;
esac
exit 0
`);
  put('buildkit', BUILDKIT, 'bin/buildkitd', `#!/bin/sh
# buildkitd stand-in: listens on the --addr socket (perl: sh cannot) until it is signalled.
case "$1" in --version|-v) echo "buildkitd github.com/moby/buildkit ${BUILDKIT} 0000000000000000000000000000000000000000"; exit 0 ;; esac
addr=""
while [ $# -gt 0 ]; do
  case "$1" in --addr) addr="$2"; shift ;; --addr=*) addr="\${1#--addr=}" ;; esac
  shift
done
sock="\${addr#unix://}"
echo "time=\\"0\\" level=info msg=\\"running server on $sock\\""
exec perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 16) or die "listen: $!"; while (my $c = $s->accept) { close $c }' "$sock"
`);
  put('buildkit', BUILDKIT, 'bin/buildctl', '#!/bin/sh\n# buildctl stand-in: the daemon always answers.\nexit 0\n');
  return tc;
}
const tc = toolCache();

function job() {
  return createJob({
    workspace: project,
    inputs: { cache: 'registry', 'cache-ref': 'localhost:5000/bench/env:buildcache', 'cache-scope': 'bench', 'envd-version': ENVD, 'buildkit-version': BUILDKIT },
    env: { HOME: fs.mkdtempSync(path.join(root, 'home-')), RUNNER_TOOL_CACHE: tc }
  });
}

/** Spawns one phase; returns its wall time and the arrival time of each stdout line (ms after spawn). */
function phase(j, entry, name) {
  const files = {};
  for (const f of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[f] = path.join(j.dirs.files, `${name}-${Math.random().toString(16).slice(2)}-${f.toLowerCase()}`);
    fs.writeFileSync(files[f], '');
  }
  const env = { ...j.env, ...files };
  if (name === 'post') for (const [k, v] of Object.entries(j.state)) env[`STATE_${k}`] = v;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [entry], { cwd: j.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let rest = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const at = performance.now() - t0;
      const parts = (rest + d).split('\n');
      rest = parts.pop();
      for (const text of parts) lines.push({ at, text });
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${name} exited ${code}:\n${lines.map((l) => l.text).join('\n')}\n${err}`));
      if (name === 'main') Object.assign(j.state, parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8')));
      resolve({ ms, lines });
    });
  });
}

/** Segments of one phase: start-up (spawn → first line), each group (its line → the next group's), the tail. */
function segments(name, r) {
  const out = {};
  const marks = [{ label: `${name}: start-up (spawn → first line)`, at: 0 }];
  if (r.lines.length) marks.push({ label: `${name}: first line → first group (or exit)`, at: r.lines[0].at });
  for (const l of r.lines) {
    const g = /^::group::(.*)$/.exec(l.text);
    if (g) marks.push({ label: `${name}: ${g[1]}`, at: l.at });
  }
  marks.push({ at: r.ms });
  for (let i = 0; i < marks.length - 1; i++) out[marks[i].label] = (out[marks[i].label] ?? 0) + marks[i + 1].at - marks[i].at;
  return out;
}

function bare() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }).on('close', () => resolve(performance.now() - t0));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f0 = (x) => x.toFixed(0);

const results = Object.fromEntries(bundles.map((b) => [b.name, { main: [], post: [], total: [], parts: {} }]));
const bares = [];
async function warmJob(b, record) {
  const j = job();
  try {
    const m = await phase(j, b.entry, 'main');
    const p = await phase(j, b.entry, 'post');
    if (!record) return;
    const r = results[b.name];
    r.main.push(m.ms);
    r.post.push(p.ms);
    r.total.push(m.ms + p.ms);
    for (const [k, v] of Object.entries({ ...segments('main', m), ...segments('post', p) })) (r.parts[k] ??= []).push(v);
  } finally {
    j.cleanup();
  }
}

try {
  for (const b of bundles) await warmJob(b, false); // warms the file cache; not counted
  for (let i = 0; i < RUNS; i++) {
    bares.push(await bare());
    for (const b of bundles) await warmJob(b, true);
    bares.push(await bare());
  }
  const bn = median(bares);
  for (const b of bundles) {
    const r = results[b.name];
    console.log(`\n## ${b.name}: ${path.relative(process.cwd(), b.entry) || b.entry} (${RUNS} warm jobs, medians)\n`);
    console.log('| phase | median ms |');
    console.log('|---|---|');
    for (const [k, v] of Object.entries(r.parts)) console.log(`| ${k} | ${f0(median(v))} |`);
    console.log(`\noverhead-ms main=${f0(median(r.main))} post=${f0(median(r.post))} total=${f0(median(r.total))} bare-node=${f0(bn)}`);
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
