#!/usr/bin/env node
'use strict';
// @ts-check
// Fake buildctl: a test stand-in for moby/buildkit's client (see ../README.md). `debug workers`, `debug info`,
// `du` and `build` (the Dockerfile frontend's subset the action's helper builds use) talk to the daemon. Self-contained (runs as CommonJS or ESM, copied anywhere).
const BAKED_VERSION = null; // @fake-baked-version: release assets replace this line
const DEFAULT_VERSION = 'v0.32.2';
const DEFAULT_ADDR = 'unix:///run/buildkit/buildkitd.sock';
// The Dockerfile frontend built into buildkitd v0.32.2 (observed: `Dockerfile: 1.26.0`).
const DOCKERFILE_VERSION = '1.26.0';

let fs, path, net, crypto;

// Shared with the other fakes (one copy: ./shared.mjs), loaded in main(): Go's flag parsing.
/** @type {typeof import('./shared.mjs').parseGoFlags} */
let parseGoFlags;
/** @type {typeof import('./shared.mjs').compareVersions} */
let compareVersions;
/** @type {typeof import('./shared.mjs').UsageError} */
let UsageError;
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
      `fake buildctl: cannot load ${file} (copy shared.mjs along with the fake, or make a self-contained copy with bakeFake): ${e && e.message ? e.message : e}`
    );
  }
}

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

class CommandError extends Error {
  /** True when the daemon could not be dialled (what --wait retries). */
  dial = false;
}

const GLOBAL_FLAGS = {
  debug: { type: 'bool' },
  addr: { type: 'string' },
  'log-format': { type: 'string' },
  tlsservername: { type: 'string' },
  tlscacert: { type: 'string' },
  tlscert: { type: 'string' },
  tlskey: { type: 'string' },
  tlsdir: { type: 'string' },
  timeout: { type: 'int' },
  wait: { type: 'bool' },
  help: { type: 'bool' },
  h: { type: 'bool', name: 'help' },
  version: { type: 'bool' },
  v: { type: 'bool', name: 'version' }
};
const WORKERS_FLAGS = {
  filter: { type: 'slice' },
  f: { type: 'slice', name: 'filter' },
  verbose: { type: 'bool' },
  v: { type: 'bool', name: 'verbose' },
  format: { type: 'string' }
};
const COMMANDS = ['du', 'prune', 'build', 'b', 'debug', 'dial-stdio', 'prune-histories', 'help', 'h'];
const DEBUG_COMMANDS = ['dump-llb', 'dump-metadata', 'workers', 'info', 'monitor', 'logs', 'ctl', 'histories', 'get'];

const HELP = `NAME:
   buildctl - build utility

USAGE:
   buildctl [global options] command [command options] [arguments...]

COMMANDS:
   du               disk usage
   prune            clean up build cache
   build, b         build
   debug            debug utilities
   dial-stdio       Proxy the stdio stream to the daemon connection. Should not be invoked manually.
   help, h          Shows a list of commands or help for one command

GLOBAL OPTIONS:
   --debug              enable debug output in logs
   --addr value         buildkitd address (default: "${DEFAULT_ADDR}") [$BUILDKIT_HOST]
   --log-format value   log formatter: json or text (default: "text")
   --tlsservername value, --tlscacert value, --tlscert value, --tlskey value, --tlsdir value
   --timeout value      timeout backend connection after value seconds (default: 5)
   --wait               block RPCs until the connection becomes available
   --help, -h           show help
   --version, -v        print the version

(fake buildctl: only "debug workers", "debug info", "du" and "build --frontend dockerfile.v0" are emulated)
`;

/** BuildKit v0.31.0 moved from urfave/cli v1 to v3 (go.mod), which changed the usage texts. */
const cliV3 = (version) => compareVersions(version, 'v0.31.0') >= 0;

/**
 * A refused command line. urfave/cli v3 (observed with buildctl v0.32.2): the root's help on stdout only for a
 * global flag (nothing for a subcommand's), and `Incorrect Usage: <msg>`, a blank line and `error: <msg>` on stderr.
 * v1: `Incorrect Usage. <msg>` heads the help on stdout.
 */
function usage(message, version, atRoot) {
  if (cliV3(version)) {
    if (atRoot) process.stdout.write(HELP);
    process.stderr.write(`Incorrect Usage: ${message}\n\nerror: ${message}\n`);
  } else {
    process.stdout.write(`Incorrect Usage. ${message}\n\n${HELP}`);
    process.stderr.write(`error: ${message}\n`);
  }
  process.exit(1);
}

/**
 * One JSON request over the daemon socket (events before the answer go to `onEvent`). Rejects with Go/gRPC-like
 * dial errors. `timeoutMs` bounds the dial and the first answer only when there are no events to wait for.
 */
function call(addr, method, timeoutMs, params = undefined, onEvent = undefined) {
  return new Promise((resolve, reject) => {
    let options;
    let dialText;
    if (addr.startsWith('unix://')) {
      const p = addr.slice('unix://'.length);
      options = { path: p };
      dialText = `dial unix ${p}`;
    } else if (addr.startsWith('tcp://')) {
      const m = /^tcp:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(addr);
      if (!m)
        return reject(new CommandError(`failed to parse address ${JSON.stringify(addr)}: missing port in address`));
      options = { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
      dialText = `dial tcp ${m[1]}:${m[2]}`;
    } else {
      const scheme = addr.includes('://') ? addr.slice(0, addr.indexOf('://')) : addr;
      return reject(
        new CommandError(
          `fake buildctl: address scheme ${JSON.stringify(scheme)} is not emulated (use unix:// or tcp://)`
        )
      );
    }
    const socket = net.connect(options);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CommandError('DeadlineExceeded: context deadline exceeded'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      if (onEvent) clearTimeout(timer);
      socket.write(JSON.stringify({ id: 1, method, params }) + '\n');
    });
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const reply = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (reply.event) {
          onEvent?.(reply.event);
          continue;
        }
        clearTimeout(timer);
        socket.end();
        if (reply.error) reject(new CommandError(reply.error));
        else resolve(reply.result);
        return;
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      const reason =
        {
          ENOENT: 'no such file or directory',
          ECONNREFUSED: 'connection refused',
          EACCES: 'permission denied',
          ENOTSOCK: 'socket operation on non-socket'
        }[e.code] ?? e.message;
      const err = new CommandError(
        `Unavailable: connection error: desc = "transport: Error while dialing: ${dialText}: connect: ${reason}"`
      );
      err.dial = true;
      reject(err);
    });
  });
}

async function callWithWait(globals, method, params = undefined, onEvent = undefined) {
  const timeoutMs = (globals.timeout !== undefined ? Number(globals.timeout) : 5) * 1000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call(globals.addr, method, Math.max(100, deadline - Date.now()), params, onEvent);
    } catch (e) {
      if (!globals.wait || !e.dial || Date.now() >= deadline) throw e;
      // A handshake for tests: one line per failed attempt that --wait retries.
      if (process.env.FAKE_BUILDCTL_ATTEMPTS) fs.appendFileSync(process.env.FAKE_BUILDCTL_ATTEMPTS, `${e.message}\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** text/tabwriter with minwidth 1, tabwidth 8, padding 1, padchar '\t' (what buildctl uses). */
function tabwrite(rows) {
  const widths = [];
  for (const r of rows) r.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length + 1)));
  const cols = widths.map((w) => Math.ceil(w / 8) * 8);
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell + '\t'.repeat(Math.ceil((cols[i] - cell.length) / 8))))
          .join('')
      )
      .join('\n') + '\n'
  );
}

async function main() {
  [fs, path, net, crypto] = await Promise.all(
    ['node:fs', 'node:path', 'node:net', 'node:crypto'].map((m) => import(m))
  );
  ({ parseGoFlags, compareVersions, UsageError, goBytes } = await loadShared());
  const version = toolVersion();
  let parsed;
  try {
    parsed = parseGoFlags(process.argv.slice(2), GLOBAL_FLAGS, cliV3(version) ? 'v3' : 'v1');
  } catch (e) {
    if (e instanceof UsageError) usage(e.message, version, true);
    throw e;
  }
  const globals = parsed.values;
  if (globals.version) {
    process.stdout.write(`buildctl github.com/moby/buildkit ${version} ${revisionOf(version)}\n`);
    return;
  }
  if (globals.help || parsed.rest.length === 0 || parsed.rest[0] === 'help' || parsed.rest[0] === 'h') {
    process.stdout.write(HELP);
    return;
  }
  const [command, ...args] = parsed.rest;
  if (!COMMANDS.includes(command)) {
    // v3: on stderr only (observed with buildctl v0.32.2, exit 3).
    if (cliV3(version)) process.stderr.write(`No help topic for '${command}'\n`);
    else {
      process.stdout.write(`No help topic for '${command}'\n`);
      process.stderr.write(`error: No help topic for '${command}'\n`);
    }
    process.exit(3);
  }
  if (command === 'du') return diskUsage(args, globals, version);
  if (command === 'build' || command === 'b') return build(args, globals, version);
  if (command !== 'debug') throw new CommandError(`fake buildctl: command ${JSON.stringify(command)} is not emulated`);
  const [sub, ...subArgs] = args;
  if (!sub || !DEBUG_COMMANDS.includes(sub)) {
    process.stdout.write(
      'NAME:\n   buildctl debug - debug utilities\n\nCOMMANDS:\n   workers  list workers\n   info     display internal information\n'
    );
    if (sub) {
      process.stderr.write(`error: No help topic for '${sub}'\n`);
      process.exit(3);
    }
    return;
  }
  const subFlags = (defs) => commandFlags(subArgs, defs, { globals, version }).values;
  if (sub === 'info') {
    subFlags({ format: { type: 'string' } });
    globals.addr ??= process.env.BUILDKIT_HOST || DEFAULT_ADDR;
    const info = await callWithWait(globals, 'version').catch((e) => {
      throw new CommandError(`failed to call info: ${e.message}`);
    });
    // A tabwriter with space padding (cmd/buildctl/debug/info.go:44-49 at v0.32.2): `BuildKit:   …` when the
    // Dockerfile line is there (observed with buildctl v0.32.2).
    const rows = [
      ['BuildKit:', `${info.package} ${info.version} ${info.revision}`],
      ...(info.dockerfileVersion ? [['Dockerfile:', info.dockerfileVersion]] : [])
    ];
    const width = Math.max(...rows.map(([k]) => k.length)) + 1;
    process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}${v}\n`).join(''));
    return;
  }
  if (sub !== 'workers') throw new CommandError(`fake buildctl: command "debug ${sub}" is not emulated`);
  const wflags = subFlags(WORKERS_FLAGS);
  globals.addr ??= process.env.BUILDKIT_HOST || DEFAULT_ADDR;
  let result;
  try {
    result = await callWithWait(globals, 'workers');
  } catch (e) {
    throw new CommandError(`failed to list workers: ${e.message}`);
  }
  const workers = result.workers ?? [];
  if (wflags.format === 'json' || wflags.format === '{{json .}}') {
    // One line, the fields of the worker record (observed with buildctl v0.32.2; gcPolicy left empty here).
    const buildkitVersion = {
      package: 'github.com/moby/buildkit',
      version,
      revision: revisionOf(version),
      dockerfileVersion: DOCKERFILE_VERSION
    };
    process.stdout.write(
      JSON.stringify(
        workers.map((w) => ({
          id: w.id,
          labels: w.labels,
          platforms: w.platforms.map(platformObject),
          gcPolicy: [],
          buildkitVersion,
          cdiDevices: null
        }))
      ) + '\n'
    );
    return;
  }
  if (wflags.verbose) {
    for (const w of workers) {
      const rows = [
        ['ID:', w.id],
        ['Platforms:', w.platforms.join(',')],
        ['BuildKit:', `github.com/moby/buildkit ${version} ${revisionOf(version)}`],
        ['Labels:', '']
      ];
      let out = tabwrite(rows);
      out += tabwrite(Object.entries(w.labels ?? {}).map(([k, v]) => [`\t${k}:`, v]));
      process.stdout.write(out + '\n');
    }
    return;
  }
  process.stdout.write(tabwrite([['ID', 'PLATFORMS'], ...workers.map((w) => [w.id, w.platforms.join(',')])]));
}

/**
 * A subcommand's flags. urfave/cli v3: the global flags are accepted after the subcommand too (observed:
 * `debug workers --debug`).
 */
function commandFlags(args, defs, { globals, version }) {
  try {
    const parsed = parseGoFlags(
      args,
      cliV3(version) ? { ...GLOBAL_FLAGS, ...defs } : defs,
      cliV3(version) ? 'v3' : 'v1'
    );
    for (const k of Object.keys(GLOBAL_FLAGS))
      if (!(k in defs) && parsed.values[k] !== undefined) globals[GLOBAL_FLAGS[k].name ?? k] = parsed.values[k];
    return parsed;
  } catch (e) {
    if (e instanceof UsageError) usage(e.message, version, false);
    throw e;
  }
}

/** Go's time.Time String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC` (trailing zeros of the fraction dropped). */
function goTime(iso) {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return iso;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/** The flags of `buildctl du` (BuildKit v0.32.2 `cmd/buildctl/diskusage.go:17-37`). */
const DU_FLAGS = {
  filter: { type: 'slice' },
  f: { type: 'slice', name: 'filter' },
  verbose: { type: 'bool' },
  v: { type: 'bool', name: 'verbose' },
  format: { type: 'string' }
};

/**
 * `buildctl du [--verbose]`, printed as BuildKit v0.32.2 does (`cmd/buildctl/diskusage.go:65-163`): a tabwriter
 * (minwidth 1, tabwidth 8, padding 1, tabs); verbose: per record `Key:\tvalue` lines (ID, Parents, Created at,
 * Mutable, Reclaimable, Shared, Size, Description, Usage count, Last used, Type) and a blank line (:84-110);
 * else a table (:112-136); then, without a filter, the summary (`Shared`/`Private` when some are shared,
 * `Reclaimable`, `Total`; :138-163). Sizes `%.2f` of units.Bytes (goBytes).
 */
async function diskUsage(args, globals, version) {
  const flags = commandFlags(args, DU_FLAGS, { globals, version });
  if (flags.rest.length) usage(`unexpected argument ${flags.rest[0]}`, version, false);
  const values = flags.values;
  if (values.format !== undefined || values.filter !== undefined)
    throw new CommandError('fake buildctl: du --format and --filter are not emulated');
  globals.addr ??= process.env.BUILDKIT_HOST || DEFAULT_ADDR;
  const { records } = await callWithWait(globals, 'du');
  let out = '';
  if (values.verbose) {
    for (const r of records) {
      const rows = [
        ['ID:', r.id],
        ...(r.parents?.length ? [['Parents:', r.parents.join(';')]] : []),
        ['Created at:', goTime(r.createdAt)],
        ['Mutable:', String(r.mutable)],
        ['Reclaimable:', String(!r.inUse)],
        ['Shared:', String(r.shared)],
        ['Size:', goBytes(r.size)],
        ...(r.description ? [['Description:', r.description]] : []),
        ['Usage count:', String(r.usageCount)],
        ...(r.lastUsedAt ? [['Last used:', goTime(r.lastUsedAt)]] : []),
        ...(r.recordType ? [['Type:', r.recordType]] : [])
      ];
      out += tabwrite(rows) + '\n';
    }
  } else {
    const rows = records.map((r) => [
      `${r.id}${r.mutable ? '*' : ''}`.padEnd(71),
      String(!r.inUse).padEnd(11),
      `${goBytes(r.size)}${r.shared ? '*' : ''}`,
      ''
    ]);
    out += tabwrite([['ID', 'RECLAIMABLE', 'SIZE', 'LAST ACCESSED'], ...rows]);
  }
  const sum = (pick) => records.filter(pick).reduce((n, r) => n + Math.max(0, r.size), 0);
  const shared = sum((r) => r.shared);
  const summary = [
    ...(shared > 0
      ? [
          ['Shared:', goBytes(shared)],
          ['Private:', goBytes(sum(() => true) - shared)]
        ]
      : []),
    ['Reclaimable:', goBytes(sum((r) => !r.inUse))],
    ['Total:', goBytes(sum(() => true))]
  ];
  process.stdout.write(out + tabwrite(summary));
}

/** The flags of `buildctl build` (BuildKit v0.32.2 `cmd/buildctl/build.go:44-123`). */
const BUILD_FLAGS = {
  output: { type: 'slice' },
  o: { type: 'slice', name: 'output' },
  progress: { type: 'string' },
  trace: { type: 'string' },
  local: { type: 'slice' },
  'oci-layout': { type: 'slice' },
  frontend: { type: 'string' },
  opt: { type: 'slice' },
  'no-cache': { type: 'bool' },
  'export-cache': { type: 'slice' },
  'import-cache': { type: 'slice' },
  secret: { type: 'slice' },
  allow: { type: 'slice' },
  ssh: { type: 'slice' },
  'metadata-file': { type: 'string' },
  'source-policy-file': { type: 'string' },
  'proxy-network': { type: 'bool' },
  'ref-file': { type: 'string' },
  'registry-auth-tlscontext': { type: 'slice' },
  'debug-json-cache-metrics': { type: 'string' }
};
/** Accepted by the real buildctl, not carried out by this fake: refused, never ignored. */
const BUILD_NOT_EMULATED = [
  'trace',
  'oci-layout',
  'export-cache',
  'import-cache',
  'secret',
  'allow',
  'ssh',
  'metadata-file',
  'source-policy-file',
  'proxy-network',
  'ref-file',
  'registry-auth-tlscontext',
  'debug-json-cache-metrics'
];

/** `k=v` items into a map; an item without `=` is `invalid value <item>` (cmd/buildctl/build/build.go:9-19). */
function attrMap(items) {
  const m = {};
  for (const v of items ?? []) {
    const at = v.indexOf('=');
    if (at < 0) throw new CommandError(`invalid value ${v}`);
    m[v.slice(0, at)] = v.slice(at + 1);
  }
  return m;
}

/** One --output (cmd/buildctl/build/output.go:17-53, resolveExporterDest :69-96); only `local` is carried out. */
function parseOutput(text) {
  const attrs = {};
  let type = '';
  for (const field of text.split(',')) {
    const at = field.indexOf('=');
    if (at < 0) throw new CommandError(`invalid value ${field}`);
    const key = field.slice(0, at).toLowerCase();
    if (key === 'type') type = field.slice(at + 1);
    else attrs[key] = field.slice(at + 1);
  }
  if (!type) throw new CommandError('--output requires type=<type>');
  if (attrs.output !== undefined)
    throw new CommandError(`output=${attrs.output} not supported for --output, you meant dest=${attrs.output}?`);
  if (type === 'local' && !attrs.dest)
    throw new CommandError('invalid output option: output: output directory is required for local exporter');
  if (type !== 'local') throw new CommandError(`fake buildctl: build --output type=${type} is not emulated`);
  return { type, dest: attrs.dest };
}

/** A --local directory's files (relative path → base64), as the session would send them. */
function readLocal(dir) {
  let real;
  try {
    real = fs.realpathSync(dir);
  } catch {
    // fsutil.NewFS (vendor/github.com/tonistiigi/fsutil/fs.go:25-29): EvalSymlinks returned "" into root, so the
    // PathError names no path (observed with buildctl v0.32.2: `resolve : lstat <dir>: …`).
    throw new CommandError(`invalid local: resolve : lstat ${dir}: no such file or directory`);
  }
  if (!fs.statSync(real).isDirectory()) throw new CommandError(`invalid local: stat ${real}: not a directory`);
  const files = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(real, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(real);
  return files;
}

/**
 * `buildctl build`: the flags as the real one parses them, in its order (outputs, opts, locals; build.go:225-283);
 * a build without --frontend (LLB on stdin) is not emulated. Progress in the plain format on stderr; a local
 * output written into `dest`.
 */
async function build(args, globals, version) {
  const values = commandFlags(args, BUILD_FLAGS, { globals, version }).values;
  const unsupported = BUILD_NOT_EMULATED.find((k) => values[k] !== undefined);
  if (unsupported) throw new CommandError(`fake buildctl: build --${unsupported} is not emulated`);
  const outputs = /** @type {string[]} */ (values.output ?? []).map(parseOutput);
  if (outputs.length > 1) throw new CommandError('fake buildctl: more than one --output is not emulated');
  let opts;
  try {
    opts = attrMap(values.opt);
  } catch (e) {
    throw new CommandError(`invalid opt: ${e.message}`);
  }
  let localDirs;
  try {
    localDirs = attrMap(values.local);
  } catch (e) {
    throw new CommandError(`invalid local: ${e.message}`);
  }
  const locals = Object.fromEntries(Object.entries(localDirs).map(([k, d]) => [k, readLocal(d)]));
  if (!values.frontend)
    throw new CommandError('fake buildctl: an LLB definition on stdin is not emulated; use --frontend dockerfile.v0');
  if (values['no-cache']) opts['no-cache'] = '';
  globals.addr ??= process.env.BUILDKIT_HOST || DEFAULT_ADDR;
  const names = new Map();
  const result = await callWithWait(
    globals,
    'build',
    { frontend: values.frontend, opts, locals, output: outputs[0] },
    (ev) => {
      // BuildKit's plain progress (util/progress/progressui/printer.go): `#N name`, `#N <t> <log>`, `#N DONE <t>s`
      // or `#N ERROR: <text>`.
      if (ev.event === 'vertex') {
        names.set(ev.vertex, names.size + 1);
        process.stderr.write(`#${names.get(ev.vertex)} ${ev.name}\n`);
      } else if (ev.event === 'log')
        process.stderr.write(`#${names.get(ev.vertex)} ${(ev.seconds ?? 0).toFixed(3)} ${ev.text}\n`);
      else if (ev.event === 'error') process.stderr.write(`#${names.get(ev.vertex)} ERROR: ${ev.text}\n`);
      else if (ev.event === 'done')
        process.stderr.write(`#${names.get(ev.vertex)} DONE ${(ev.seconds ?? 0).toFixed(1)}s\n\n`);
    }
  ).catch((e) => {
    throw new CommandError(e.message);
  });
  if (outputs[0]?.type === 'local') {
    for (const [rel, b64] of Object.entries(result.files ?? {})) {
      const p = path.join(outputs[0].dest, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, Buffer.from(b64, 'base64'));
    }
  }
}

/** An OCI platform in Go's field order (architecture, os, variant), as buildctl prints it. */
function platformObject(p) {
  const [os, architecture, variant] = p.split('/');
  return variant ? { architecture, os, variant } : { architecture, os };
}

main().catch((e) => {
  process.stderr.write(`error: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
