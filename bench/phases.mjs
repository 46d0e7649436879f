// What bench:overhead and bench:real share: one phase (main or post) of the bundled action spawned as the runner
// runs it — fresh file-command files, STATE_* for post, the action's own CPU time written on exit by a small
// --require probe — with the arrival of each stdout line, and the split of a phase into the action's log groups.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFileCommands } from '../scripts/harness.mjs';

/** Writes the probe into `dir`: a process loaded with it writes its CPU time (µs, user+system) to BENCH_CPU_FILE on exit. */
export function cpuProbe(dir) {
  const file = path.join(dir, 'cpu-probe.cjs');
  fs.writeFileSync(
    file,
    "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(process.env.BENCH_CPU_FILE, String(u.user + u.system)); });\n"
  );
  return file;
}

/** The CPU time (ms) a probed process wrote, NaN when it wrote none. */
export const readCpu = (file) => (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) / 1000 : NaN);

/**
 * Spawns one phase of the bundle at `entry` for the harness job `j` (main saves its state into `j.state` for post).
 * Resolves with its wall time, CPU time, exit code, stdout lines (`{ at, text }`, ms after spawn), stderr and outputs.
 * options: `probe` (cpuProbe's file), `nodeArgs`, `detached`, `onChild(child)` (the caller may track or kill it).
 */
export function spawnPhase(j, entry, name, { probe, nodeArgs = [], detached = false, onChild } = {}) {
  const files = {};
  for (const f of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[f] = path.join(j.dirs.files, `${name}-${Math.random().toString(16).slice(2)}-${f.toLowerCase()}`);
    fs.writeFileSync(files[f], '');
  }
  const cpuFile = path.join(j.dirs.files, `${name}-${Math.random().toString(16).slice(2)}-cpu`);
  const env = { ...j.env, ...files, BENCH_CPU_FILE: cpuFile };
  if (name === 'post') for (const [k, v] of Object.entries(j.state)) env[`STATE_${k}`] = v;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, '--require', probe, entry], {
      cwd: j.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached
    });
    onChild?.(child);
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
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (rest) lines.push({ at: ms, text: rest });
      if (name === 'main') Object.assign(j.state, parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8')));
      resolve({
        ms,
        cpu: readCpu(cpuFile),
        code,
        lines,
        err,
        outputs: parseFileCommands(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8'))
      });
    });
  });
}

/** Segments of one phase: start-up (spawn → first line), each group (its line → the next group's), the tail. */
export function segments(name, r) {
  const out = {};
  const marks = [{ label: `${name}: start-up (spawn → first line)`, at: 0 }];
  if (r.lines.length) marks.push({ label: `${name}: first line → first group (or exit)`, at: r.lines[0].at });
  for (const l of r.lines) {
    const g = /^::group::(.*)$/.exec(l.text);
    if (g) marks.push({ label: `${name}: ${g[1]}`, at: l.at });
  }
  marks.push({ at: r.ms });
  for (let i = 0; i < marks.length - 1; i++)
    out[marks[i].label] = (out[marks[i].label] ?? 0) + marks[i + 1].at - marks[i].at;
  return out;
}

/** The bundles a bench runs: each `--compare [name=]DIR` (an older dist/), then this worktree's dist/. */
export function bundlesFrom(args, root) {
  const bundles = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--compare') continue;
    const [name, dir] = args[i + 1].includes('=')
      ? args[i + 1].split(/=(.*)/s)
      : [`compare${bundles.length + 1}`, args[i + 1]];
    bundles.push({ name, entry: path.join(path.resolve(dir), 'index.js') });
  }
  bundles.push({ name: 'this', entry: path.join(root, 'dist', 'index.js') });
  for (const b of bundles)
    if (!fs.existsSync(b.entry)) throw new Error(`no bundle at ${b.entry}: run npm run package first`);
  return bundles;
}
