// Helpers for driving the fake envd / buildkitd / buildctl from tests (types in index.d.mts, docs in README.md).
// Plain ESM, loaded by the TypeScript tests (under jest, which compiles the one src/ module it imports).
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
// The action's own reading of envd's fatal line: the fakes' tests unquote with the same code, not a copy.
import { goUnquote } from '../../../src/envd/errors.js';

export const FAKES_DIR = path.dirname(fileURLToPath(import.meta.url));
export const FAKES_BIN = path.join(FAKES_DIR, 'bin');

/**
 * FAKES_REAL=1: the stand-ins' own tests run against the real envd, buildkitd and buildctl found on PATH
 * (the contract job of .github/workflows/e2e.yml), to show where a fake drifted from the real tool.
 */
export const REAL = process.env.FAKES_REAL === '1';

/** The executable named `name` on PATH (FAKES_REAL), or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || path.resolve(dir) === FAKES_BIN) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Absolute path of one fake executable, or with FAKES_REAL=1 of the real tool on PATH. */
export function fakeTool(name) {
  if (!REAL) return path.join(FAKES_BIN, name);
  const real = onPath(name);
  if (!real) throw new Error(`FAKES_REAL=1, but there is no ${name} on PATH`);
  return real;
}

/** `PATH` with the fakes first (unchanged with FAKES_REAL=1). */
export function pathWithFakes(pathValue = process.env.PATH ?? '') {
  if (REAL) return pathValue;
  return pathValue ? `${FAKES_BIN}${path.delimiter}${pathValue}` : FAKES_BIN;
}

/** Runs a command to completion. `tool` is a fake's name (envd, buildkitd, buildctl) or a path. */
export function runFake(tool, args = [], options = {}) {
  const file = tool.includes('/') ? tool : fakeTool(tool);
  const env = options.replaceEnv ? { ...options.env } : { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const running = new Set();

/** Whether buildkitd flags (or the config file they name) choose a root: then the helper adds none. */
const choosesRoot = (args) => args.some((a) => /^--?root(=|$)/.test(a));

/**
 * Starts the fake buildkitd and waits until it logs `running server on …`.
 * Like the real one it always locks a root (default /var/lib/buildkit), so unless `args` pass `--root` or
 * the environment sets FAKE_BUILDKITD_DEFAULT_ROOT, it gets a fresh temp root (`daemon.root`), removed
 * once it exited.
 * options: { addr, args, env, bin, readyTimeoutMs, waitReady, root }
 */
export function startBuildkitd(options = {}) {
  const bin = options.bin ?? fakeTool('buildkitd');
  const env = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const tempRoot =
    options.root !== undefined || choosesRoot(options.args ?? []) || env.FAKE_BUILDKITD_DEFAULT_ROOT
      ? undefined
      : fs.mkdtempSync(path.join(os.tmpdir(), 'fake-bk-root-'));
  if (typeof options.root === 'string')
    options = { ...options, args: ['--root', options.root, ...(options.args ?? [])] };
  const args = [
    ...(options.addr ? ['--addr', options.addr] : []),
    ...(tempRoot ? ['--root', tempRoot] : []),
    ...(options.args ?? [])
  ];
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true });
      resolve({ code, signal });
    })
  );
  const daemon = {
    proc: child,
    pid: child.pid,
    root: tempRoot,
    addr: options.addr ?? '',
    socketPath: options.addr?.startsWith('unix://') ? options.addr.slice('unix://'.length) : undefined,
    port: undefined,
    exited,
    logs: () => stderr,
    stdout: () => stdout,
    async stop(signal = 'SIGTERM', graceMs = 3000) {
      running.delete(daemon);
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
  };
  running.add(daemon);
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        daemon.stop('SIGKILL').then(() => reject(err));
      } else resolve(daemon);
    };
    const timer = setTimeout(
      () =>
        finish(
          options.waitReady === false ? undefined : new Error(`fake buildkitd did not get ready in time:\n${stderr}`)
        ),
      options.waitReady === false ? 0 : (options.readyTimeoutMs ?? 30000)
    );
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      // 'started': its signal handlers are installed (it logs its workers after installing them).
      if (options.waitReady === 'started' && /msg="found 1 workers/.test(stderr)) finish();
      const m = /msg="running server on ([^"]+)"/.exec(stderr);
      if (m && !done) {
        const tcp = /^(.*):(\d+)$/.exec(m[1]);
        if (!daemon.socketPath && tcp) {
          daemon.port = Number(tcp[2]);
          daemon.addr = `tcp://${tcp[1].replace(/^0\.0\.0\.0$/, '127.0.0.1')}:${tcp[2]}`;
        }
        finish();
      }
    });
    exited.then(({ code, signal }) =>
      finish(new Error(`fake buildkitd exited (code ${code}, signal ${signal}) before it was ready:\n${stderr}`))
    );
    child.on('error', (e) => finish(e));
  });
}

/** Stops every daemon `startBuildkitd` started and has not stopped yet. */
export async function stopAllBuildkitd() {
  await Promise.all([...running].map((d) => d.stop()));
}

/** Writes a fixed SSH key pair as envd expects it under `<home>/.config/envd/`. Returns the public key text. */
export function writeEnvdKeys(home, keys = {}) {
  const dir = path.join(home, '.config', 'envd');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let { publicKey, privateKey } = keys;
  if (publicKey === undefined || privateKey === undefined) {
    const pair = generateKeyPairSync('ed25519');
    const raw = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x, 'base64url');
    const str = (b) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    publicKey ??= `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')} envd\n`;
    privateKey ??= pair.privateKey.export({ format: 'pem', type: 'pkcs8' });
  }
  fs.writeFileSync(path.join(dir, 'id_rsa_envd'), privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'id_rsa_envd.pub'), publicKey, { mode: 0o644 });
  return publicKey;
}

/** Normalises an image reference as the fake registry does: `domain/path:tag`. */
export function normalizeRef(ref) {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const name = colon > slash ? noDigest.slice(0, colon) : noDigest;
  const tag = colon > slash ? noDigest.slice(colon + 1) : 'latest';
  const first = name.split('/')[0];
  const hasDomain =
    name.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let remote = hasDomain ? name.slice(first.length + 1) : name;
  const domain = hasDomain ? first : 'docker.io';
  if (domain === 'docker.io' && !remote.includes('/')) remote = `library/${remote}`;
  return `${domain}/${remote}:${tag}`;
}

/** The fake registry's directory for one reference under `$FAKE_REGISTRY_ROOT`. */
export function registryDir(root, ref) {
  return path.join(
    root,
    normalizeRef(ref).replace(/[%/:@]/g, (c) => encodeURIComponent(c))
  );
}

/** The file of one S3 object under `$FAKE_S3_ROOT`. */
export function s3Object(root, bucket, key) {
  return path.join(root, bucket, key);
}

/** `sha256:<hex>` of a buffer or string. */
export function digestOf(data) {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The 8-hex ref hash in BuildKit's gha index keys. */
export function ghaRefHash(ref) {
  return createHash('sha256').update(ref).digest('hex').slice(0, 8);
}

/**
 * Parses BuildKit plain progress: one record per `#N` vertex, in order of appearance.
 * status: 'CACHED' | 'DONE' | 'ERROR' | 'RUNNING'.
 */
export function parseProgress(stdout) {
  const vertices = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    // `#0` carries logs of a step not printed yet (envd v1.3.4 pkg/progress/progressui/display.go:576): never a vertex.
    if (n === 0) continue;
    const text = m[2];
    let v = vertices.get(n);
    if (!v) {
      v = { n, name: text, status: 'RUNNING', lines: [] };
      vertices.set(n, v);
      continue;
    }
    if (text === 'CACHED') v.status = 'CACHED';
    else if (/^DONE \d+\.\ds$/.test(text)) v.status = 'DONE';
    else if (text.startsWith('ERROR: ')) {
      v.status = 'ERROR';
      v.error = text.slice('ERROR: '.length);
    } else v.lines.push(text);
  }
  return [...vertices.values()];
}

/**
 * The `error="…"` of envd's final `level=fatal msg=exit` line, unquoted; undefined when there is none.
 * logrus writes the value with Go's %q (strconv.Quote), which is not JSON (`\a`, `\v`, `\x1b`, `\U0001F600`, octal
 * `\101` are Go escapes JSON lacks), so it is read back with Go's strconv.Unquote rules: src/envd/errors.ts goUnquote,
 * the code the action itself uses. A value Go could not unquote (e.g. `\'`, which UnquoteChar refuses inside
 * double quotes) means the tool printed something %q never writes: an error, not a guess.
 */
export function fatalError(stderr) {
  const m = /level=fatal msg=exit .*?error=("(?:[^"\\]|\\.)*"|\S+)/.exec(stderr);
  if (!m) return undefined;
  if (!m[1].startsWith('"')) return m[1];
  const text = goUnquote(m[1]);
  if (text === undefined)
    throw new Error(`envd's fatal line has an error value that is not a Go-quoted string: ${m[1]}`);
  return text;
}
