#!/usr/bin/env node
/**
 * npm run contract:buildkit — holds the stand-ins and the action against a real BuildKit (not part of npm test).
 *
 *   BUILDKIT_BIN=<dir with buildkitd and buildctl> [BENCH_BUSYBOX=<static busybox>] npm run contract:buildkit
 *
 * As root (buildkitd needs it). Every daemon gets its own root, socket and OTEL socket under a fresh temp dir, all
 * removed at the end. Checks, each PASS or FAIL with what differed:
 *  1. ListWorkers: the action's in-process call (src/io/buildkit/builder.ts) answers true against the real daemon,
 *     as `buildctl debug workers` does, and false (not a hang) for a socket that is gone.
 *  2. gha against the in-repo emulator: export (mode=max), then import on a fresh root with every RUN step CACHED;
 *     every request answered 2xx; the index where and as the stand-in writes it (key, BuildKit's cache config) and
 *     read by the action's parser; an evicted blob (entry gone) rebuilds, a blob answering 404 fails with
 *     BlobNotFound; a token without a writable scope fails with `failed to reserve cache`.
 *  3. The stand-ins' own buildkitd/buildctl tests with FAKES_REAL=1 (versions, flag errors, lifecycle, buildctl
 *     texts), without the one that takes /var/lib/buildkit (the e2e contract job runs that file whole).
 *  4. cache-mounts' restore and save through the real daemon (__tests__/mounts/real-buildkit.test.ts).
 * Exit 0 when every check passed, 1 when one failed, 2 when something it needs is missing (it says what).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { register } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env.BUILDKIT_BIN;

const missing = [];
if (!BIN) missing.push('BUILDKIT_BIN is not set: give the directory holding the real buildkitd and buildctl (e.g. BUILDKIT_BIN=/usr/local/bin)');
else for (const tool of ['buildkitd', 'buildctl']) if (!isExecutable(path.join(BIN, tool))) missing.push(`${path.join(BIN, tool)} is missing or not executable`);
const busybox = process.env.BENCH_BUSYBOX || ['/usr/bin/busybox', '/bin/busybox'].find((p) => fs.existsSync(p));
if (!busybox || !fs.existsSync(busybox)) missing.push('no busybox for the gha build: set BENCH_BUSYBOX to a static busybox (Debian/Ubuntu: busybox-static)');
if (process.getuid?.() !== 0) missing.push('not root: buildkitd needs root (run it with sudo env "PATH=$PATH" …)');
if (missing.length) {
  console.error(`contract:buildkit cannot run:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  process.exit(2);
}

register('../bench/ts-loader.mjs', import.meta.url);
const { listWorkers } = await import('../src/io/buildkit/builder.ts');
const { parseIndexJson } = await import('../src/budget/keys.ts');
const { startEmulator, Permission } = await import('../__tests__/support/emulator/index.ts');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-contract-'));
const daemons = [];
const results = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`PASS ${name}`);
  } catch (e) {
    results.push({ name, ok: false, why: e.message });
    console.log(`FAIL ${name}\n     ${String(e.message).split('\n').join('\n     ')}`);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

/** Runs a tool without blocking this process (the emulator answers BuildKit from this process's event loop). */
function run(tool, args, { timeoutMs = 300_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(path.join(BIN, tool), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A buildkitd of its own (root, socket, OTEL socket in the temp dir); resolves once it logged `running server on`. */
async function daemon(name) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'bk.sock');
  const log = path.join(dir, 'buildkitd.log');
  const out = fs.openSync(log, 'w');
  const args = ['--root', path.join(dir, 'root'), '--addr', `unix://${socket}`, '--otel-socket-path', path.join(dir, 'otel.sock')];
  const proc = spawn(path.join(BIN, 'buildkitd'), args, { stdio: ['ignore', out, out] });
  const d = { name, socket, addr: `unix://${socket}`, log, proc, exited: false };
  proc.on('exit', () => (d.exited = true));
  daemons.push(d);
  const until = Date.now() + 30_000;
  while (!fs.readFileSync(log, 'utf8').includes(`msg="running server on ${socket}"`)) {
    if (d.exited || Date.now() > until) throw new Error(`buildkitd ${name} did not start:\n${fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}`);
    await sleep(20);
  }
  return d;
}

async function stop(d) {
  if (d.exited) return;
  const gone = new Promise((r) => d.proc.once('exit', r));
  d.proc.kill('SIGTERM');
  await Promise.race([gone, sleep(10_000)]);
  if (!d.exited) d.proc.kill('SIGKILL');
}

const CONTEXT = path.join(work, 'context');
fs.mkdirSync(CONTEXT);
fs.copyFileSync(busybox, path.join(CONTEXT, 'busybox'));
fs.chmodSync(path.join(CONTEXT, 'busybox'), 0o755);
fs.writeFileSync(
  path.join(CONTEXT, 'Dockerfile'),
  [
    'FROM scratch',
    'COPY busybox /bin/busybox',
    'RUN ["/bin/busybox","sh","-c","/bin/busybox mkdir -p /out && /bin/busybox head -c 1500000 /dev/urandom > /out/big && echo one > /out/a"]',
    'RUN ["/bin/busybox","sh","-c","echo two > /out/b"]',
    ''
  ].join('\n')
);
const build = (d, args) =>
  run('buildctl', ['--addr', d.addr, 'build', '--frontend', 'dockerfile.v0', '--local', `context=${CONTEXT}`, '--local', `dockerfile=${CONTEXT}`, '--progress', 'plain', ...args]);
const runSteps = (out) => {
  const names = new Map();
  const status = new Map();
  for (const line of out.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line);
    if (!m) continue;
    if (!names.has(m[1])) names.set(m[1], m[2]);
    else if (m[2] === 'CACHED' || /^DONE\b/.test(m[2]) || m[2].startsWith('ERROR')) status.set(m[1], m[2]);
  }
  return [...names].filter(([, n]) => n.includes('RUN ')).map(([id, n]) => ({ name: n, status: status.get(id) }));
};

let emu;
try {
  const a = await daemon('a');

  await check('versions: `buildkitd --version` and `buildctl --version` read `<tool> github.com/moby/buildkit v… <40-hex>`', async () => {
    for (const tool of ['buildkitd', 'buildctl']) {
      const r = await run(tool, ['--version']);
      expect(new RegExp(`^${tool} github\\.com/moby/buildkit v\\S+ [0-9a-f]{40}\\n$`).test(r.stdout), `${tool} --version printed ${JSON.stringify(r.stdout)}`);
    }
  });

  await check('ListWorkers: the action\'s in-process call answers as `buildctl debug workers` does', async () => {
    const r = await run('buildctl', ['--addr', a.addr, 'debug', 'workers', '--format', '{{json .}}']);
    expect(r.code === 0, `buildctl debug workers failed: ${r.stderr}`);
    const workers = JSON.parse(r.stdout);
    expect(Array.isArray(workers) && workers.length > 0 && workers.every((w) => typeof w.id === 'string' && Array.isArray(w.platforms)), `unexpected workers: ${r.stdout}`);
    expect((await listWorkers(a.socket, 10_000)) === true, 'listWorkers answered false against a daemon that buildctl reaches');
    const started = Date.now();
    expect((await listWorkers(path.join(work, 'gone.sock'), 10_000)) === false, 'listWorkers answered true for a socket that does not exist');
    expect(Date.now() - started < 5_000, 'listWorkers took its whole bound for a missing socket');
  });

  emu = await startEmulator();
  const token = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.All }]);
  const gha = (t, extra = '') => `type=gha,url_v2=${emu.resultsUrl},token=${t},scope=contract${extra}`;
  let exported = false;

  await check('gha export (mode=max) against the emulator: every request answered 2xx; blobs and index #1 committed', async () => {
    const r = await build(a, ['--export-cache', gha(token, ',mode=max')]);
    expect(r.code === 0, `the export failed:\n${r.stderr.split('\n').slice(-15).join('\n')}`);
    const refused = emu.requests.filter((q) => !(q.status >= 200 && q.status < 300));
    expect(refused.length === 0, `the emulator refused what BuildKit sent:\n${refused.map((q) => `${q.method} ${q.route} ${q.path} → ${q.status}`).join('\n')}`);
    const keys = emu.entries().filter((e) => e.committed).map((e) => e.key);
    expect(keys.filter((k) => /^buildkit-blob-1-sha256:[0-9a-f]{64}$/.test(k)).length >= 3, `blob entries: ${keys.join(', ')}`);
    expect(keys.includes('index-contract-1-f921bd05#1'), `no index-contract-1-f921bd05#1 among ${keys.join(', ')}`);
    const uploads = emu.requests.filter((q) => q.route === 'blob.put');
    expect(uploads.some((q) => q.query.includes('comp=block&') || q.query.includes('comp=block')), 'no Put Block: a layer above 1 MiB should go in blocks');
    exported = true;
  });

  await check('gha index: BuildKit\'s cache config, as the stand-in writes it and the action\'s parser reads it', async () => {
    expect(exported, 'no export to read');
    const index = emu.entries().find((e) => e.key === 'index-contract-1-f921bd05#1');
    const config = JSON.parse(emu.blobData(index.id).toString('utf8'));
    const blobs = emu.entries().filter((e) => e.key.startsWith('buildkit-blob-1-')).map((e) => e.key.slice('buildkit-blob-1-'.length));
    expect(Array.isArray(config.layers) && Array.isArray(config.records), `top-level keys: ${Object.keys(config)}`);
    for (const l of config.layers) {
      expect(Object.keys(l).every((k) => ['blob', 'parent', 'annotations'].includes(k)), `layer keys ${Object.keys(l)}`);
      expect(l.parent !== 0, 'a layer writes parent 0 (the stand-in omits it, as omitempty does)');
      expect(JSON.stringify(Object.keys(l.annotations)) === JSON.stringify(['mediaType', 'diffID', 'size', 'createdAt']), `annotation keys ${Object.keys(l.annotations)}`);
    }
    for (const r of config.records) expect(Object.keys(r).every((k) => ['layers', 'chains', 'digest', 'inputs'].includes(k)), `record keys ${Object.keys(r)}`);
    const sorted = (xs) => JSON.stringify(xs) === JSON.stringify([...xs].sort());
    expect(sorted(config.layers.map((l) => l.blob)) && sorted(config.records.map((r) => r.digest)), 'layers or records not sorted');
    const parsed = parseIndexJson(emu.blobData(index.id));
    expect(parsed.recognized, 'the action\'s parseIndexJson did not recognise it');
    expect(JSON.stringify([...parsed.digests].sort()) === JSON.stringify(blobs.sort()), `parsed ${[...parsed.digests]} vs blobs ${blobs}`);
  });

  await check('gha import on a fresh root: every RUN step CACHED', async () => {
    const b = await daemon('b');
    const r = await build(b, ['--import-cache', gha(token)]);
    expect(r.code === 0, `the import build failed:\n${r.stderr.split('\n').slice(-15).join('\n')}`);
    const steps = runSteps(r.stderr);
    expect(steps.length === 2 && steps.every((s) => s.status === 'CACHED'), `RUN steps: ${JSON.stringify(steps)}`);
    await stop(b);
  });

  await check('gha: a token without a writable scope fails the export with `failed to reserve cache`', async () => {
    const readOnly = emu.mintToken([{ Scope: 'refs/heads/main', Permission: Permission.Read }]);
    const r = await build(a, ['--export-cache', gha(readOnly)]);
    expect(r.code !== 0 && /failed to reserve cache/.test(r.stderr), `exit ${r.code}: ${r.stderr.split('\n').slice(-3).join(' | ')}`);
  });

  await check('gha: an evicted blob (entry gone) is `ERROR: blob sha256:…: not found`, rebuilt, and the build succeeds', async () => {
    const entries = emu.entries().filter((e) => e.key.startsWith('buildkit-blob-1-'));
    const smallest = entries.sort((x, y) => x.size - y.size)[0];
    emu.deleteEntry(smallest.id);
    const c = await daemon('c');
    const r = await build(c, ['--import-cache', gha(token), '--output', `type=tar,dest=${path.join(work, 'c.tar')}`]);
    const digest = smallest.key.slice('buildkit-blob-1-'.length);
    expect(r.code === 0, `exit ${r.code}: ${r.stderr.split('\n').slice(-5).join(' | ')}`);
    expect(r.stderr.includes(`ERROR: blob ${digest}: not found`), 'no `ERROR: blob …: not found` line');
    await stop(c);
  });

  await check('gha: a blob whose entry is there but whose data answers 404 fails the output with ERROR CODE: BlobNotFound', async () => {
    const big = emu.entries().filter((e) => e.key.startsWith('buildkit-blob-1-') && e.hasData).sort((x, y) => y.size - x.size)[0];
    emu.deleteBlobData(big.key);
    const d = await daemon('d');
    const r = await build(d, ['--import-cache', gha(token), '--output', `type=tar,dest=${path.join(work, 'd.tar')}`]);
    expect(r.code !== 0 && /failed to copy: GET .*\n-{80}\nRESPONSE 404: 404 Not Found\nERROR CODE: BlobNotFound\n/.test(r.stderr), `exit ${r.code}: ${r.stderr.split('\n').slice(-12).join('\n')}`);
    await stop(d);
  });

  await stop(a);

  await check('the stand-ins\' buildkitd/buildctl tests pass against the real binaries (FAKES_REAL=1)', async () => {
    const r = spawnSync('npm', ['run', 'test:jest', '--', '__tests__/fakes/buildkitd.test.ts', '-t', '^(?!.*without --root).*$'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FAKES_REAL: '1', PATH: `${BIN}${path.delimiter}${process.env.PATH}` },
      timeout: 600_000
    });
    const summary = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /✕|Tests:/.test(l));
    expect(r.status === 0, summary.join('\n') || `exit ${r.status}`);
  });

  await check('cache-mounts: a rerun package step on a fresh buildkitd finds the previous job\'s files (restore/save helper builds)', async () => {
    const r = spawnSync('npm', ['run', 'test:jest', '--', '__tests__/mounts/real-buildkit.test.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BUILDKIT_BIN: BIN, BENCH_BUSYBOX: busybox },
      timeout: 600_000
    });
    const lines = `${r.stdout}\n${r.stderr}`.split('\n');
    for (const l of lines.filter((x) => x.startsWith('cache-mounts, real BuildKit:'))) console.log(`  ${l}`);
    const summary = lines.filter((l) => /✕|✓|skipped|Tests:/.test(l));
    expect(r.status === 0 && !summary.some((l) => /skipped/.test(l)), summary.join('\n') || `exit ${r.status}`);
  });
} finally {
  for (const d of daemons) await stop(d);
  await emu?.close();
  fs.rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} checks passed${failed.length ? `; failed: ${failed.map((f) => f.name).join('; ')}` : ''}`);
process.exit(failed.length ? 1 : 0);
