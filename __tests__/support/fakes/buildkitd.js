#!/usr/bin/env node
'use strict';
// @ts-check
// Fake buildkitd: a test stand-in for moby/buildkit's daemon (see ../README.md).
// Self-contained on purpose: it runs as CommonJS or as ESM (no static imports, no require, no import.meta),
// so the file keeps working when copied anywhere, e.g. into a release tarball or a tool cache.
const BAKED_VERSION = null; // @fake-baked-version: release assets replace this line
const DEFAULT_VERSION = 'v0.32.2';
const GHA_CACHE_VERSION = '693bb7016429d80366022f036f84856888c9f13e00145f5f6f4dce303a38d6f2';
const TWIRP_SERVICE = 'twirp/github.actions.results.api.v1.CacheService/';
const LEGACY_GHA =
  'This legacy service is shutting down, effective April 15, 2025. Migrate to the new service ASAP. For more information: https://gh.io/gha-cache-sunset';

let fs, path, os, net, crypto, http, https, tls, http2, stream, childProcess;

// Shared with the other fakes (one copy: ./shared.mjs), loaded in main(): parseBool, compareVersions, Go's flag parsing.
/** @type {typeof import('./shared.mjs').parseBool} */
let parseBool;
/** @type {typeof import('./shared.mjs').parseGoFlags} */
let parseGoFlags;
/** @type {typeof import('./shared.mjs').UsageError} */
let UsageError;
/** @type {typeof import('./shared.mjs').compareVersions} */
let compareVersions;
/** @type {typeof import('./shared.mjs').goBytes} */
let goBytes;
const SHARED_SOURCE = null; // @fake-shared-source: a copy made to run alone (releases.mjs bakeFake) carries ./shared.mjs here
/** ./shared.mjs from this script's own directory (through the bin/ symlink), or the source a copy carries inline. */
async function loadShared() {
  if (SHARED_SOURCE) return import(`data:text/javascript,${encodeURIComponent(SHARED_SOURCE)}`);
  const file = path.join(path.dirname(fs.realpathSync(process.argv[1])), 'shared.mjs');
  const { pathToFileURL } = await import('node:url');
  try {
    return await import(pathToFileURL(file).href);
  } catch (e) {
    throw new Error(
      `fake buildkitd: cannot load ${file} (copy shared.mjs along with the fake, or make a self-contained copy with bakeFake): ${e && e.message ? e.message : e}`
    );
  }
}

// ---------------------------------------------------------------------------------------------- basics

function sha256hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function toolVersion() {
  if (process.env.FAKE_BUILDKIT_VERSION) return process.env.FAKE_BUILDKIT_VERSION;
  try {
    const v = fs.readFileSync(path.join(path.dirname(path.resolve(process.argv[1])), 'VERSION'), 'utf8').trim();
    if (v) return v;
  } catch {
    // no VERSION file next to the script
  }
  return BAKED_VERSION || DEFAULT_VERSION;
}
const revisionOf = (version) => crypto.createHash('sha1').update(`moby/buildkit ${version}`).digest('hex');

// Go-style durations (time.ParseDuration / Duration.String), milliseconds in JS.
const DURATION_UNITS = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
function parseGoDuration(text) {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m;
  const s = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    matched = re.lastIndex;
  }
  if (!s || matched !== s.length) throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  return text.startsWith('-') ? -total : total;
}
function trimNum(n) {
  return String(Number(n.toFixed(9)));
}
function formatGoDuration(ms) {
  if (ms === 0) return '0s';
  if (ms < 1000) return ms < 1 ? `${trimNum(ms * 1000)}µs` : `${trimNum(ms)}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trimNum(s)}s`;
}

// logrus text/json formatter on stderr.
const LOG = { format: 'text', level: 'info' };
const LEVELS = { trace: 0, debug: 1, info: 2, warning: 3, error: 4, fatal: 5 };
function logValue(v) {
  const s = String(v);
  return /^[A-Za-z0-9\-._/@^+]*$/.test(s) ? s : JSON.stringify(s);
}
function log(level, msg, fields = {}) {
  if (LEVELS[level] < LEVELS[LOG.level]) return;
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (LOG.format === 'json') {
    process.stderr.write(JSON.stringify({ ...fields, level, msg, time }) + '\n');
    return;
  }
  const extra = Object.keys(fields)
    .sort()
    .map((k) => ` ${k}=${logValue(fields[k])}`)
    .join('');
  process.stderr.write(`time=${logValue(time)} level=${level} msg=${logValue(msg)}${extra}\n`);
}

// ---------------------------------------------------------------------------------------- flag parsing

// cmd/buildkitd flags (main.go, main_oci_worker.go, main_containerd_worker.go); urfave/cli v1 adds help and version.
const FLAG_TYPES = {
  config: 'string',
  debug: 'bool',
  trace: 'bool',
  root: 'string',
  addr: 'slice',
  'log-format': 'string',
  group: 'string',
  debugaddr: 'string',
  tlscert: 'string',
  tlskey: 'string',
  tlscacert: 'string',
  'allow-insecure-entitlement': 'slice',
  'otel-socket-path': 'string',
  rootless: 'bool',
  'oci-worker': 'string',
  'oci-worker-labels': 'slice',
  'oci-worker-snapshotter': 'string',
  'oci-worker-proxy-snapshotter-path': 'string',
  'oci-worker-platform': 'slice',
  'oci-worker-net': 'string',
  'oci-cni-config-path': 'string',
  'oci-cni-binary-dir': 'string',
  'oci-cni-pool-size': 'int',
  'oci-worker-binary': 'string',
  'oci-worker-apparmor-profile': 'string',
  'oci-worker-selinux': 'bool',
  'oci-worker-rootless': 'bool',
  'oci-worker-no-process-sandbox': 'bool',
  'oci-worker-gc': 'bool',
  'oci-worker-gc-keepstorage': 'string',
  'containerd-worker': 'string',
  'containerd-worker-addr': 'string',
  'containerd-worker-labels': 'slice',
  'containerd-worker-platform': 'slice',
  'containerd-worker-namespace': 'string',
  'containerd-worker-runtime': 'string',
  'containerd-worker-net': 'string',
  'containerd-cni-config-path': 'string',
  'containerd-cni-binary-dir': 'string',
  'containerd-cni-pool-size': 'int',
  'containerd-worker-snapshotter': 'string',
  'containerd-worker-apparmor-profile': 'string',
  'containerd-worker-selinux': 'bool',
  'containerd-worker-rootless': 'bool',
  'containerd-worker-gc': 'bool',
  'containerd-worker-gc-keepstorage': 'string',
  // added by the v0.31+ releases (main.go:170-256, main_oci_worker.go:124, main_containerd_worker.go:127 at v0.32.2)
  'log-level': 'string',
  'proxy-network': 'bool',
  'cdi-disabled': 'bool',
  'cdi-spec-dir': 'slice',
  'save-cache-debug': 'bool',
  'oci-max-parallelism': 'int',
  'containerd-max-parallelism': 'int',
  help: 'bool',
  version: 'bool'
};
/** @typedef {{ type: string, name?: string }} FlagSpec  a flag's type, and the flag it is an alias of */
/** @type {Record<string, FlagSpec>} */
const FLAGS = Object.fromEntries(Object.entries(FLAG_TYPES).map(([name, type]) => [name, { type }]));
FLAGS.h = { type: 'bool', name: 'help' };
FLAGS.v = { type: 'bool', name: 'version' };

/** BuildKit v0.31.0 moved from urfave/cli v1 to v3 (go.mod), which changed the usage texts. */
const cliV3 = (version) => compareVersions(version, 'v0.31.0') >= 0;

function helpText(version) {
  if (cliV3(version)) {
    return `NAME:
   buildkitd - build daemon

USAGE:
   buildkitd [global options]

VERSION:
   ${version}

GLOBAL OPTIONS:
${Object.keys(FLAG_TYPES)
  .filter((n) => n !== 'help' && n !== 'version' && n !== 'trace')
  .map(
    (n) =>
      `   --${n}${FLAG_TYPES[n] === 'bool' ? '' : FLAG_TYPES[n] === 'int' ? ' int' : FLAG_TYPES[n] === 'slice' ? ` string [ --${n} string ]` : ' string'}`
  )
  .join('\n')}
   --help, -h     show help
   --version, -v  print the version

(fake buildkitd: a test stand-in, see __tests__/support/fakes/README.md)
`;
  }
  return `NAME:
   buildkitd - build daemon

USAGE:
   buildkitd [global options] command [command options] [arguments...]

VERSION:
   ${version}

COMMANDS:
   help, h  Shows a list of commands or help for one command

GLOBAL OPTIONS:
${Object.keys(FLAG_TYPES)
  .filter((n) => n !== 'help' && n !== 'version')
  .map((n) => `   --${n}`)
  .join('\n')}
   --help, -h     show help
   --version, -v  print the version

(fake buildkitd: a test stand-in, see __tests__/support/fakes/README.md)
`;
}

// ------------------------------------------------------------------------------------------ tiny TOML

/** Enough TOML for buildkitd.toml: tables, key = string|bool|number|array; inline tables are accepted and kept raw. */
function parseToml(text) {
  const root = {};
  let table = root;
  const lines = text.split(/\r?\n/);
  const fail = (n, msg) => {
    throw new Error(`toml: line ${n}: ${msg}`);
  };
  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]).trim();
    if (!line) continue;
    const header = /^\[(\[)?\s*((?:[A-Za-z0-9_\- ]|\.|"[^"]*"|'[^']*')+?)\s*\]?\]$/.exec(line);
    if (header) {
      table = root;
      // Dotted keys; a quoted part may hold dots and colons: [registry."127.0.0.1:5000"].
      const keys = [...header[2].matchAll(/"([^"]*)"|'([^']*)'|([^.]+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]).trim());
      for (const [idx, k] of keys.entries()) {
        if (idx === keys.length - 1 && header[1]) {
          const arr = (table[k] ??= []);
          if (!Array.isArray(arr)) fail(i + 1, `key ${k} is not an array of tables`);
          arr.push({});
          table = arr[arr.length - 1];
        } else {
          table[k] ??= {};
          table = Array.isArray(table[k]) ? table[k][table[k].length - 1] : table[k];
        }
        if (typeof table !== 'object' || table === null) fail(i + 1, `key ${k} is not a table`);
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) fail(i + 1, `expected key = value, found ${JSON.stringify(line)}`);
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/^["']|["']$/g, '');
    let raw = line.slice(eq + 1).trim();
    while (depth(raw) > 0 && i + 1 < lines.length) raw += ' ' + stripComment(lines[++i]).trim();
    table[key] = parseTomlValue(raw, () => fail(i + 1, `invalid value ${JSON.stringify(raw)} for key ${key}`));
  }
  return root;
}
function stripComment(line) {
  let inStr = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inStr) {
      if (c === '\\' && inStr === '"') i++;
      else if (c === inStr) inStr = '';
    } else if (c === '"' || c === "'") inStr = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}
function depth(raw) {
  let d = 0;
  let inStr = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inStr) {
      if (c === '\\' && inStr === '"') i++;
      else if (c === inStr) inStr = '';
    } else if (c === '"' || c === "'") inStr = c;
    else if (c === '[' || c === '{') d++;
    else if (c === ']' || c === '}') d--;
  }
  return d;
}
function parseTomlValue(raw, fail) {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^[-+]?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) return Number(raw.replace(/_/g, ''));
  if (/^"([^"\\]|\\.)*"$/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return fail();
    }
  }
  if (/^'[^']*'$/.test(raw)) return raw.slice(1, -1);
  if (raw.startsWith('[') && raw.endsWith(']')) {
    const inner = raw.slice(1, -1).trim();
    if (!inner) return [];
    return splitTop(inner, ',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => parseTomlValue(p, fail));
  }
  if (raw.startsWith('{') && raw.endsWith('}')) return { raw };
  if (/^\d{4}-\d{2}-\d{2}/.test(raw)) return raw;
  return fail();
}
function splitTop(text, sep) {
  const parts = [];
  let d = 0;
  let inStr = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\' && inStr === '"') i++;
      else if (c === inStr) inStr = '';
    } else if (c === '"' || c === "'") inStr = c;
    else if (c === '[' || c === '{') d++;
    else if (c === ']' || c === '}') d--;
    else if (c === sep && d === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// ------------------------------------------------------------------------------------------ the daemon

const STATE = {
  version: DEFAULT_VERSION,
  workerId: '',
  platforms: [],
  labels: {},
  root: '',
  localCache: new Set(),
  noLocalCache: false
};

function defaultPlatforms() {
  return process.arch === 'arm64'
    ? ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6']
    : ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'];
}

function groupToGid(group) {
  if (/^\d+$/.test(group)) return Number(group);
  try {
    for (const line of fs.readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , gid] = line.split(':');
      if (name === group) return Number(gid);
    }
  } catch {
    // no /etc/group
  }
  throw new Error(`group: unknown group ${group}`);
}

/**
 * A Go stack as `%+v` prints a github.com/pkg/errors error (file paths of a release build, whose sources sit under
 * /src): buildkitd prints its error that way (cmd/buildkitd/main.go:487-490 at v0.32.2), so the error line is
 * followed by the frames (observed with buildkitd v0.32.2, e.g. 12 lines after `could not lock …`). The fake's
 * frames are plausible, not the real call sites.
 * @param {string[][]} frames [function, file:line] pairs, innermost first
 */
function goStack(frames) {
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  return [...frames, ['runtime.goexit', `/usr/local/go/src/runtime/asm_${arch}.s:1771`]]
    .map(([fn, at]) => `${fn}\n\t${at}`)
    .join('\n');
}
const RUN_FRAMES = [
  ['main.main.func3', '/src/cmd/buildkitd/main.go:401'],
  ['github.com/urfave/cli/v3.(*Command).run', '/src/vendor/github.com/urfave/cli/v3/command_run.go:365'],
  ['github.com/urfave/cli/v3.(*Command).Run', '/src/vendor/github.com/urfave/cli/v3/command_run.go:93'],
  ['main.main', '/src/cmd/buildkitd/main.go:488'],
  ['runtime.main', '/usr/local/go/src/runtime/proc.go:290']
];

function fatalStart(message) {
  process.stderr.write(`buildkitd: ${message}\n${goStack(RUN_FRAMES)}\n`);
  process.exit(1);
}

async function main() {
  [fs, path, os, net, crypto, http, https, tls, http2, stream, childProcess] = await Promise.all(
    [
      'node:fs',
      'node:path',
      'node:os',
      'node:net',
      'node:crypto',
      'node:http',
      'node:https',
      'node:tls',
      'node:http2',
      'node:stream',
      'node:child_process'
    ].map((m) => import(m))
  );
  ({ parseBool, compareVersions, parseGoFlags, UsageError, goBytes } = await loadShared());
  const version = toolVersion();
  STATE.version = version;
  let flags;
  try {
    flags = parseGoFlags(process.argv.slice(2), FLAGS, cliV3(version) ? 'v3' : 'v1').values;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // urfave/cli v3: the help on stdout, `Incorrect Usage: <msg>` and a blank line on stderr before the error
    // line (observed with buildkitd v0.32.2); v1: `Incorrect Usage. <msg>` heads the help on stdout.
    if (cliV3(version)) {
      process.stdout.write(helpText(version));
      process.stderr.write(`Incorrect Usage: ${e.message}\n\nbuildkitd: ${e.message}\n`);
    } else {
      process.stdout.write(`Incorrect Usage. ${e.message}\n\n${helpText(version)}`);
      process.stderr.write(`buildkitd: ${e.message}\n`);
    }
    process.exit(1);
  }
  if (flags.help) {
    process.stdout.write(helpText(version));
    return;
  }
  if (flags.version) {
    process.stdout.write(`buildkitd github.com/moby/buildkit ${version} ${revisionOf(version)}\n`);
    return;
  }
  if (process.env.FAKE_BUILDKITD_EXIT) {
    const code = Number(process.env.FAKE_BUILDKITD_EXIT);
    process.stderr.write(`buildkitd: fake startup failure (FAKE_BUILDKITD_EXIT=${process.env.FAKE_BUILDKITD_EXIT})\n`);
    process.exit(Number.isInteger(code) && code > 0 && code < 256 ? code : 1);
  }
  if (process.env.FAKE_BUILDKITD_REQUIRE_ROOT === '1' && process.geteuid && process.geteuid() > 0) {
    fatalStart(
      'rootless mode requires to be executed as the mapped root in a user namespace; you may use RootlessKit for setting up the namespace'
    );
  }

  let cfg = {};
  if (flags.config !== undefined) {
    let text;
    try {
      text = fs.readFileSync(flags.config, 'utf8');
    } catch (e) {
      // A config file that does not exist is an empty config (cmd/buildkitd/config/load.go:21-26 at v0.32.2;
      // observed with buildkitd v0.32.2: it starts).
      if (e.code === 'ENOENT') text = '';
      else
        fatalStart(
          `failed to load config from ${flags.config}: open ${flags.config}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`
        );
    }
    try {
      cfg = parseToml(text);
    } catch (e) {
      fatalStart(`failed to parse config: ${e.message}`);
    }
  }
  const grpc = (typeof cfg.grpc === 'object' && cfg.grpc) || {};
  const logCfg = (typeof cfg.log === 'object' && cfg.log) || {};
  const format = flags['log-format'] ?? logCfg.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== '')
    fatalStart(`unsupported log type ${JSON.stringify(format)}`);
  LOG.format = format || 'text';
  if (flags.debug ?? cfg.debug) LOG.level = 'debug';
  if (flags.trace ?? cfg.trace) LOG.level = 'trace';
  const level = String(flags['log-level'] ?? '');
  if (Object.hasOwn(LEVELS, level)) LOG.level = level;
  // Hidden and deprecated from v0.31.0 (main.go:179-183 at v0.32.2; the warning observed with buildkitd v0.32.2).
  if (flags.trace && cliV3(version)) log('warning', '--trace option is deprecated; use --log-level=trace instead');
  if (flags.config !== undefined)
    log('debug', 'loaded config', { path: flags.config, keys: Object.keys(cfg).join(',') });

  const addrs =
    flags.addr ??
    (Array.isArray(grpc.address) && grpc.address.length ? grpc.address : ['unix:///run/buildkit/buildkitd.sock']);
  let gid = typeof grpc.gid === 'number' ? grpc.gid : (process.getgid?.() ?? 0);
  const uid = typeof grpc.uid === 'number' ? grpc.uid : (process.getuid?.() ?? 0);
  if (flags.group) {
    try {
      gid = groupToGid(flags.group);
    } catch (e) {
      fatalStart(e.message);
    }
  }
  /** @type {{ kind: 'unix' | 'tcp', addr: string, path?: string, host?: string, port?: number, bound?: boolean }[]} */
  const listeners = [];
  for (const addr of addrs) {
    const sep = addr.indexOf('://');
    if (sep < 0) fatalStart(`address ${addr} does not contain proto, you meant unix://${addr} ?`);
    const proto = addr.slice(0, sep);
    const rest = addr.slice(sep + 3);
    if (proto === 'unix') listeners.push({ kind: 'unix', path: rest, addr });
    else if (proto === 'tcp') {
      const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(rest);
      if (!m) fatalStart(`address ${rest}: missing port in address`);
      listeners.push({ kind: 'tcp', host: m[1].replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]), addr });
    } else fatalStart(`addr ${addr} not supported`);
  }

  const tlsConfig = serverCredentials(flags, grpc);

  // State directory and its lock, always, as buildkitd does (v0.32.2): an empty root becomes
  // appdefaults.Root = /var/lib/buildkit (util/appdefaults/appdefaults_unix.go:12, applied in
  // cmd/buildkitd/main.go:594-596); --root overrides the config (main.go:658-660); the root is made absolute
  // and created 0700, then <root>/buildkitd.lock is taken with a non-blocking flock, refused with
  // "could not lock …, another instance running?" (main.go:366-392). Two daemons without --root collide.
  // FAKE_BUILDKITD_DEFAULT_ROOT stands in for /var/lib/buildkit, so tests never touch the host's.
  const rootDir =
    flags.root ||
    (typeof cfg.root === 'string' && cfg.root) ||
    process.env.FAKE_BUILDKITD_DEFAULT_ROOT ||
    '/var/lib/buildkit';
  let lockPath;
  {
    STATE.root = path.resolve(rootDir);
    try {
      fs.mkdirSync(STATE.root, { recursive: true, mode: 0o700 });
    } catch (e) {
      fatalStart(
        `failed to create ${STATE.root}: mkdir ${STATE.root}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`
      );
    }
    lockPath = path.join(STATE.root, 'buildkitd.lock');
    try {
      const other = Number(fs.readFileSync(lockPath, 'utf8'));
      if (other && other !== process.pid && alive(other))
        fatalStart(`could not lock ${lockPath}, another instance running?`);
    } catch {
      // no lock file
    }
    fs.writeFileSync(lockPath, String(process.pid));
    try {
      for (const k of JSON.parse(fs.readFileSync(path.join(STATE.root, 'fake-local-cache.json'), 'utf8')))
        STATE.localCache.add(k);
    } catch {
      // fresh state directory
    }
  }
  STATE.noLocalCache = process.env.FAKE_BUILDKITD_NO_LOCAL_CACHE === '1';
  if (process.env.FAKE_BUILDKITD_PIDFILE) fs.writeFileSync(process.env.FAKE_BUILDKITD_PIDFILE, `${process.pid}\n`);

  const ociPlatforms = flags['oci-worker-platform'] ?? cfg.worker?.oci?.platforms;
  STATE.platforms = Array.isArray(ociPlatforms) && ociPlatforms.length ? ociPlatforms : defaultPlatforms();
  STATE.workerId = newId();
  STATE.labels = {
    'org.mobyproject.buildkit.worker.executor': 'oci',
    'org.mobyproject.buildkit.worker.hostname': os.hostname(),
    'org.mobyproject.buildkit.worker.network': 'host',
    'org.mobyproject.buildkit.worker.oci.process-mode': flags['oci-worker-no-process-sandbox']
      ? 'no-sandbox'
      : 'sandbox',
    'org.mobyproject.buildkit.worker.snapshotter': 'overlayfs'
  };

  let stopping = false;
  const servers = [];
  const sockets = new Set();
  const cleanup = () => {
    for (const l of listeners) if (l.kind === 'unix' && l.bound) rmQuiet(l.path);
    if (lockPath) rmQuiet(lockPath);
  };
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log('info', 'stopping server', { signal });
    for (const s of sockets) s.destroy();
    for (const s of servers) s.close();
    cleanup();
    // The signal cancels the app context with this cause, which main returns: exit 1 (util/appcontext/
    // appcontext.go:51-54 and cmd/buildkitd/main.go:453-458 at v0.32.2; observed with buildkitd v0.32.2 for
    // SIGTERM and SIGINT, socket and lock removed).
    process.stderr.write(
      `buildkitd: got SIGTERM/SIGINT, forcing shutdown\n${goStack([['github.com/moby/buildkit/util/appcontext.initContexts.func1.1', '/src/util/appcontext/appcontext.go:53']])}\n`
    );
    process.exit(1);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The worker lines below come after the signal handlers: a test that has seen `found 1 workers` may
  // signal the daemon and gets the orderly stop (the handshake of startBuildkitd({ waitReady: 'started' })).

  log('info', 'auto snapshotter: using overlayfs');
  if (flags['oci-worker-no-process-sandbox'] && !flags.rootless && !flags['oci-worker-rootless']) {
    // A worker error: the listeners exist by then (cmd/buildkitd/main.go:399-416 at v0.32.2), so a unix socket
    // stays behind, unserved; the lock goes (observed with buildkitd v0.32.2, after this warning).
    log(
      'warning',
      'NoProcessSandbox is enabled. Note that NoProcessSandbox allows build containers to kill (and potentially ptrace) an arbitrary process in the BuildKit host namespace. NoProcessSandbox should be enabled only when the BuildKit is running in a container as an unprivileged user.'
    );
    for (const l of listeners) {
      if (l.kind !== 'unix') continue;
      fs.mkdirSync(path.dirname(l.path), { recursive: true, mode: 0o700 });
      rmQuiet(l.path);
      await listen(net.createServer(), { path: l.path });
    }
    if (lockPath) rmQuiet(lockPath);
    fatalStart("can't enable NoProcessSandbox without Rootless");
  }
  log('warning', 'using host network as the default');
  log(
    'info',
    `found worker ${JSON.stringify(STATE.workerId)}, labels=map[${Object.entries(STATE.labels)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ')}], platforms=[${STATE.platforms.join(' ')}]`
  );
  log('info', `found 1 workers, default=${JSON.stringify(STATE.workerId)}`);
  log('warning', 'currently, only the default worker can be used.');

  if (process.env.FAKE_BUILDKITD_NEVER_READY === '1') {
    log('debug', 'FAKE_BUILDKITD_NEVER_READY=1: not listening');
    setInterval(() => {}, 1 << 30);
    return;
  }
  const delay = Number(process.env.FAKE_BUILDKITD_READY_DELAY_MS ?? 0);
  if (delay > 0) await sleep(delay);
  // A gate instead of a delay: listen only once this file exists (tests open it when they are ready).
  const gate = process.env.FAKE_BUILDKITD_READY_WHEN;
  if (gate) {
    log('info', `fake: not listening until ${gate} exists`);
    while (!fs.existsSync(gate) && !stopping) await sleep(20);
  }
  if (stopping) return;

  for (const l of listeners) {
    // TLS on tcp listeners only: a unix socket stays plain, with a warning (getListener, cmd/buildkitd/main.go:760-793 at v0.32.2).
    const secure = tlsConfig && l.kind === 'tcp';
    if (tlsConfig && l.kind === 'unix') log('warning', `TLS is disabled for ${l.addr}`);
    if (!tlsConfig && l.kind === 'tcp')
      log('warning', `TLS is not enabled for ${l.addr}. enabling mutual TLS authentication is highly recommended`);
    const accept = (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      if (secure) serveSecure(socket);
      else serveConnection(socket);
    };
    const server = secure ? tls.createServer(tlsConfig, accept) : net.createServer(accept);
    if (secure) {
      // A client that fails the handshake is dropped, as Go's tls.Listener does; the raw socket is tracked so a stop closes it.
      server.on('connection', (raw) => {
        sockets.add(raw);
        raw.on('close', () => sockets.delete(raw));
      });
      server.on('tlsClientError', (e) => log('debug', 'TLS handshake failed', { error: e.code || e.message }));
    }
    servers.push(server);
    try {
      if (l.kind === 'unix') {
        fs.mkdirSync(path.dirname(l.path), { recursive: true, mode: 0o700 });
        rmQuiet(l.path);
        await listen(server, { path: l.path });
        l.bound = true;
        fs.chmodSync(l.path, 0o660);
        try {
          fs.chownSync(l.path, uid, gid);
        } catch (e) {
          throw new Error(`chown ${l.path}: ${e.code === 'EPERM' ? 'operation not permitted' : e.message}`);
        }
        log('info', `running server on ${l.path}`);
      } else {
        await listen(server, { host: l.host, port: l.port });
        const a = server.address();
        log('info', `running server on ${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
      }
    } catch (e) {
      cleanup();
      fatalStart(
        e.message.startsWith('chown')
          ? e.message
          : `listen ${l.kind} ${l.kind === 'unix' ? l.path : `${l.host}:${l.port}`}: bind: ${netMessage(e)}`
      );
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
function rmQuiet(p) {
  try {
    fs.unlinkSync(p);
  } catch {
    // already gone
  }
}
function listen(server, options) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
function netMessage(e) {
  return (
    {
      EADDRINUSE: 'address already in use',
      EACCES: 'permission denied',
      ENOENT: 'no such file or directory',
      ECONNREFUSED: 'connection refused',
      EADDRNOTAVAIL: 'cannot assign requested address'
    }[e.code] ?? e.message
  );
}

// ------------------------------------------------------------------------------------ socket protocol

/** One JSON request per line; answers `{id, result}` / `{id, error}`; `solve` streams `{id, event}` lines first. */
/**
 * The TLS settings buildkitd listens with (serverCredentials, cmd/buildkitd/main.go:813-848 at v0.32.2): none
 * without a certificate and key; one without the other is an error; the key pair and the CA are read from
 * files; with a CA, client certificates are required and verified against it (tls.RequireAndVerifyClientCert).
 * ALPN offers h2. The flags override the config's [grpc.tls] (main.go:709-717).
 */
function serverCredentials(flags, grpc) {
  const conf = (typeof grpc.tls === 'object' && grpc.tls) || {};
  const cert = flags.tlscert || conf.cert || '';
  const key = flags.tlskey || conf.key || '';
  const ca = flags.tlscacert || conf.ca || '';
  if (!cert && !key) return undefined;
  if (!cert || !key) fatalStart('you must specify key and cert file if one is specified');
  const options = { ALPNProtocols: ['h2'] };
  try {
    options.cert = fs.readFileSync(cert);
    options.key = fs.readFileSync(key);
    tls.createSecureContext({ cert: options.cert, key: options.key });
  } catch (e) {
    fatalStart(
      `could not load server key pair: ${e.code === 'ENOENT' ? `open ${e.path}: no such file or directory` : e.message}`
    );
  }
  if (ca) {
    try {
      options.ca = fs.readFileSync(ca);
    } catch (e) {
      fatalStart(
        `could not read ca certificate: open ${ca}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`
      );
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(String(options.ca))) fatalStart('failed to append ca cert');
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}

/**
 * A connection on a TLS listener. Real buildkitd serves gRPC on it; this stand-in answers the one call the
 * action makes in-process, Control.ListWorkers over HTTP/2 (api/services/control/control.proto at v0.32.2),
 * and otherwise speaks its own newline-delimited JSON, as on its plain listeners (envd and buildctl here are
 * stand-ins too). Which one is told by the first bytes: the HTTP/2 client preface, or not.
 */
function serveSecure(socket) {
  socket.on('error', () => {});
  socket.once('data', (first) => {
    socket.pause();
    if (!first.toString('latin1').startsWith('PRI * HTTP/2.0')) {
      socket.unshift(first);
      serveConnection(socket);
      socket.resume();
      return;
    }
    // The bytes already read go first; http2 takes any duplex stream as its connection.
    const duplex = new stream.Duplex({
      read() {},
      write(chunk, _enc, cb) {
        socket.write(chunk, cb);
      },
      final(cb) {
        socket.end();
        cb();
      },
      destroy(err, cb) {
        socket.destroy();
        cb(err);
      }
    });
    duplex.push(first);
    socket.on('data', (c) => duplex.push(c));
    socket.on('end', () => duplex.push(null));
    socket.on('close', () => duplex.destroy());
    socket.resume();
    grpcServer().emit('connection', duplex);
  });
}

let grpcServerOnce;
/** An HTTP/2 server for the gRPC calls the stand-in answers (ListWorkers); anything else is UNIMPLEMENTED, as grpc-go says it. */
function grpcServer() {
  if (grpcServerOnce) return grpcServerOnce;
  grpcServerOnce = http2.createServer();
  grpcServerOnce.on('stream', (s, headers) => {
    s.on('error', () => {});
    s.on('data', () => {});
    s.on('end', () => {
      const method = String(headers[':path'] ?? '');
      if (method !== '/moby.buildkit.v1.Control/ListWorkers') {
        const [, service = '', name = ''] = /^\/([^/]*)\/(.*)$/.exec(method) ?? [];
        s.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': '12',
            'grpc-message': encodeURIComponent(`unknown method ${name} for service ${service}`)
          },
          { endStream: true }
        );
        return;
      }
      // ListWorkersResponse{record: [WorkerRecord{ID}]}: field 1 (bytes) holding field 1 (string).
      const id = Buffer.from(STATE.workerId);
      const record = Buffer.concat([Buffer.from([0x0a, id.length]), id]);
      const message = Buffer.concat([Buffer.from([0x0a, record.length]), record]);
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
      s.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      s.on('wantTrailers', () => s.sendTrailers({ 'grpc-status': '0' }));
      s.end(frame);
    });
  });
  return grpcServerOnce;
}

function serveConnection(socket) {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  const send = (obj) => {
    if (!socket.destroyed && socket.writable) socket.write(JSON.stringify(obj) + '\n');
  };
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) handle(line).catch((e) => log('error', 'request failed', { error: e.message }));
    }
  });
  async function handle(line) {
    let req;
    try {
      req = JSON.parse(line);
    } catch {
      send({ error: 'malformed request: the fake buildkitd speaks newline-delimited JSON, not gRPC' });
      socket.end();
      return;
    }
    const id = req.id ?? null;
    switch (req.method) {
      case 'version':
        return send({
          id,
          result: {
            package: 'github.com/moby/buildkit',
            version: STATE.version,
            revision: revisionOf(STATE.version),
            dockerfileVersion: '1.26.0'
          }
        });
      case 'workers':
        return send({
          id,
          result: { workers: [{ id: STATE.workerId, platforms: STATE.platforms, labels: STATE.labels }] }
        });
      case 'solve': {
        log('debug', 'session started', { spanID: id });
        try {
          const emit = Object.assign((/** @type {any} */ event) => send({ id, event }), {
            closed: () => socket.destroyed
          });
          const result = await solve(req.params ?? {}, emit);
          send({ id, result });
        } catch (e) {
          if (!(e instanceof SolveError))
            log('error', '/moby.buildkit.v1.Control/Solve returned error', { error: e.message });
          send({ id, error: e.message });
        }
        return;
      }
      case 'du':
        return send({ id, result: { records: diskUsage() } });
      case 'build': {
        // buildctl build: the Dockerfile frontend (see "cache mounts and the Dockerfile frontend" below).
        try {
          const emit = (/** @type {any} */ event) => send({ id, event });
          send({ id, result: await solveDockerfile(req.params ?? {}, emit) });
        } catch (e) {
          send({ id, error: e.message });
        }
        return;
      }
      default:
        return send({ id, error: `unknown method ${JSON.stringify(req.method)}` });
    }
  }
}

// ------------------------------------------------------------------------------------ the build model

class SolveError extends Error {}
class NotFoundError extends Error {}
// BuildKit v0.32.2 wraps containerd's ErrNotFound as `blob <digest>`, which prints `blob sha256:<hex>: not found`
// (cache/remotecache/gha/gha.go:593 and :618, errors.Wrapf(cerrdefs.ErrNotFound, "blob %s", …)).
const notFound = (digest) => new NotFoundError(`blob ${digest}: not found`);

/** The layer blob a step produces: deterministic bytes derived from its cache key. */
function blobFor(step) {
  const seed = crypto.createHash('sha256').update(step.key).digest();
  const head = `fake layer\nstep: ${step.name}\ncache key: ${step.key}\n`;
  const pad = seed
    .toString('hex')
    .repeat(8)
    .slice(0, 96 + seed[0]);
  const data = Buffer.from(head + pad + '\n');
  return { data, digest: `sha256:${sha256hex(data)}`, size: data.length };
}
/**
 * The cache config BuildKit writes (cache/remotecache/v1/types/spec.go at v0.32.2; observed with buildkitd v0.32.2
 * in a gha index): `layers[]` = {blob, parent (index of the layer below, omitted when 0, -1 for none),
 * annotations {mediaType, diffID, size, createdAt}}, `records[]` = {layers: [{layer, createdAt}], digest (the
 * step's cache key), inputs: [[{link}]] (one group per parent record)}. Both sorted, layers by blob and records by
 * digest, as the real one sorts them. Here every step has one layer whose parent is its first parent's layer.
 * @param {{key: string, parents?: string[]}[]} steps
 */
function cacheConfig(steps) {
  const exported = new Map(steps.map((s) => [s.key, s]));
  const blobs = new Map(steps.map((s) => [s.key, blobFor(s)]));
  const layerOrder = [...new Set(steps.map((s) => blobs.get(s.key).digest))].sort();
  const layerIndex = (key) => layerOrder.indexOf(blobs.get(key).digest);
  const recordOrder = [...exported.keys()].sort();
  // Real: the layer's creation time, carried along when a layer comes back from a cache, so an export of unchanged
  // layers writes the same times. Here a stable time per blob.
  const createdAt = (digest) => new Date(Date.UTC(2026, 0, 1) + parseInt(digest.slice(7, 15), 16) * 1000).toISOString();
  const layers = layerOrder.map(() => ({}));
  for (const s of steps) {
    const b = blobs.get(s.key);
    const below = (s.parents ?? []).find((p) => exported.has(p));
    const parent = below === undefined ? -1 : layerIndex(below);
    layers[layerIndex(s.key)] = {
      blob: b.digest,
      ...(parent !== 0 ? { parent } : {}),
      annotations: {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        diffID: `sha256:${sha256hex(Buffer.concat([Buffer.from('diff\n'), b.data]))}`,
        size: b.size,
        createdAt: createdAt(b.digest)
      }
    };
  }
  const records = recordOrder.map((key) => {
    const links = (exported.get(key).parents ?? [])
      .filter((p) => exported.has(p))
      .map((p) => [{ link: recordOrder.indexOf(p) }]);
    return {
      layers: [{ layer: layerIndex(key), createdAt: createdAt(blobs.get(key).digest) }],
      digest: key,
      ...(links.length ? { inputs: links } : {})
    };
  });
  return { layers, records };
}
/**
 * The steps a cache config holds: each record's key with the blob of its layer.
 * @returns {{key: string, blob: string, size: number}[]}
 */
function stepsOf(config) {
  if (!config || !Array.isArray(config.layers) || !Array.isArray(config.records))
    throw new Error('invalid cache config: no layers and records');
  const steps = [];
  for (const r of config.records) {
    const l = config.layers[r?.layers?.[0]?.layer];
    if (typeof r?.digest === 'string' && typeof l?.blob === 'string')
      steps.push({ key: r.digest, blob: l.blob, size: l.annotations?.size ?? 0 });
  }
  return steps;
}

function truthy(v, fallback) {
  if (v === undefined) return fallback;
  if (v === '') return true;
  const b = parseBool(v);
  return b === undefined ? fallback : b;
}

/** `gha:<uint64>`-style id for the importing vertex, from a hash of all attributes (as BuildKit does). */
function importerId(entry) {
  if (entry.type === 'registry' && entry.attrs.ref) return entry.attrs.ref;
  const sorted = Object.keys(entry.attrs)
    .sort()
    .map((k) => [k, entry.attrs[k]]);
  const h = crypto.createHash('sha256').update(JSON.stringify(sorted)).digest();
  return `${entry.type}:${h.readBigUInt64BE(0).toString()}`;
}

// ------------------------------------------------------------------------------------------- registry

function registryRoot() {
  const r = process.env.FAKE_REGISTRY_ROOT;
  if (!r) throw new Error("fake registry unreachable: FAKE_REGISTRY_ROOT is not set in buildkitd's environment");
  return r;
}
/** docker reference normalisation: `name[:tag]` → `domain/path:tag` (docker.io/library for short names). */
function normalizeRef(ref) {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  let name = noDigest;
  let tag = 'latest';
  if (colon > slash) {
    name = noDigest.slice(0, colon);
    tag = noDigest.slice(colon + 1);
  }
  const first = name.split('/')[0];
  let domain = 'docker.io';
  let remote = name;
  if (
    name.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    domain = first;
    remote = name.slice(first.length + 1);
  }
  if (!name || !tag) throw new Error('invalid reference format');
  if (
    domain !== 'docker.io' &&
    !/^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$/.test(
      domain
    )
  ) {
    throw new Error('invalid reference format');
  }
  if (remote !== remote.toLowerCase()) throw new Error('invalid reference format: repository name must be lowercase');
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(remote))
    throw new Error('invalid reference format');
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new Error('invalid reference format');
  if (domain === 'docker.io' && !remote.includes('/')) remote = `library/${remote}`;
  return `${domain}/${remote}:${tag}`;
}
/** The directory of one reference: `%`, `/`, `:` and `@` percent-encoded. */
function refDir(root, normalized) {
  return path.join(
    root,
    normalized.replace(/[%/:@]/g, (c) => encodeURIComponent(c))
  );
}
function writeBlobs(dir, steps) {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const written = [];
  for (const s of steps) {
    const b = blobFor(s);
    const file = path.join(blobs, b.digest.slice(7));
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, b.data);
      written.push(b.digest);
    }
  }
  return written;
}
function fileBlobSource(dir) {
  return (digest) => {
    const file = path.join(dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
    if (!fs.existsSync(file)) throw notFound(digest);
    return fs.readFileSync(file);
  };
}

function validateRemoteExportAttrs(attrs, version) {
  const a = attrs;
  for (const k of ['oci-mediatypes', 'image-manifest']) {
    if (a[k] !== undefined && parseBool(a[k]) === undefined)
      throw new Error(`failed to parse ${k}: strconv.ParseBool: parsing ${JSON.stringify(a[k])}: invalid syntax`);
  }
  if (a.compression !== undefined && !['uncompressed', 'gzip', 'estargz', 'zstd'].includes(a.compression))
    throw new Error(`unsupported compression type ${a.compression}`);
  if (a['compression-level'] !== undefined && !/^-?\d+$/.test(a['compression-level']))
    throw new Error(`non-integer value ${a['compression-level']} specified for compression-level`);
  if (
    a['force-compression'] !== undefined &&
    a['force-compression'] !== '' &&
    parseBool(a['force-compression']) === undefined
  ) {
    throw new Error(`non-bool value ${a['force-compression']} specified for force-compression`);
  }
  const oci = a['oci-mediatypes'] === undefined ? true : parseBool(a['oci-mediatypes']);
  const newer = compareVersions(version, 'v0.22.0') >= 0;
  const imageManifestDefault = compareVersions(version, 'v0.21.0') >= 0 && (oci || !newer);
  const imageManifest = a['image-manifest'] === undefined ? imageManifestDefault : parseBool(a['image-manifest']);
  if (imageManifest && !oci) {
    throw new Error(
      newer
        ? 'invalid configuration for remote cache, OCI mediatypes are required for image-manifest cache format'
        : 'invalid configuration for remote cache'
    );
  }
  return { imageManifest };
}

// ------------------------------------------------------------------------------------------------ s3

function s3Config(attrs, version) {
  const bucket = attrs.bucket ?? process.env.AWS_BUCKET;
  if (!bucket) throw new Error('bucket ($AWS_BUCKET) not set for s3 cache');
  const region = attrs.region ?? process.env.AWS_REGION;
  if (!region) throw new Error('region ($AWS_REGION) not set for s3 cache');
  if (
    attrs.upload_parallelism !== undefined &&
    !(/^\d+$/.test(attrs.upload_parallelism) && Number(attrs.upload_parallelism) > 0)
  ) {
    throw new Error('upload_parallelism must be a positive integer');
  }
  if (compareVersions(version, 'v0.30.0') >= 0) {
    if (attrs.retry_mode !== undefined && !['standard', 'adaptive'].includes(attrs.retry_mode))
      throw new Error('retry_mode must be "standard" or "adaptive"');
    if (
      attrs.retry_max_attempts !== undefined &&
      !(/^\d+$/.test(attrs.retry_max_attempts) && Number(attrs.retry_max_attempts) >= 1)
    ) {
      throw new Error('retry_max_attempts must be a positive integer');
    }
  }
  return {
    bucket,
    region,
    prefix: attrs.prefix ?? '',
    blobsPrefix: attrs.blobs_prefix ?? 'blobs/',
    manifestsPrefix: attrs.manifests_prefix ?? 'manifests/',
    names: (attrs.name ?? 'buildkit').split(';').filter((n) => n !== '')
  };
}
function s3Root() {
  const r = process.env.FAKE_S3_ROOT;
  if (!r)
    throw new Error("operation error S3: fake S3 unreachable: FAKE_S3_ROOT is not set in buildkitd's environment");
  return r;
}
function s3Path(cfg, key) {
  return path.join(s3Root(), cfg.bucket, key);
}
function s3BlobKey(cfg, digest) {
  return `${cfg.prefix}${cfg.blobsPrefix}${digest}`;
}

// ------------------------------------------------------------------------------------------------ gha

function decodeRuntimeToken(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token contains an invalid number of segments');
  let claims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new Error('could not JSON decode claim: invalid character');
  }
  if (claims.ac === undefined) throw new Error('invalid token without access controls');
  let scopes;
  try {
    scopes = typeof claims.ac === 'string' ? JSON.parse(claims.ac) : claims.ac;
  } catch {
    throw new Error('invalid token access controls');
  }
  if (!Array.isArray(scopes)) throw new Error('invalid token access controls');
  return scopes
    .filter((s) => s && typeof s.Scope === 'string')
    .map((s) => ({ Scope: s.Scope, Permission: Number(s.Permission) || 0 }));
}

function ghaConfig(attrs, version) {
  if (compareVersions(version, 'v0.9.0') < 0) return { unknown: true };
  const scope = attrs.scope ?? 'buildkit';
  if (compareVersions(version, 'v0.20.0') < 0) {
    // v1-only BuildKit: url_v2 and version are unknown attributes.
    if (!attrs.url) throw new Error('url not set for github actions cache');
    if (!attrs.token) throw new Error('token not set for github actions cache');
    return {
      scope,
      token: attrs.token,
      scopes: decodeRuntimeToken(attrs.token),
      api: 1,
      url: attrs.url,
      timeoutMs: 300000
    };
  }
  if (!attrs.token) throw new Error('token not set for github actions cache');
  let apiVersion = 0;
  if (attrs.version !== undefined) {
    if (!/^\d+$/.test(attrs.version) || Number(attrs.version) <= 0)
      throw new Error(`failed to parse api version ${JSON.stringify(attrs.version)}, expected positive integer`);
    apiVersion = Number(attrs.version);
  }
  let api;
  let url;
  if (attrs.url_v2 && apiVersion !== 1) {
    api = 2;
    url = attrs.url_v2;
  } else if (attrs.url) {
    url = attrs.url;
    api = apiVersion === 2 || url.includes('results-receiver.actions.githubusercontent.com') ? 2 : 1;
  } else throw new Error('url not set for github actions cache');
  let timeoutMs = compareVersions(version, 'v0.13.0') >= 0 ? 600000 : 300000;
  if (attrs.timeout !== undefined && compareVersions(version, 'v0.13.0') >= 0) {
    try {
      timeoutMs = parseGoDuration(attrs.timeout);
    } catch (e) {
      throw new Error(`failed to parse timeout for github actions cache: ${e.message}`);
    }
  }
  return {
    scope,
    token: attrs.token,
    scopes: decodeRuntimeToken(attrs.token),
    api,
    url: url.endsWith('/') ? url : `${url}/`,
    timeoutMs
  };
}
const indexKey = (scope, ref) => `index-${scope}-1-${sha256hex(ref).slice(0, 8)}`;
// The storage API version BuildKit's Azure client sends (vendored azblob v1.5.0; observed with buildkitd v0.32.2:
// `x-ms-version: 2024-11-04`, user agent `azsdk-go-azblob/v1.5.0`).
const AZURE_API_VERSION = '2024-11-04';

class GhaClient {
  constructor(cfg) {
    this.cfg = cfg;
    this.backoff = 1000;
  }
  async twirp(method, body) {
    if (this.cfg.api === 1) throw new Error(LEGACY_GHA);
    const url = `${this.cfg.url}${TWIRP_SERVICE}${method}`;
    const deadline = Date.now() + this.cfg.timeoutMs;
    for (;;) {
      let res;
      try {
        res = await httpRequest(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.cfg.token}` },
          body: JSON.stringify(body)
        });
      } catch (e) {
        throw new Error(`Post ${JSON.stringify(url)}: ${fetchCause(e)}`);
      }
      const text = res.body.toString('utf8');
      if (res.status === 429) {
        const retryAfter =
          compareVersions(STATE.version, 'v0.27.0') >= 0 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
        const delay = retryAfter ?? this.backoff;
        if (retryAfter === undefined) this.backoff = Math.min(this.backoff * 2, 90000);
        if (Date.now() + delay > deadline) {
          throw new Error(
            retryAfter !== undefined
              ? `requested delay ${trimNum(delay / 1000)}s exceeds maximum timeout ${formatGoDuration(this.cfg.timeoutMs)}`
              : 'maximum timeout reached'
          );
        }
        log('debug', 'github actions cache: rate limited, retrying', { delay: formatGoDuration(delay) });
        await sleep(delay);
        continue;
      }
      let json;
      try {
        json = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        json = undefined;
      }
      if (res.status < 200 || res.status >= 300) {
        // go-actions-cache reads `code` and `message`; twirp sends `msg`, so only the code survives.
        const err = /** @type {Error & { twirpCode?: string }} */ (
          new Error(json?.message || json?.code || `unexpected status ${res.status}`)
        );
        err.twirpCode = json?.code;
        throw err;
      }
      if (!json) throw new Error(`failed to decode ${method} response`);
      return json;
    }
  }
  async lookup(key) {
    const res = await this.twirp('GetCacheEntryDownloadURL', { key, restore_keys: [key], version: GHA_CACHE_VERSION });
    return res.ok ? { url: res.signed_download_url, key: res.matched_key } : null;
  }
  async reserve(key) {
    let created;
    try {
      created = await this.twirp('CreateCacheEntry', { key, version: GHA_CACHE_VERSION });
    } catch (e) {
      if (e.twirpCode === 'already_exists') e.exists = true;
      throw e;
    }
    if (!created.ok) throw new Error('failed to reserve cache');
    return { url: created.signed_upload_url };
  }
  async commit(key, size) {
    const fin = await this.twirp('FinalizeCacheEntryUpload', { key, version: GHA_CACHE_VERSION, size_bytes: size });
    if (!fin.ok) throw new Error('failed to commit cache');
  }
  async save(key, data) {
    const { url } = await this.reserve(key);
    await this.upload(url, data);
    await this.commit(key, data.length);
  }
  async upload(url, data) {
    let last;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await httpRequest(url, {
          method: 'PUT',
          headers: {
            'x-ms-blob-type': 'BlockBlob',
            'x-ms-version': AZURE_API_VERSION,
            'content-type': 'application/octet-stream'
          },
          body: data
        });
        if (res.status === 201) return;
        last = new Error(
          `PUT ${url.split('?')[0]}: RESPONSE ${res.status}: ${res.headers.get('x-ms-error-code') ?? res.statusText}`
        );
        if (res.status < 500 && res.status !== 429) throw last;
      } catch (e) {
        if (e === last) throw e;
        last = new Error(`PUT ${url.split('?')[0]}: ${fetchCause(e)}`);
      }
      await sleep(50 * attempt);
    }
    throw last;
  }
  async download(url) {
    let res;
    try {
      res = await httpRequest(url, { headers: { 'x-ms-version': AZURE_API_VERSION } });
    } catch (e) {
      if (e instanceof ShortReadError) throw e;
      throw new Error(`GET ${url.split('?')[0]}: ${fetchCause(e)}`);
    }
    const body = res.body;
    if (res.status === 200 || res.status === 206) return { status: res.status, body };
    return { status: res.status, statusText: res.statusText, code: res.headers.get('x-ms-error-code') ?? '', body };
  }
  /** Whether the blob's entry is there (a lookup, as BuildKit makes when it loads a cached result). */
  async exists(digest) {
    return (await this.lookup(`buildkit-blob-1-${digest}`)) !== null;
  }
  async blob(digest) {
    const key = `buildkit-blob-1-${digest}`;
    const reload = compareVersions(STATE.version, 'v0.23.2') >= 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      const hit = await this.lookup(key);
      if (!hit) throw notFound(digest);
      const got = await this.download(hit.url);
      if (got.status === 200 || got.status === 206) return got.body;
      if (got.status === 404) throw new Error(azureResponseError('GET', hit.url, got));
      if ((got.status === 401 || got.status === 403) && reload && attempt === 0) continue;
      throw new Error(`invalid status response ${got.status} ${got.code}`.trim());
    }
    throw new Error(`failed to read blob ${digest}`);
  }
}
/**
 * How a blob download that the storage refused reads in BuildKit v0.32.2 (azcore's ResponseError, wrapped by
 * containerd's copy; observed with buildkitd v0.32.2 for an entry whose blob answered 404 BlobNotFound):
 * `failed to copy: GET <url without its query>`, then the status, the error code and the body between lines of
 * 80 dashes.
 * @param {string} method
 * @param {string} url
 * @param {{status: number, statusText?: string, code?: string, body: Buffer}} got
 */
function azureResponseError(method, url, got) {
  const rule = '-'.repeat(80);
  return `failed to copy: ${method} ${url.split('?')[0]}\n${rule}\nRESPONSE ${got.status}: ${got.status} ${got.statusText ?? ''}\nERROR CODE: ${got.code ?? ''}\n${rule}\n${got.body.toString('utf8')}\n${rule}\n`;
}
const AGENTS = {};
/** @typedef {{ method?: string, headers?: Record<string, string>, body?: string | Buffer }} HttpOptions */
/**
 * A small HTTP client over node:http(s) with keep-alive: {status, statusText, headers: Map-like get(), body: Buffer}.
 * @param {string} url
 * @param {HttpOptions} [options]
 */
function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const agent = (AGENTS[u.protocol] ??= new mod.Agent({ keepAlive: true }));
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const req = mod.request(
      u,
      { method, agent, headers: { ...headers, ...(data ? { 'content-length': String(data.length) } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        // The connection dropped before the body's Content-Length was read: a short read (ShortReadError).
        res.on('error', (e) => {
          const expected = Number(res.headers['content-length']);
          const got = chunks.reduce((n, c) => n + c.length, 0);
          reject(Number.isFinite(expected) && got < expected ? new ShortReadError(expected, got) : e);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: { get: (name) => res.headers[name.toLowerCase()] ?? null },
            body: Buffer.concat(chunks)
          })
        );
      }
    );
    req.on('error', (e) => reject(Object.assign(new Error(e.message), { cause: e })));
    req.end(data);
  });
}

/**
 * A body cut short. containerd's content.Copy, which BuildKit v0.32.2 reads every remote blob through, reports it
 * as `short read: expected <size> bytes but got <copied>: unexpected EOF`
 * (vendor/github.com/containerd/containerd/v2/core/content/helpers.go:219-221); seen with buildkitd v0.32.2 behind
 * a proxy that cut a layer's body in half (`exporting to oci image format failed: short read: expected 524594
 * bytes but got 400384: unexpected EOF`, issue 21).
 */
class ShortReadError extends Error {
  constructor(expected, got) {
    super(`short read: expected ${expected} bytes but got ${got}: unexpected EOF`);
    this.shortRead = true;
  }
}

function parseRetryAfter(value) {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
function fetchCause(e) {
  const c = e.cause ?? e;
  if (c.code === 'ECONNREFUSED')
    return `dial tcp ${c.address ?? ''}${c.port ? `:${c.port}` : ''}: connect: connection refused`;
  if (c.code === 'ECONNRESET' || c.code === 'UND_ERR_SOCKET') return 'connection reset by peer';
  return c.message ?? String(c);
}

/** Reads a cache manifest and its config over the distribution API; returns [steps, blob fetcher]. */
async function loadFromHttpRegistry(ref) {
  const m = /^([^/]+)\/(.+?)(?::([\w][\w.-]*))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(ref);
  if (!m) throw new Error(`invalid reference format: ${ref}`);
  const [, host, repo, tag, digest] = m;
  const base = `http://${host}/v2/${repo}`;
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';
  let res;
  try {
    res = await httpRequest(`${base}/manifests/${digest ?? tag ?? 'latest'}`, { headers: { accept } });
  } catch (e) {
    throw new Error(`failed to do request: Head "${base}/manifests/${tag}": ${fetchCause(e)}`);
  }
  if (res.status === 404) throw new Error(`${ref}: not found`);
  if (res.status !== 200)
    throw new Error(`unexpected status from GET request to ${base}/manifests/${tag}: ${res.status}`);
  const manifest = JSON.parse(res.body.toString('utf8'));
  const descriptors = manifest.config ? [manifest.config] : (manifest.manifests ?? []);
  const config = descriptors.find((d) => d.mediaType === 'application/vnd.buildkit.cacheconfig.v0');
  if (!config) throw new Error(`${ref}: not a cache manifest`);
  const blob = async (d) => {
    const got = await httpRequest(`${base}/blobs/${d}`);
    if (got.status === 404) throw notFound(d);
    if (got.status !== 200) throw new Error(`unexpected status ${got.status} for blob ${d}`);
    if (`sha256:${sha256hex(got.body)}` !== d) throw new Error(`digest mismatch for blob ${d}`);
    return got.body;
  };
  return [stepsOf(JSON.parse((await blob(config.digest)).toString('utf8'))), blob];
}

// ------------------------------------------------------------------------------------------ importers

/** Resolves one import entry into `Map<step key, {blob, size, fetch}>`. Any error is soft (the caller shows it). */
async function loadImporter(entry) {
  const { type, attrs } = entry;
  const found = new Map();
  /** `exists` (gha): a lookup without the download; the download then waits for the output exporter. */
  const addAll = (steps, fetchBlob, exists) => {
    for (const s of steps) {
      if (!found.has(s.key))
        found.set(s.key, {
          blob: s.blob,
          size: s.size,
          fetch: () => fetchBlob(s.blob),
          ...(exists ? { exists: () => exists(s.blob) } : {})
        });
    }
  };
  switch (type) {
    case 'gha': {
      const cfg = ghaConfig(attrs, STATE.version);
      if (cfg.unknown) throw new Error('unknown cache importer: gha');
      const client = new GhaClient(cfg);
      if (cfg.api === 1) throw new Error(LEGACY_GHA);
      const refs = [...new Set(cfg.scopes.map((s) => s.Scope))];
      const configs = await Promise.all(
        refs.map(async (ref) => {
          // The import loads the bare index key; the service's prefix match returns the newest `#n`
          // (cache/remotecache/gha/gha.go:486-488 at v0.32.2; observed: `index-<scope>-1-<hash>`, no `#`).
          const hit = await client.lookup(indexKey(cfg.scope, ref));
          if (!hit) return null;
          const got = await client.download(hit.url);
          if (got.status !== 200 && got.status !== 206)
            throw new Error(`invalid status response ${got.status} ${got.code}`.trim());
          return JSON.parse(got.body.toString('utf8'));
        })
      );
      for (const c of configs)
        if (c)
          addAll(
            stepsOf(c),
            (digest) => client.blob(digest),
            (digest) => client.exists(digest)
          );
      return found;
    }
    case 'registry': {
      if (!attrs.ref) throw new Error('missing ref');
      // A plain-HTTP registry (registry.insecure=true) is read over the OCI distribution API, as BuildKit does.
      if (truthy(attrs['registry.insecure'], false)) {
        addAll(...(await loadFromHttpRegistry(attrs.ref)));
        return found;
      }
      const normalized = normalizeRef(attrs.ref);
      const dir = refDir(registryRoot(), normalized);
      let manifest;
      try {
        manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      } catch {
        throw new Error(`${attrs.ref}: not found`);
      }
      const steps =
        manifest.kind === 'image'
          ? manifest.inlineCache
            ? stepsOf(manifest.inlineCache)
            : []
          : stepsOf(manifest.cache);
      addAll(steps, fileBlobSource(dir));
      return found;
    }
    case 'local': {
      // envd #1391: envd's client attaches no content store for local imports.
      if (!attrs.digest) throw new Error('local cache importer requires explicit digest');
      throw new Error('Unimplemented: unknown service containerd.services.content.v1.Content');
    }
    case 's3': {
      if (compareVersions(STATE.version, 'v0.11.0') < 0) throw new Error('unknown cache importer: s3');
      const cfg = s3Config(attrs, STATE.version);
      const name = cfg.names[0] ?? 'buildkit';
      const file = s3Path(cfg, `${cfg.prefix}${cfg.manifestsPrefix}${name}`);
      if (!fs.existsSync(file)) return found;
      addAll(stepsOf(JSON.parse(fs.readFileSync(file, 'utf8'))), (digest) => {
        const blob = s3Path(cfg, s3BlobKey(cfg, digest));
        if (!fs.existsSync(blob)) throw notFound(digest);
        return fs.readFileSync(blob);
      });
      return found;
    }
    case 'azblob':
      if (!attrs.account_url && !process.env.BUILDKIT_AZURE_STORAGE_ACCOUNT_URL) {
        throw new Error(
          'either ${BUILDKIT_AZURE_STORAGE_ACCOUNT_URL} or account_url attribute is required for azblob cache'
        );
      }
      throw new Error('fake buildkitd does not emulate azblob storage');
    default:
      throw new Error(`unknown cache importer: ${type}`);
  }
}

// ------------------------------------------------------------------------------------------ exporters

const EXPORT_VERTEX = {
  gha: 'exporting to GitHub Actions Cache',
  registry: 'exporting cache to registry',
  local: 'exporting cache to client directory',
  s3: 'exporting cache to Amazon S3',
  azblob: 'exporting cache to Azure Blob Storage'
};

/** Configuration-time checks (fatal even with ignore-error=true), then a runner for the export itself. */
function resolveExporter(entry) {
  const { type, attrs } = entry;
  const mode = attrs.mode === 'max' ? 'max' : 'min';
  if (attrs.mode !== undefined && attrs.mode !== 'min' && attrs.mode !== 'max')
    log('debug', `skipping invalid cache export mode: ${attrs.mode}`);
  const ignoreError = truthy(attrs['ignore-error'], false);
  /** @type {{ type: string, attrs: Record<string, string>, mode: string, ignoreError: boolean, run?: (steps: any[], vertex: any, emit: (e: any) => void) => Promise<void> }} */
  const base = { type, attrs, mode, ignoreError };
  const configure = (fn) => {
    try {
      return fn();
    } catch (e) {
      throw new SolveError(`failed to configure ${type} cache exporter: ${e.message}`);
    }
  };
  const unknown = () => new SolveError(`unknown cache exporter: ${JSON.stringify(type)}`);
  switch (type) {
    case 'inline':
      return { ...base, mode: 'min' };
    case 'gha': {
      const cfg = configure(() => ghaConfig(attrs, STATE.version));
      if (cfg.unknown) throw unknown();
      return { ...base, run: (steps, v) => exportGha(cfg, steps, v) };
    }
    case 'registry': {
      const normalized = configure(() => {
        if (!attrs.ref) throw new Error('missing ref');
        validateRemoteExportAttrs(attrs, STATE.version);
        return normalizeRef(attrs.ref);
      });
      return {
        ...base,
        run: (steps, v) => {
          const dir = refDir(registryRoot(), normalized);
          v.status('preparing build cache for export');
          for (const d of writeBlobs(dir, steps)) v.status(`writing layer ${d} 0.0s done`);
          const config = cacheConfig(steps);
          const manifest = {
            kind: 'cache',
            ref: normalized,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            cache: config
          };
          const text = JSON.stringify(manifest, null, 2);
          v.status(`writing config sha256:${sha256hex(JSON.stringify(config))} 0.0s done`);
          v.status(`writing cache image manifest sha256:${sha256hex(text)} 0.0s done`);
          fs.writeFileSync(path.join(dir, 'manifest.json'), text);
          v.status('preparing build cache for export 0.0s done');
        }
      };
    }
    case 'local': {
      const { imageManifest } = configure(() => validateRemoteExportAttrs(attrs, STATE.version));
      return { ...base, run: (steps, v, emit) => exportLocal(attrs, steps, imageManifest, v, emit) };
    }
    case 's3': {
      if (compareVersions(STATE.version, 'v0.11.0') < 0) throw unknown();
      const cfg = configure(() => s3Config(attrs, STATE.version));
      return {
        ...base,
        run: (steps, v) => {
          v.status('preparing build cache for export');
          for (const s of steps) {
            const b = blobFor(s);
            const file = s3Path(cfg, s3BlobKey(cfg, b.digest));
            if (fs.existsSync(file)) continue;
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, b.data);
            v.status(`writing layer ${b.digest} 0.0s done`);
          }
          const text = JSON.stringify(cacheConfig(steps), null, 2);
          for (const name of cfg.names) {
            const file = s3Path(cfg, `${cfg.prefix}${cfg.manifestsPrefix}${name}`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
          }
          v.status('preparing build cache for export 0.0s done');
        }
      };
    }
    case 'azblob':
      if (compareVersions(STATE.version, 'v0.11.0') < 0) throw unknown();
      configure(() => {
        if (!attrs.account_url && !process.env.BUILDKIT_AZURE_STORAGE_ACCOUNT_URL) {
          throw new Error(
            'either ${BUILDKIT_AZURE_STORAGE_ACCOUNT_URL} or account_url attribute is required for azblob cache'
          );
        }
      });
      return {
        ...base,
        run: () => {
          throw new Error('fake buildkitd does not emulate azblob storage');
        }
      };
    default:
      throw unknown();
  }
}

/**
 * go-actions-cache's SaveMutable (vendor/github.com/tonistiigi/go-actions-cache/cache.go:411-466 at v0.32.2): the
 * newest `key#n` by prefix lookup, looked up again when there was one (a changed index starts over), then
 * `key#n+1` reserved, uploaded and committed. Reserve and commit errors are returned (they fail the export
 * unless ignore-error=true); only a failed upload is swallowed (cache.go:460-462), leaving the reservation behind.
 * Simplification: `already_exists` moves to the next number at once (the real one waits 2 s per try, for 15 s).
 * @param {GhaClient} client
 * @param {string} key
 * @param {Buffer} data
 */
async function saveMutable(client, key, data) {
  for (let round = 0; ; round++) {
    const old = await client.lookup(`${key}#`);
    if (old) {
      const again = await client.lookup(`${key}#`);
      if ((!again || again.key !== old.key) && round < 8) continue;
    }
    let n = old ? Number(old.key.slice(key.length + 1)) || 0 : 0;
    for (let attempt = 0; ; attempt++) {
      let created;
      try {
        created = await client.reserve(`${key}#${n + 1}`);
      } catch (e) {
        if (!e.exists || attempt >= 8) throw e;
        n++;
        continue;
      }
      try {
        await client.upload(created.url, data);
      } catch (e) {
        log('debug', 'github actions cache: index upload failed, not saved', {
          error: e.message,
          key: `${key}#${n + 1}`
        });
        return;
      }
      await client.commit(`${key}#${n + 1}`, data.length);
      return;
    }
  }
}

async function exportGha(cfg, steps, v) {
  const client = new GhaClient(cfg);
  v.status('preparing build cache for export');
  for (const s of steps) {
    const b = blobFor(s);
    const key = `buildkit-blob-1-${b.digest}`;
    try {
      if (await client.lookup(key)) continue;
      v.status(`writing layer ${b.digest}`);
      try {
        await client.save(key, b.data);
      } catch (e) {
        if (!e.exists) throw e;
      }
      v.status(`writing layer ${b.digest} 0.0s done`);
    } catch (e) {
      throw new Error(`error writing layer blob: ${e.message}`);
    }
  }
  // The index goes under the token's writable ref; with none, under the hash of the empty ref, which the
  // service then refuses (gha.go:190-205; observed with buildkitd v0.32.2: `index-<scope>-1-e3b0c442#1`
  // refused, `failed to reserve cache`).
  const writable = cfg.scopes.find((s) => (s.Permission & 2) !== 0);
  await saveMutable(
    client,
    indexKey(cfg.scope, writable ? writable.Scope : ''),
    Buffer.from(JSON.stringify(cacheConfig(steps)))
  );
  v.status('preparing build cache for export 0.0s done');
}

function exportLocal(attrs, steps, imageManifest, v, emit) {
  v.status('preparing build cache for export');
  const files = {};
  const layers = [];
  for (const s of steps) {
    const b = blobFor(s);
    files[`blobs/sha256/${b.digest.slice(7)}`] = b.data.toString('base64');
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: b.digest, size: b.size });
    v.status(`writing layer ${b.digest} 0.0s done`);
  }
  const config = Buffer.from(JSON.stringify(cacheConfig(steps)));
  const configDigest = `sha256:${sha256hex(config)}`;
  files[`blobs/sha256/${configDigest.slice(7)}`] = config.toString('base64');
  const manifest = imageManifest
    ? {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.buildkit.cacheconfig.v0',
        config: { mediaType: 'application/vnd.buildkit.cacheconfig.v0', digest: configDigest, size: config.length },
        layers
      }
    : {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          ...layers,
          { mediaType: 'application/vnd.buildkit.cacheconfig.v0', digest: configDigest, size: config.length }
        ]
      };
  const manifestData = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = `sha256:${sha256hex(manifestData)}`;
  files[`blobs/sha256/${manifestDigest.slice(7)}`] = manifestData.toString('base64');
  v.status(`writing config ${configDigest} 0.0s done`);
  v.status(`writing cache manifest ${manifestDigest} 0.0s done`);
  emit({
    event: 'client-local-cache',
    dest: attrs.dest,
    tag: attrs.tag ?? 'latest',
    files,
    descriptor: { mediaType: manifest.mediaType, digest: manifestDigest, size: manifestData.length }
  });
  v.status('preparing build cache for export 0.0s done');
}

// --------------------------------------------------------------------------------------------- solve

function persistLocalCache() {
  if (!STATE.root) return;
  try {
    fs.writeFileSync(path.join(STATE.root, 'fake-local-cache.json'), JSON.stringify([...STATE.localCache]));
  } catch (e) {
    log('warning', 'failed to persist the local cache', { error: e.message });
  }
}

/**
 * One build. params: { steps:[{key,name,parents,inResult}], result, platform, exports:[{type,attrs}],
 * imports:[{type,attrs}], output:{type,attrs}, labels, failWith }
 */
async function solve(params, emit) {
  const steps = Array.isArray(params.steps) ? params.steps : [];
  const byKey = new Map(steps.map((s) => [s.key, s]));
  if (!byKey.has(params.result)) throw new SolveError('failed to solve: invalid build definition: no result step');
  let counter = 0;
  const vertex = (name) => {
    const id = `v${++counter}`;
    const started = Date.now();
    const secs = () => (Date.now() - started) / 1000;
    emit({ event: 'vertex', vertex: id, name });
    return {
      status: (text) => emit({ event: 'status', vertex: id, text }),
      log: (text) => emit({ event: 'log', vertex: id, text, seconds: secs() }),
      cached: () => emit({ event: 'cached', vertex: id }),
      done: () => emit({ event: 'done', vertex: id, seconds: secs() }),
      error: (text) => emit({ event: 'error', vertex: id, text })
    };
  };
  const fail = (text) => new SolveError(`failed to solve: ${text}`);

  // 1. Cache exporters are configured before anything runs (control.go): config errors are fatal.
  const exporters = [];
  for (const e of params.exports ?? []) {
    try {
      exporters.push(resolveExporter(e));
    } catch (err) {
      throw fail(err.message);
    }
  }
  const inline = exporters.find((e) => e.type === 'inline');

  // 2. Importers: each one a vertex; failures are soft (the importer counts as empty).
  const imported = new Map();
  for (const entry of params.imports ?? []) {
    const v = vertex(`importing cache manifest from ${importerId(entry)}`);
    try {
      const found = await loadImporter(entry);
      for (const [k, val] of found) if (!imported.has(k)) imported.set(k, val);
      v.done();
    } catch (e) {
      v.error(e.message);
      log('warning', 'failed to import cache manifest', { error: e.message, type: entry.type });
    }
  }

  // 3. Steps: what must be computed, what the cache already has, what runs.
  const local = (s) => !STATE.noLocalCache && STATE.localCache.has(s.key);
  // A gha-imported step whose layer chain lost a blob (its entry gone: the lookup misses) is not a hit: BuildKit
  // v0.32.2 marks its vertex `ERROR: blob sha256:<hex>: not found`, then builds it (and what it needs) again, and
  // the build goes on (observed with buildkitd v0.32.2, the last or a middle layer's entry deleted).
  /** @type {Map<string, string>} step key → the digest of the blob its chain lost */
  const broken = new Map();
  const hit = (s) => local(s) || (imported.has(s.key) && !broken.has(s.key));
  const computeNeeded = () => {
    const set = new Set();
    const visit = (key) => {
      const s = byKey.get(key);
      if (!s || set.has(key)) return;
      set.add(key);
      if (!hit(s)) for (const p of s.parents ?? []) visit(p);
    };
    visit(params.result);
    return set;
  };
  const present = new Map();
  const isPresent = (s) => {
    const src = imported.get(s.key);
    if (!present.has(s.key)) present.set(s.key, src.exists());
    return present.get(s.key);
  };
  /** The first blob of a step's imported layer chain (itself, then its first parents) whose entry is gone. */
  const chainLoss = async (s) => {
    for (let c = s; c && !local(c) && imported.get(c.key)?.exists; c = byKey.get((c.parents ?? [])[0])) {
      if (!(await isPresent(c))) return imported.get(c.key).blob;
    }
    return undefined;
  };
  let needed = computeNeeded();
  for (let changed = true; changed;) {
    changed = false;
    for (const s of steps) {
      if (!(needed.has(s.key) || s.inResult) || !hit(s) || local(s) || !imported.get(s.key).exists) continue;
      const lost = await chainLoss(s);
      if (lost) {
        broken.set(s.key, lost);
        changed = true;
      }
    }
    if (changed) needed = computeNeeded();
  }
  /** Imported layers the output needs: downloaded when the output exporter runs (BuildKit pulls them lazily). */
  const lazy = [];
  /** The vertex of the step each lazy layer belongs to: its pull is shown there (reopened after `CACHED`). */
  const pullVertex = new Map();
  let executed = 0;
  for (const s of steps) {
    const v = vertex(s.name);
    if (!needed.has(s.key) && !s.inResult) {
      v.cached();
      continue;
    }
    if (broken.has(s.key)) v.error(`blob ${broken.get(s.key)}: not found`);
    if (hit(s)) {
      if (!local(s) && imported.get(s.key).exists) {
        lazy.push(imported.get(s.key));
        pullVertex.set(imported.get(s.key), v);
      } else if (!local(s)) {
        const src = imported.get(s.key);
        try {
          const data = await src.fetch();
          if (`sha256:${sha256hex(data)}` !== src.blob)
            throw new Error(
              `unexpected commit digest sha256:${sha256hex(data)}, expected ${src.blob}: failed precondition`
            );
        } catch (e) {
          const text = `failed to compute cache key: ${e.message}`;
          v.error(text);
          throw fail(text);
        }
      }
      v.cached();
      continue;
    }
    if (params.failWith && executed === 2) {
      // what the failing step printed before it failed (FAKE_ENVD_FAIL_LOG)
      for (const line of params.failLog ?? []) v.log(line);
      v.error(params.failWith);
      throw new SolveError(`failed to solve: ${params.failWith}`);
    }
    executed++;
    v.log(`fake: ${s.name.replace(/^\[[^\]]*\]\s*/, '')}`);
    if (Array.isArray(s.mounts)) installPackages(s.mounts, v);
    await sleep(3);
    v.done();
  }
  if (params.failWith && executed < 3) {
    const v = vertex('[internal] fake failure (FAKE_ENVD_FAIL_WITH)');
    for (const line of params.failLog ?? []) v.log(line);
    v.error(params.failWith);
    throw new SolveError(`failed to solve: ${params.failWith}`);
  }
  // A result loaded from the remote cache stays a lazy ref until its layer is pulled (BuildKit v0.32.2
  // cache/refs.go:1227-1312, unlazy/unlazyLayer: a ref with lazy blobs is pulled when its content is first needed): it joins the local cache
  // only once the output exporter pulled it, so a build that failed on a cut layer pulls it again next time.
  const lazyKeys = new Set(steps.filter((s) => lazy.includes(imported.get(s.key))).map((s) => s.key));
  const keep = (s) => (needed.has(s.key) || s.inResult) && !lazyKeys.has(s.key);
  for (const s of steps) if (keep(s)) STATE.localCache.add(s.key);
  persistLocalCache();

  // 4. The image/output exporter, then 5. the cache exporters.
  const resultSteps = steps.filter((s) => s.inResult);
  /** Downloads the lazily pulled layers under the output exporter's vertex; a refused download fails it. */
  const pull = async (v) => {
    for (const src of lazy) {
      let data;
      try {
        data = await pullWithProgress(pullVertex.get(src) ?? v, src, emit);
        if (`sha256:${sha256hex(data)}` !== src.blob)
          throw new Error(
            `unexpected commit digest sha256:${sha256hex(data)}, expected ${src.blob}: failed precondition`
          );
      } catch (e) {
        v.error(e.message);
        throw e;
      }
    }
  };
  try {
    await exportOutput(params, resultSteps, inline, vertex, emit, pull);
  } catch (e) {
    throw fail(e.message);
  }
  for (const key of lazyKeys) STATE.localCache.add(key);
  persistLocalCache();
  for (const exp of exporters) {
    if (exp.type === 'inline') continue;
    const v = vertex(EXPORT_VERTEX[exp.type] ?? `exporting cache to ${exp.type}`);
    const chosen = exp.mode === 'max' ? steps : resultSteps;
    try {
      await exp.run(chosen, v, emit);
      v.done();
    } catch (e) {
      v.error(e.message);
      if (!exp.ignoreError) throw fail(e.message);
      log('warning', 'failed to export cache', { error: e.message, type: exp.type, 'ignore-error': 'true' });
    }
  }
  return { exporterResponse: {} };
}

/**
 * A lazily pulled layer, shown as BuildKit v0.32.2 shows it: under its step's vertex, `sha256:<hex> 0B / <size>`,
 * then `<size> / <size> <t>s done`. While no byte arrives BuildKit is not silent: the pull writes the ingest's
 * status every 150 ms (util/pull/pullprogress/progress.go:93-125) and the printer reprints an unchanged status
 * every 5 s with only its timer grown (util/progress/progressui/printer.go:19 minTimeDelta, :93-103); a download
 * that never answers is never given up (no client deadline), so the reprints go on until the solve is cancelled
 * (captured: __tests__/fixtures/buildkit-v0.32.2/progress-stalled-layer-pull.txt). This fake reads a blob whole,
 * so it shows 0B until the end.
 * @param {{status: (text: string) => void}} v
 * @param {{blob: string, size?: number, fetch: () => Promise<Buffer>}} src
 * @param {((e: any) => void) & {closed?: () => boolean}} emit
 */
async function pullWithProgress(v, src, emit) {
  const started = Date.now();
  const total = goBytes(src.size ?? 0);
  const status = (current, done = '') =>
    v.status(`${src.blob} ${current} / ${total} ${((Date.now() - started) / 1000).toFixed(1)}s${done}`);
  status('0B');
  const timer = setInterval(() => (emit.closed?.() ? clearInterval(timer) : status('0B')), 5000);
  try {
    const data = await src.fetch();
    status(goBytes(data.length), ' done');
    return data;
  } finally {
    clearInterval(timer);
  }
}

/** A size as `units.Bytes` prints it with `%.2f` (vendor/github.com/tonistiigi/units/bytes.go:58,65): 129B, 1.50MB. */

async function exportOutput(params, resultSteps, inline, vertex, emit, pull = async (_v) => undefined) {
  const output = params.output ?? { type: 'docker', attrs: {} };
  const attrs = output.attrs ?? {};
  const layers = resultSteps.map((s) => {
    const b = blobFor(s);
    return { digest: b.digest, size: b.size };
  });
  const imageConfig = {
    labels: params.labels ?? {},
    platform: params.platform ?? 'linux/amd64',
    layers: layers.map((l) => l.digest)
  };
  const configDigest = `sha256:${sha256hex(JSON.stringify(imageConfig))}`;
  const manifestDigest = `sha256:${sha256hex(JSON.stringify({ config: configDigest, layers }))}`;
  const inlineCache = inline ? cacheConfig(resultSteps) : null;
  const image = { kind: 'image', config: imageConfig, configDigest, digest: manifestDigest, layers, inlineCache };
  const imageLike = ['image', 'registry', 'docker', 'oci', 'moby'].includes(output.type);
  if (inline && !imageLike)
    log(
      'warning',
      `inline cache is only exported with an image output; nothing was exported for --output type=${output.type}`
    );
  const common = (v) => {
    v.status('exporting layers 0.0s done');
    if (inline) v.status('preparing layers for inline cache 0.0s done');
    v.status(`exporting manifest ${manifestDigest} 0.0s done`);
    v.status(`exporting config ${configDigest} 0.0s done`);
  };
  switch (output.type) {
    case 'image':
    case 'registry': {
      const v = vertex('exporting to image');
      await pull(v);
      common(v);
      const names = splitNames(attrs.name);
      const push = output.type === 'registry' || truthy(attrs.push, false);
      const normalized = [];
      for (const n of names) {
        try {
          normalized.push(normalizeRef(n));
        } catch (e) {
          v.error(e.message);
          throw e;
        }
        v.status(`naming to ${n} done`);
      }
      if (push) {
        if (!names.length) {
          v.error('push requires a name');
          throw new Error('push requires a name');
        }
        try {
          const root = registryRoot();
          v.status('pushing layers 0.0s done');
          for (const n of normalized) {
            const dir = refDir(root, n);
            writeBlobs(dir, resultSteps);
            fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...image, ref: n }, null, 2));
            v.status(`pushing manifest for ${n}@${manifestDigest} 0.0s done`);
          }
        } catch (e) {
          v.error(e.message);
          throw e;
        }
      } else if (inline) log('warning', 'inline cache was prepared but the image is not pushed (push=false)');
      v.done();
      return;
    }
    case 'docker':
    case 'oci':
    case 'tar': {
      const v = vertex(
        output.type === 'tar' ? 'exporting to client tarball' : `exporting to ${output.type} image format`
      );
      await pull(v);
      if (output.type !== 'tar') common(v);
      v.status('sending tarball 0.0s done');
      emit({ event: 'client-image', exporter: output.type, name: attrs.name ?? '', dest: output.dest ?? null, image });
      v.done();
      return;
    }
    case 'local': {
      const v = vertex('copying files');
      await pull(v);
      emit({
        event: 'client-local-output',
        dest: output.dest,
        files: { 'fake-image.json': Buffer.from(JSON.stringify(image, null, 2)).toString('base64') }
      });
      v.status('copying files 0.0s done');
      v.done();
      return;
    }
    default:
      throw new Error(`exporter ${JSON.stringify(output.type)} could not be found`);
  }
}
// ------------------------------------------------------------------ cache mounts and the Dockerfile frontend

/**
 * Cache mounts live in the daemon's state under its root, keyed by id, as BuildKit keeps them in its cache
 * manager: a daemon started again on the same root finds them, a fresh root has none.
 * `ROOT/fake-cache-mounts/<16 hex of sha256(id)>/` holds `data/` (the mount's files) and `record.json` (what
 * `buildctl du` shows of it).
 */
const cacheMountDir = (id) => path.join(STATE.root, 'fake-cache-mounts', sha256hex(id).slice(0, 16));

/** A 25-character id as BuildKit's identity.NewID prints them. */
const newId = () => Array.from(crypto.randomBytes(25), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

/**
 * A cache mount a step runs with: created empty on its first use. Its description is BuildKit v0.32.2's
 * (`solver/llbsolver/mounts/mount.go:48-51`): `cached mount <target> from <manager>`, and ` with id "<id>"` (Go
 * `%q`) when the id is not the target; the manager of a RUN is `exec <argv joined by spaces>`.
 * @param {{id: string, target: string, command: string}} m
 * @returns {string} the directory of the mount's files
 */
function openCacheMount(m) {
  const dir = cacheMountDir(m.id);
  const recordFile = path.join(dir, 'record.json');
  let record;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
  } catch {
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    const description = `cached mount ${m.target} from exec ${m.command}${m.id === m.target ? '' : ` with id ${JSON.stringify(m.id)}`}`;
    record = { id: newId(), mountId: m.id, createdAt: new Date().toISOString(), usageCount: 0, description };
  }
  record.usageCount++;
  record.lastUsedAt = new Date().toISOString();
  fs.writeFileSync(recordFile, JSON.stringify(record));
  return path.join(dir, 'data');
}

/**
 * A mount's size as buildkitd v0.32.2 with the native snapshotter reported it: disk usage in 4 KiB blocks, the
 * directories included (observed: a mount holding one 2048-byte file is `8.19kB`).
 */
function treeSize(dir) {
  let total = 4096;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? treeSize(p) : Math.ceil(fs.lstatSync(p).size / 4096) * 4096;
  }
  return total;
}

/**
 * `buildctl du`: the cache mounts (the only records this fake keeps; layers are not listed), in the order
 * BuildKit v0.32.2's client sorts them, by size then id (`client/diskusage.go:64-66`). Type `exec.cachemount`
 * (`client/diskusage.go:86`); a mount no build holds is reclaimable.
 */
function diskUsage() {
  const root = path.join(STATE.root, 'fake-cache-mounts');
  if (!fs.existsSync(root)) return [];
  const records = fs.readdirSync(root).flatMap((name) => {
    try {
      const r = JSON.parse(fs.readFileSync(path.join(root, name, 'record.json'), 'utf8'));
      const size = treeSize(path.join(root, name, 'data'));
      return [{ ...r, mutable: true, inUse: false, shared: false, size, recordType: 'exec.cachemount' }];
    } catch {
      return [];
    }
  });
  return records.sort((a, b) => a.size - b.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * envd's pip step with its cache mount (the fake envd's `mounts` on a step): each package is found in the mount
 * (`Using cached <wheel>`, pip's line) or downloaded into it (`Downloading <wheel>`), so a test sees what an
 * earlier build, or a restore, left there.
 * @param {{id: string, target: string, command: string, packages: string[]}[]} mounts
 * @param {{log: (text: string) => void}} v
 */
function installPackages(mounts, v) {
  for (const m of mounts) {
    const wheels = path.join(openCacheMount(m), 'wheels');
    fs.mkdirSync(wheels, { recursive: true });
    for (const p of m.packages) {
      const wheel = `${p}-1.0-py3-none-any.whl`;
      const file = path.join(wheels, wheel);
      if (fs.existsSync(file)) v.log(`Using cached ${wheel}`);
      else {
        v.log(`Downloading ${wheel}`);
        fs.writeFileSync(file, Buffer.alloc(2048, `${p}\n`));
      }
    }
  }
}

/**
 * One Dockerfile instruction line of the subset the fake runs: FROM, ARG, COPY (with --from) and RUN (with
 * `--mount=type=cache|bind`). Other instructions fail, naming the line.
 * @param {string} text
 */
function parseDockerfile(text) {
  const out = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s*(.*)$/.exec(line);
    const instr = m[1].toUpperCase();
    if (!['FROM', 'ARG', 'COPY', 'RUN'].includes(instr))
      throw new SolveError(
        `failed to solve: fake buildkitd: Dockerfile instruction ${instr} (line ${i + 1}) is not emulated`
      );
    const words = [];
    let rest = m[2];
    // Flags (`--mount=…`, `--from=…`) come first.
    for (let f = /^--(\S+)\s*/.exec(rest); f; f = /^--(\S+)\s*/.exec(rest)) {
      words.push(f[1]);
      rest = rest.slice(f[0].length);
    }
    out.push({ instr, flags: words, args: rest, line: i + 1, text: line });
  });
  if (!out.length || out[0].instr === 'RUN' || out[0].instr === 'COPY')
    throw new SolveError('failed to solve: dockerfile parse error: no build stage in current context');
  return out;
}

/** `key=value,…` of a `--mount` flag. */
const mountFields = (spec) =>
  Object.fromEntries(
    spec
      .slice('mount='.length)
      .split(',')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])
  );

/** Writes a map of relative path → base64 content under a directory (what buildctl sent of a --local). */
function materialize(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, b64] of Object.entries(files ?? {})) {
    const p = path.join(dir, rel);
    if (!p.startsWith(dir + path.sep)) throw new SolveError(`failed to solve: invalid path ${rel}`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, Buffer.from(b64, 'base64'));
  }
}

/** Every file under a directory, relative path → base64 (what a local output sends back). */
function readTree(dir, base = dir, out = {}) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) readTree(p, base, out);
    else out[path.relative(base, p)] = fs.readFileSync(p).toString('base64');
  }
  return out;
}

/**
 * The argv of a RUN: the exec form (a JSON array) as written, the shell form as `/bin/sh -c <text>`
 * (Dockerfile reference, RUN).
 */
function runArgv(text) {
  if (text.startsWith('[')) return JSON.parse(text);
  return ['/bin/sh', '-c', text];
}

/**
 * The shell scripts this fake runs: `sh -c` (busybox or an image's), a nested `sh -c "<script>"`, and in it `&&`
 * between `mkdir -p <dir>`, `tar -xf <file> -C <dir>` and `tar -cf <file> -C <dir> .` (each may be called through
 * `/bin/busybox`). The tar work is done by the system's tar on the directories the container paths map to.
 * Anything else fails, saying it is not emulated.
 * @param {string[]} argv
 * @param {{rootfs: string, hasShell: boolean}} stage
 * @param {(p: string) => string} hostPath
 */
function runScript(argv, stage, hostPath, log) {
  const shown = argv.join(' ');
  const failed = (why) => new SolveError(`failed to solve: process "${shown}" did not complete successfully: ${why}`);
  // A program missing from the stage: runc's line in the step's log, then exit code 1 (observed with
  // buildkitd v0.32.2 and runc from Debian).
  const missing = (program) => {
    log(
      `runc run failed: unable to start container process: exec: "${program}": stat ${program}: no such file or directory`
    );
    return failed('exit code: 1');
  };
  let args = argv;
  if (args[0] === '/bin/busybox') {
    if (!fs.existsSync(path.join(stage.rootfs, 'bin', 'busybox'))) throw missing('/bin/busybox');
    args = args.slice(1);
  } else if (!stage.hasShell) throw missing(args[0]);
  if (!['sh', '/bin/sh'].includes(args[0]) || args[1] !== '-c' || args.length !== 3)
    throw failed(`fake buildkitd: only "sh -c <script>" is emulated`);
  let script = args[2];
  const nested = /^sh -c ("(?:[^"\\]|\\.)*")$/.exec(script);
  if (nested) script = JSON.parse(nested[1]);
  for (const command of script.split(' && ')) {
    const w = command.trim().split(/\s+/);
    if (w[0] === '/bin/busybox') w.shift();
    let r;
    if (w[0] === 'mkdir' && w[1] === '-p' && w.length === 3) {
      fs.mkdirSync(hostPath(w[2]), { recursive: true });
      continue;
    } else if (w[0] === 'tar' && w[1] === '-xf' && w[3] === '-C' && w.length === 5)
      r = childProcess.spawnSync('tar', ['-xf', hostPath(w[2]), '-C', hostPath(w[4])], { encoding: 'utf8' });
    else if (w[0] === 'tar' && w[1] === '-cf' && w[3] === '-C' && w[5] === '.' && w.length === 6)
      r = childProcess.spawnSync('tar', ['-cf', hostPath(w[2]), '-C', hostPath(w[4]), '.'], { encoding: 'utf8' });
    else throw failed(`fake buildkitd: the command ${JSON.stringify(command)} is not emulated`);
    if (r.status !== 0) throw failed(`exit code: ${r.status ?? 1}: ${(r.stderr || '').trim()}`);
  }
}

/**
 * `buildctl build --frontend dockerfile.v0`: the subset of the Dockerfile frontend the action's helper builds
 * use. Every RUN runs (this frontend caches no step); the last stage is the result, sent back for a `local`
 * output. params: { frontend, opts: {filename?, 'build-arg:NAME'…}, locals: {name: {path: base64}}, output? }
 * @param {any} params
 * @param {(e: any) => void} emit
 */
async function solveDockerfile(params, emit) {
  // The daemon's frontends: dockerfile.v0 and gateway.v0 (cmd/buildkitd/main.go:887-894); any other name is
  // `invalid frontend: <name>` (solver/llbsolver/provenance.go:194-196).
  if (params.frontend !== 'dockerfile.v0') {
    if (params.frontend === 'gateway.v0')
      throw new SolveError('failed to solve: fake buildkitd: the gateway.v0 frontend is not emulated');
    throw new SolveError(`failed to solve: invalid frontend: ${params.frontend}`);
  }
  const opts = params.opts ?? {};
  const filename = opts.filename ?? 'Dockerfile';
  const source = params.locals?.dockerfile?.[filename];
  if (source === undefined)
    throw new SolveError(`failed to solve: failed to read dockerfile: open ${filename}: no such file or directory`);
  const instructions = parseDockerfile(Buffer.from(source, 'base64').toString('utf8'));
  const work = fs.mkdtempSync(path.join(STATE.root, 'fake-build-'));
  try {
    const context = path.join(work, 'context');
    materialize(context, params.locals?.context);
    const result = runDockerfile(instructions, { work, context, emit });
    return params.output?.type === 'local' ? { files: readTree(result.rootfs) } : {};
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Runs the instructions stage by stage; returns the last stage. */
function runDockerfile(instructions, { work, context, emit }) {
  /** @type {{name: string, rootfs: string, hasShell: boolean, steps: number, total: number}[]} */
  const stages = [];
  let n = 0;
  instructions.forEach((ins, at) => {
    if (ins.instr === 'FROM') {
      const [image, as, name] = ins.args.split(/\s+/);
      const rootfs = path.join(work, `stage-${stages.length}`);
      fs.mkdirSync(rootfs);
      // scratch is empty; any other base is taken to be an image with a shell and tar (not pulled).
      const stageName = as?.toUpperCase() === 'AS' ? name : `stage-${stages.length}`;
      stages.push({ name: stageName, rootfs, hasShell: image !== 'scratch', steps: 0, total: 0 });
      for (let i = at + 1; i < instructions.length && instructions[i].instr !== 'FROM'; i++)
        if (instructions[i].instr !== 'ARG') stages[stages.length - 1].total++;
      return;
    }
    if (ins.instr === 'ARG') return;
    const stage = stages[stages.length - 1];
    // `[<stage> i/n] <instruction>`, as BuildKit's Dockerfile frontend names its steps.
    const vertex = `d${++n}`;
    const started = Date.now();
    emit({ event: 'vertex', vertex, name: `[${stage.name} ${++stage.steps}/${stage.total}] ${ins.text}` });
    const log = (text) => emit({ event: 'log', vertex, text, seconds: (Date.now() - started) / 1000 });
    try {
      if (ins.instr === 'COPY') copyInstruction(ins, stages, context);
      else runInstruction(ins, stage, { context, log });
    } catch (e) {
      emit({ event: 'error', vertex, text: e.message.replace(/^failed to solve: /, '') });
      throw e;
    }
    emit({ event: 'done', vertex, seconds: (Date.now() - started) / 1000 });
  });
  return stages[stages.length - 1];
}

function copyInstruction(ins, stages, context) {
  const stage = stages[stages.length - 1];
  const from = ins.flags.find((f) => f.startsWith('from='))?.slice('from='.length);
  const [src, dest] = ins.args.split(/\s+/);
  const base = from === undefined ? context : stages.find((s) => s.name === from)?.rootfs;
  if (!base) throw new SolveError(`failed to solve: stage ${from} not found`);
  const hostSrc = path.join(base, src);
  if (!fs.existsSync(hostSrc))
    throw new SolveError(
      `failed to solve: failed to compute cache key: failed to calculate checksum of ref ${newId()}::${newId()}: "/${src.replace(/^\/+/, '')}": not found`
    );
  const target = path.join(stage.rootfs, dest);
  if (fs.statSync(hostSrc).isDirectory()) fs.cpSync(hostSrc, target, { recursive: true });
  else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(hostSrc, dest.endsWith('/') ? path.join(target, path.basename(src)) : target);
  }
}

function runInstruction(ins, stage, { context, log }) {
  const mounts = [];
  for (const f of ins.flags) {
    if (!f.startsWith('mount=')) throw new SolveError(`failed to solve: fake buildkitd: RUN --${f} is not emulated`);
    const m = mountFields(f);
    if (m.type === 'cache') {
      // The frontend names the mount `<namespace>/<id>` (convert_runmount.go:116-119; the namespace is empty).
      const id = `/${m.id ?? path.posix.normalize(m.target)}`.replace(/^\/\//, '/');
      const argv = runArgv(ins.args);
      mounts.push({ target: m.target, dir: openCacheMount({ id, target: m.target, command: argv.join(' ') }) });
    } else if (m.type === 'bind') {
      const dir = path.join(context, m.source ?? '.');
      if (!fs.existsSync(dir))
        throw new SolveError(
          `failed to solve: failed to compute cache key: failed to calculate checksum of ref ${newId()}::${newId()}: "/${m.source}": not found`
        );
      mounts.push({ target: m.target, dir });
    } else throw new SolveError(`failed to solve: fake buildkitd: RUN --mount=type=${m.type} is not emulated`);
  }
  const hostPath = (p) => {
    const m = mounts
      .filter((x) => p === x.target || p.startsWith(`${x.target}/`))
      .sort((a, b) => b.target.length - a.target.length)[0];
    return m ? path.join(m.dir, p.slice(m.target.length)) : path.join(stage.rootfs, p);
  };
  runScript(runArgv(ins.args), stage, hostPath, log);
}

function splitNames(name) {
  return (name ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

main().catch((e) => {
  process.stderr.write(`buildkitd: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
