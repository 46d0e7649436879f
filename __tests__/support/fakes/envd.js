#!/usr/bin/env node
// @ts-check
'use strict';
// Fake envd (v1.3.4 contract): a test stand-in for tensorchord/envd (see ../README.md).
// Self-contained on purpose: it runs as CommonJS or as ESM (no static imports, no require, no import.meta),
// so the file keeps working when copied anywhere, e.g. as a release asset or into a tool cache.
const BAKED_VERSION = null; // @fake-baked-version: release assets replace this line
const DEFAULT_VERSION = 'v1.3.4';
const BUILDERS = ['docker-container', 'kube-pod', 'tcp', 'unix', 'moby-worker', 'nerdctl-container'];
const RUNNERS = ['docker', 'envd-server'];
const DEFAULT_CONTEXT = {
  name: 'default',
  builder: 'moby-worker',
  builder_address: 'envd_buildkitd',
  runner: 'docker'
};
const LABEL_DIGEST = 'ai.tensorchord.envd.build.digest';
const LABEL_CONTEXT = 'ai.tensorchord.envd.build.context';
const LABEL_SYNTAX = 'ai.tensorchord.envd.syntax.version';

// Node built-ins, loaded in main() with dynamic import() (no static import: the file must also run as CommonJS).
/** @type {typeof import('node:fs')} */
let fs;
/** @type {typeof import('node:path')} */
let path;
/** @type {typeof import('node:os')} */
let os;
/** @type {typeof import('node:net')} */
let net;
/** @type {typeof import('node:crypto')} */
let crypto;
let VERSION = DEFAULT_VERSION;

// Shared with the other fakes (one copy: ./shared.mjs), loaded in main(): parseBool.
/** @type {typeof import('./shared.mjs').parseBool} */
let parseBool;
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
      `fake envd: cannot load ${file} (copy shared.mjs along with the fake, or make a self-contained copy with bakeFake): ${e && e.message ? e.message : e}`
    );
  }
}

// ---------------------------------------------------------------------------------------------- basics

/** @param {string | Buffer} data */
const sha256hex = (data) => crypto.createHash('sha256').update(data).digest('hex');
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** @param {string} text */
const out = (text) => {
  process.stdout.write(text);
};
/** The message of a thrown value. @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

function toolVersion() {
  if (process.env.FAKE_ENVD_VERSION) return process.env.FAKE_ENVD_VERSION;
  try {
    const v = fs.readFileSync(path.join(path.dirname(path.resolve(process.argv[1])), 'VERSION'), 'utf8').trim();
    if (v) return v;
  } catch {
    // no VERSION file next to the script
  }
  return BAKED_VERSION || DEFAULT_VERSION;
}

/** @typedef {'debug' | 'info' | 'warning' | 'error' | 'fatal'} Level */
/** @type {{level: Level}} */
const LOG = { level: 'info' };
/** @type {Record<Level, number>} */
const LEVELS = { debug: 1, info: 2, warning: 3, error: 4, fatal: 5 };
/**
 * A logrus text value: bare when it is only `[A-Za-z0-9-._/@^+]` (logrus text_formatter.go needsQuoting), else
 * quoted with Go's %q (strconv.Quote), which is not JSON: `\a`, `\v`, `\x1b`, `\u2028`, printable Unicode as is.
 * @param {unknown} v
 */
function logValue(v) {
  const s = String(v);
  return /^[A-Za-z0-9\-._/@^+]*$/.test(s) ? s : goQuote(s);
}
/** @type {Record<string, string>} */
const GO_ESCAPES = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"'
};
/**
 * Go's strconv.Quote: Go escapes for the named controls, `\xHH` for other ASCII controls and DEL, `\uHHHH` /
 * `\UHHHHHHHH` for other runes that are not printable (unicode.IsPrint: letters, marks, numbers, punctuation,
 * symbols and the ASCII space).
 * @param {string} text
 */
function goQuote(text) {
  let quoted = '"';
  for (const ch of text) {
    const cp = /** @type {number} */ (ch.codePointAt(0));
    if (GO_ESCAPES[ch]) quoted += GO_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) quoted += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) quoted += ch;
    else if (cp < 0x10000) quoted += `\\u${cp.toString(16).padStart(4, '0')}`;
    else quoted += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${quoted}"`;
}
/**
 * logrus TextFormatter{FullTimestamp: true} without a TTY: `time="…" level=… msg=… key=value…` (keys sorted).
 * @param {Level} level
 * @param {string} msg
 * @param {Record<string, unknown>} [fields]
 */
function log(level, msg, fields = {}) {
  if (LEVELS[level] < LEVELS[LOG.level]) return;
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const extra = Object.keys(fields)
    .sort()
    .map((k) => ` ${k}=${logValue(fields[k])}`)
    .join('');
  process.stderr.write(`time=${logValue(time)} level=${level} msg=${logValue(msg)}${extra}\n`);
}

/** An error that ends the command through envd's ExitErrHandler (logrus fatal, exit 1). */
class EnvdError extends Error {}
/** A usage error from urfave/cli: "Incorrect Usage" + help on stdout, `error: …` on stderr, exit 1. */
class UsageError extends Error {}
/** Go's log.Fatal: `2006/01/02 15:04:05 <text>` (local time) on stderr, exit 1, no logrus line. */
class GoLogFatal extends Error {}

// Go durations (time.ParseDuration / Duration.String), milliseconds in JS.
/** @type {Record<string, number>} */
const DURATION_UNITS = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
/** @param {string} text */
function parseGoDuration(text) {
  if (text === '0') return 0;
  const s = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    matched = re.lastIndex;
  }
  if (!s || matched !== s.length) throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  return text.startsWith('-') ? -total : total;
}
/** @param {number} n */
const trimNum = (n) => String(Number(n.toFixed(9)));
/** @param {number} ms */
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

// ---------------------------------------------------------------------------------------- flag parsing

/**
 * @typedef {object} FlagDef
 * @property {string} name
 * @property {string[]} [aliases]
 * @property {'bool' | 'string'} type
 * @property {string | boolean} value
 * @property {string[]} [env]
 * @property {boolean} [required]
 * @property {string} [usage]
 * @property {string} [defaultText] what the help shows as the default (urfave/cli DefaultText)
 * @property {boolean} [hidden]
 */
/**
 * Flag values by name: strings for string flags, booleans for bool flags (urfave/cli's Context.String / Bool).
 * @typedef {Record<string, any>} FlagValues
 */
/** @typedef {{values: FlagValues, set: Set<string>, help: boolean, rest: string[], usage?: () => string}} ParsedFlags */
/**
 * urfave/cli v2 over Go's flag package: `-x`/`--x`, `--x=v`/`--x v`; a bool flag takes no separate value;
 * parsing stops at the first non-flag argument or `--`; a repeated string flag keeps the last value.
 * @param {string[]} args
 * @param {FlagDef[]} defs
 * @returns {ParsedFlags}
 */
function parseFlags(args, defs) {
  /** @type {Map<string, FlagDef>} */
  const byName = new Map();
  for (const d of defs) for (const n of [d.name, ...(d.aliases ?? [])]) byName.set(n, d);
  /** @type {FlagValues} */
  const values = {};
  /** @type {Set<string>} */
  const set = new Set();
  let help = false;
  for (const d of defs) {
    values[d.name] = d.value;
    const envName = (d.env ?? []).find((e) => process.env[e] !== undefined && process.env[e] !== '');
    if (envName) {
      const raw = process.env[envName] ?? '';
      if (d.type === 'bool') {
        // urfave/cli v2.27.7 flag_bool.go:113-118: Go's strconv.ParseBool on the value as is (not trimmed), the
        // source written by flag.go:378-383; a usage error of the command (command.go:164-183).
        const b = parseBool(raw);
        if (b === undefined) {
          throw new UsageError(
            `could not parse ${goQuote(raw)} as bool value from environment variable ${goQuote(envName)} for flag ${d.name}: strconv.ParseBool: parsing ${goQuote(raw)}: invalid syntax`
          );
        }
        values[d.name] = b;
      } else values[d.name] = raw;
      set.add(d.name);
    }
  }
  let i = 0;
  while (i < args.length) {
    const a = args[i];
    if (a.length < 2 || a[0] !== '-') break;
    let minus = 1;
    if (a[1] === '-') {
      minus = 2;
      if (a.length === 2) {
        i++;
        break;
      }
    }
    let name = a.slice(minus);
    if (!name || name[0] === '-' || name[0] === '=') throw new UsageError(`bad flag syntax: ${a}`);
    i++;
    let value = '';
    let hasValue = false;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
      hasValue = true;
    }
    const d = byName.get(name);
    if (!d) {
      if (name === 'help' || name === 'h') {
        help = true;
        continue;
      }
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
    if (d.type === 'bool') {
      if (hasValue) {
        const b = parseBool(value);
        if (b === undefined) throw new UsageError(`invalid boolean value ${goQuote(value)} for -${name}: parse error`);
        values[d.name] = b;
      } else values[d.name] = true;
    } else {
      if (!hasValue) {
        if (i >= args.length) throw new UsageError(`flag needs an argument: -${name}`);
        value = args[i++];
      }
      values[d.name] = value;
    }
    set.add(d.name);
  }
  return { values, set, help, rest: args.slice(i) };
}

/** @type {FlagDef[]} */
const GLOBAL_FLAGS = [
  { name: 'debug', type: 'bool', value: false, usage: 'enable debug output in logs' },
  { name: 'analytics-enabled', type: 'bool', value: true, env: ['ENVD_ANALYTICS'], usage: 'enable analytics' },
  {
    name: 'analytics-token',
    type: 'string',
    value: 'fake-analytics-token',
    env: ['ENVD_ANALYTICS_TOKEN'],
    hidden: true
  },
  { name: 'buildkitd-image', type: 'string', value: 'docker.io/moby/buildkit:v0.19.0', hidden: true },
  { name: 'docker-organization', type: 'string', value: 'tensorchord', hidden: true },
  { name: 'owner', type: 'string', value: '', env: ['ENVD_BUILD_OWNER'], hidden: true }
];

function homeConfigDir() {
  return path.join(os.homedir(), '.config', 'envd');
}

/** @returns {FlagDef[]} */
const BUILD_FLAGS = () => [
  // envd v1.3.4 pkg/app/build.go:41-100 (usages verbatim: a `quoted` part is the help's placeholder).
  {
    name: 'tag',
    aliases: ['t'],
    type: 'string',
    value: '',
    defaultText: 'PROJECT:dev',
    usage: "Name and optionally a tag in the 'name:tag' format"
  },
  {
    name: 'from',
    aliases: ['f'],
    type: 'string',
    value: 'build.envd:build',
    usage: 'Function to execute, format `file:func`'
  },
  {
    name: 'use-proxy',
    aliases: ['proxy'],
    type: 'bool',
    value: false,
    usage: 'Use HTTPS_PROXY/HTTP_PROXY/NO_PROXY in the build process'
  },
  {
    name: 'path',
    aliases: ['p'],
    type: 'string',
    value: '.',
    usage: 'Path to the directory containing the build.envd'
  },
  {
    name: 'public-key',
    aliases: ['pubk'],
    type: 'string',
    value: path.join(homeConfigDir(), 'id_rsa_envd.pub'),
    hidden: true
  },
  {
    name: 'output',
    aliases: ['o'],
    type: 'string',
    value: '',
    usage: 'Output destination (e.g. `type=tar,dest=path,push=true`)'
  },
  { name: 'force', type: 'bool', value: false, usage: 'Force rebuild the image' },
  {
    name: 'export-cache',
    aliases: ['ec'],
    type: 'string',
    value: '',
    usage:
      "Export the cache (e.g. `type=registry,ref=<image>`). The default `moby-worker` builder doesn't support this unless the docker-ce has enabled the `containerd` image store. You can run `envd context create --name docker --builder docker-container --use` to use this feature."
  },
  {
    name: 'import-cache',
    aliases: ['ic'],
    type: 'string',
    value: '',
    usage: 'Import the cache (e.g. `type=registry,ref=<image>`)'
  },
  {
    name: 'platform',
    type: 'string',
    value: '',
    defaultText: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    usage:
      'Specify the target platforms for the build output (for example, "windows/amd64" or "linux/amd64,darwin/arm64").\nBuild images with same tags could cause image overwriting, platform suffixes will be added to differentiate the images.'
  }
];
/** @type {Record<string, FlagDef[]>} */
const CONTEXT_FLAGS = {
  create: [
    { name: 'name', type: 'string', value: '', required: true, usage: 'Name of the context' },
    {
      name: 'builder',
      type: 'string',
      value: 'docker-container',
      usage: 'Builder to use (docker-container, kube-pod, tcp, unix, moby-worker, nerdctl-container)'
    },
    { name: 'builder-address', type: 'string', value: 'envd_buildkitd', usage: 'Builder address' },
    { name: 'runner', type: 'string', value: 'docker', usage: 'Runner to use (docker, envd-server)' },
    { name: 'runner-address', type: 'string', value: '', usage: 'Runner address' },
    { name: 'use', type: 'bool', value: false, usage: 'Use the context' }
  ],
  use: [{ name: 'name', type: 'string', value: '', required: true, usage: 'Name of the context' }],
  rm: [{ name: 'name', type: 'string', value: '', usage: 'Name of the context' }],
  ls: [{ name: 'format', aliases: ['f'], type: 'string', value: 'table', usage: 'Output format (json, table)' }]
};
/** @type {FlagDef[]} */
const VERSION_FLAGS = [
  { name: 'short', aliases: ['s'], type: 'bool', value: false, usage: 'Only print the version number' },
  { name: 'detail', aliases: ['d'], type: 'bool', value: false, usage: 'Print details about the envd environment' },
  { name: 'format', aliases: ['f'], type: 'string', value: 'table', usage: 'Output format (json, table)' }
];
/** @type {FlagDef[]} */
const BOOTSTRAP_FLAGS = [
  { name: 'buildkit', aliases: ['b'], type: 'bool', value: true },
  { name: 'with-autocomplete', type: 'bool', value: true },
  { name: 'dockerhub-mirror', aliases: ['m'], type: 'string', value: '' },
  { name: 'registry-ca-keypair', aliases: ['ca'], type: 'string', value: '' },
  { name: 'ssh-keypair', aliases: ['k'], type: 'string', value: '' },
  { name: 'use-http', type: 'bool', value: false },
  { name: 'registry', aliases: ['r'], type: 'string', value: 'docker.io' },
  { name: 'registry-config', type: 'string', value: '' }
];
/** @type {[string, string[], string][]} */
const COMMANDS = [
  ['bootstrap', [], 'Bootstrap the envd installation'],
  ['create', [], 'Create the envd environment from the existing image'],
  ['completion', [], 'Install shell completion scripts for envd'],
  ['context', [], 'Manage envd contexts'],
  ['build', ['b'], 'Build the envd environment'],
  ['destroy', ['down'], 'Destroy the envd environment'],
  ['envs', ['env'], 'Manage envd environments'],
  ['images', ['image'], 'Manage envd images'],
  ['init', ['i'], 'Automatically generate the build.envd'],
  ['login', [], 'Login to the envd server'],
  ['pause', ['p'], 'Pause the envd environment'],
  ['prune', [], 'Clean up the build cache'],
  ['run', [], 'Run the envd environment'],
  ['resume', ['r'], 'Resume the envd environment'],
  ['up', ['u'], 'Build and run the envd environment'],
  ['debug', [], 'debug commands'],
  ['version', ['v'], 'Print envd version information'],
  ['top', [], 'Show statistics about the containers managed by the environment'],
  ['reference', ['ref'], 'Print envd reference documentation']
];

function appHelp() {
  const flagLines = GLOBAL_FLAGS.filter((f) => !f.hidden)
    .map(
      (f) =>
        `\t--${f.name}\t${f.usage}${f.type === 'bool' ? ` (default: ${f.value})` : ''}${f.env ? ` [$${f.env[0]}]` : ''}`
    )
    .join('\n');
  return ` envd - Development environment for data science and AI/ML teams

 Usage:
    envd up --path <path>

    envd build --path <path> --output type=image,name=<image>,push=true

 Build and launch envd environments. Get more information at: https://envd.tensorchord.ai/.
 To get started with using envd, check out the getting started guide: https://envd.tensorchord.ai/guide/getting-started.html.
${COMMANDS.map(([n, a, u]) => ` ${[n, ...a].join(', ')}\t${u}`).join('\n')}

 Global Options:
${flagLines}
\t--help, -h\tshow help

 (fake envd: build, context, version and bootstrap are emulated; see __tests__/support/fakes/README.md)
`;
}
/**
 * One flag's help line as urfave/cli v2.27.7 writes it (flag.go:329-362 stringifyFlag): the placeholder is the first
 * `quoted` part of the usage, unquoted there (flag.go:248-262), else `value` for a flag that takes one; it follows
 * every name, one dash for a one-letter name (flag.go:237-280); then ` (default: …)`: DefaultText, else a bool's
 * value, else a non-empty string's value Go-quoted (flag_bool.go:83-91, flag_string.go:30-43, flag_path.go:32-44).
 * Columns are separated by a tab (the real help aligns them with text/tabwriter).
 * @param {FlagDef} d
 */
function flagHelp(d) {
  let usage = d.usage ?? '';
  let placeholder = '';
  const quoted = /`([^`]*)`/.exec(usage);
  if (quoted) {
    placeholder = quoted[1];
    usage = usage.slice(0, quoted.index) + quoted[1] + usage.slice(quoted.index + quoted[0].length);
  }
  if (d.type !== 'bool' && !placeholder) placeholder = 'value';
  const names = [d.name, ...(d.aliases ?? [])]
    .map((n) => `${n.length === 1 ? '-' : '--'}${n}${placeholder ? ` ${placeholder}` : ''}`)
    .join(', ');
  const def = d.defaultText ?? (d.type === 'bool' ? String(d.value) : d.value ? goQuote(String(d.value)) : '');
  return `   ${names}\t${`${usage}${def ? ` (default: ${def})` : ''}`.trim()}`;
}

/**
 * @param {string} name
 * @param {string} usage
 * @param {FlagDef[]} defs
 */
function commandHelp(name, usage, defs) {
  return `NAME:
   envd ${name} - ${usage}

USAGE:
   envd ${name} [command options] [arguments...]

OPTIONS:
${defs
  .filter((d) => !d.hidden)
  .map(flagHelp)
  .join('\n')}
   --help, -h\tshow help
`;
}

// -------------------------------------------------------------------------------------- home manager

/** @param {string} dir */
function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}
function contextsFile() {
  return path.join(homeConfigDir(), 'contexts');
}

/** home.Initialize: config/cache dirs (0700), the SSH key pair, the contexts file and buildkitd.toml. */
function homeInitialize() {
  const config = homeConfigDir();
  ensureDir(config);
  ensureDir(path.join(os.homedir(), '.cache', 'envd'));
  const priv = path.join(config, 'id_rsa_envd');
  const pub = `${priv}.pub`;
  if (fs.existsSync(pub) && fs.existsSync(priv)) {
    log('debug', `${pub} already present`);
    log('debug', `${priv} already present`);
  } else {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const sshString = (/** @type {Buffer} */ b) =>
      Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
    const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
    fs.writeFileSync(priv, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    fs.writeFileSync(pub, `ssh-ed25519 ${blob.toString('base64')} envd\n`, { mode: 0o644 });
    log('debug', 'generated a new SSH key pair', { path: priv });
  }
  if (!fs.existsSync(contextsFile())) saveContexts({ current: 'default', contexts: [{ ...DEFAULT_CONTEXT }] });
  fs.writeFileSync(path.join(config, 'buildkitd.toml'), '');
  log('debug', 'home manager initialized', {
    'config-file': path.join(config, 'config.envd'),
    'context-file': contextsFile()
  });
}
/**
 * @typedef {{name: string, builder: string, builder_address: string, runner: string, runner_address?: string}} Context
 * @typedef {{current: string, contexts: Context[]}} Contexts
 */
/** @returns {Contexts} */
function loadContexts() {
  try {
    const data = JSON.parse(fs.readFileSync(contextsFile(), 'utf8'));
    if (data && data.fake === 'envd-contexts/1' && Array.isArray(data.contexts)) return data;
  } catch {
    // fall through
  }
  throw new EnvdError(`failed to decode the context file ${contextsFile()}: not written by this (fake) envd`);
}
/** @param {Contexts} data */
function saveContexts(data) {
  ensureDir(homeConfigDir());
  fs.writeFileSync(
    contextsFile(),
    JSON.stringify({ fake: 'envd-contexts/1', current: data.current, contexts: data.contexts }, null, 2) + '\n',
    { mode: 0o600 }
  );
}
function currentContext() {
  const data = loadContexts();
  const c = data.contexts.find((x) => x.name === data.current);
  if (!c) throw new EnvdError(`failed to get the current context: cannot find context "${data.current}"`);
  return c;
}

/** @param {string[]} args */
function cmdContext(args) {
  const [sub, ...rest] = args;
  /** @type {Record<string, string>} */
  const usages = {
    create: 'Create envd context',
    use: 'Use the specified envd context',
    rm: 'Remove envd context',
    ls: 'List envd contexts'
  };
  if (!sub || sub === 'help' || sub === '-h' || sub === '--help') {
    out(
      'NAME:\n   envd context - Manage envd contexts\n\nCOMMANDS:\n   create  Create envd context\n   ls      List envd contexts\n   use     Use the specified envd context\n   rm      Remove envd context\n'
    );
    return;
  }
  if (!CONTEXT_FLAGS[sub]) throw new UsageError(`No help topic for '${sub}'`);
  const parsed = parseCommandFlags(`context ${sub}`, usages[sub], rest, CONTEXT_FLAGS[sub]);
  if (!parsed) return;
  const f = parsed.values;
  const data = loadContexts();
  switch (sub) {
    case 'create': {
      if (data.contexts.some((c) => c.name === f.name))
        throw new EnvdError(`failed to create context: context "${f.name}" already exists`);
      if (!BUILDERS.includes(f.builder)) throw new EnvdError('failed to create context: unknown builder type');
      if (!RUNNERS.includes(f.runner)) throw new EnvdError('failed to create context: unknown runner type');
      /** @type {Context} */
      const c = { name: f.name, builder: f.builder, builder_address: f['builder-address'], runner: f.runner };
      if (f['runner-address']) c.runner_address = f['runner-address'];
      data.contexts.push(c);
      if (f.use) data.current = f.name;
      saveContexts(data);
      // envd v1.3.4 pkg/app/context_create.go:70-98: both lines carry the command's fields.
      const fields = {
        cmd: 'context create',
        name: f.name,
        builder: f.builder,
        builderAddress: f['builder-address'],
        runner: f.runner,
        runnerAddress: f['runner-address'],
        use: f.use
      };
      log('info', `Context ${f.name} is created`, fields);
      if (f.use) log('info', `Current context is "${f.name}"`, fields);
      return;
    }
    case 'use':
      if (!data.contexts.some((c) => c.name === f.name))
        throw new EnvdError(`failed to use the specified context ${f.name}: context "${f.name}" does not exist`);
      data.current = f.name;
      saveContexts(data);
      log('info', `Current context is "${f.name}"`, { cmd: 'context use' });
      return;
    case 'rm':
      if (data.current === f.name)
        throw new EnvdError(`failed to remove context: cannot remove current context "${f.name}"`);
      if (!data.contexts.some((c) => c.name === f.name))
        throw new EnvdError(`failed to remove context: cannot find context "${f.name}"`);
      data.contexts = data.contexts.filter((c) => c.name !== f.name);
      saveContexts(data);
      log('info', `Context ${f.name} is removed`, { cmd: 'context remove' }); // pkg/app/context_rm.go:40-48
      return;
    case 'ls': {
      const rows = data.contexts.map((c) => ({
        context: c.name,
        builder: c.builder,
        builder_addr: `${c.builder}://${c.builder_address}`,
        runner: c.runner,
        ...(c.runner_address ? { runner_addr: c.runner_address } : {}),
        current: c.name === data.current
      }));
      if (f.format === 'json') out(JSON.stringify(rows, null, 2) + '\n');
      else if (f.format === 'table') {
        const lines = [['CONTEXT', 'BUILDER', 'BUILDER ADDR', 'RUNNER', 'RUNNER ADDR']];
        for (const r of rows)
          lines.push([
            r.current ? `${r.context} (current)` : r.context,
            r.builder,
            r.builder_addr,
            r.runner,
            r.runner_addr ?? ''
          ]);
        out(lines.map((l) => l.join('\t')).join('\n') + '\n');
      } else throw new EnvdError(`failed to list context: unknown format ${JSON.stringify(f.format)}`);
      return;
    }
  }
}

/**
 * Parses a command's flags; prints help and returns undefined for --help; checks required flags.
 * @param {string} name
 * @param {string} usage
 * @param {string[]} args
 * @param {FlagDef[]} defs
 * @returns {ParsedFlags | undefined}
 */
function parseCommandFlags(name, usage, args, defs) {
  let parsed;
  try {
    parsed = parseFlags(args, defs);
  } catch (e) {
    if (e instanceof UsageError) out(`Incorrect Usage: ${e.message}\n\n${commandHelp(name, usage, defs)}`);
    throw e;
  }
  if (parsed.help) {
    out(commandHelp(name, usage, defs));
    return undefined;
  }
  // urfave/cli v2.27.7 command.go:209-213 and errors.go:59-66: the command's help, then the error goes back past
  // envd's ExitErrHandler, so envd's main.go:54-73 prints `error: …` (no logrus line), exit 1.
  const missing = defs.filter((d) => d.required && !parsed.set.has(d.name)).map((d) => d.name);
  if (missing.length) {
    out(commandHelp(name, usage, defs));
    throw new UsageError(
      missing.length === 1
        ? `Required flag ${goQuote(missing[0])} not set`
        : `Required flags ${goQuote(missing.join(', '))} not set`
    );
  }
  parsed.usage = () => commandHelp(name, usage, defs);
  return parsed;
}

// --------------------------------------------------------------------------------------------- version

function versionInfo() {
  const commit = crypto.createHash('sha1').update(`tensorchord/envd ${VERSION}`).digest('hex');
  return {
    version: VERSION,
    build_date: '2026-02-07T00:00:00Z',
    git_commit: commit,
    git_tree_state: 'clean',
    git_tag: VERSION,
    go_version: 'go1.24.0',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`
  };
}
/** @param {string[]} args */
function cmdVersion(args) {
  const parsed = parseCommandFlags('version', 'Print envd version information', args, VERSION_FLAGS);
  if (!parsed) return;
  const f = parsed.values;
  const v = versionInfo();
  if (f.short) {
    out(`envd: ${v.version}\n`);
    return;
  }
  if (f.format === 'json') {
    out(
      JSON.stringify(
        {
          envd: v.version,
          build_date: v.build_date,
          git_commit: v.git_commit,
          git_tree_state: v.git_tree_state,
          git_tag: v.git_tag,
          go_version: v.go_version,
          compiler: v.compiler,
          platform: v.platform
        },
        null,
        2
      ) + '\n'
    );
    return;
  }
  if (f.format !== 'table') throw new EnvdError(`unknown format ${JSON.stringify(f.format)}`);
  out(
    `envd: ${v.version}\n  BuildDate: ${v.build_date}\n  GitCommit: ${v.git_commit}\n  GitTreeState: ${v.git_tree_state}\n  GitTag: ${v.git_tag}\n  GoVersion: ${v.go_version}\n  Compiler: ${v.compiler}\n  Platform: ${v.platform}\n`
  );
  if (f.detail) log('debug', 'failed to get the docker info: fake envd does not talk to Docker');
}

// ------------------------------------------------------------------------------------------ CSV (Go)

/**
 * The first record of `text`, read like Go's encoding/csv (comma, strict quotes, spaces kept).
 * @param {string} text
 * @returns {string[]}
 */
function csvRecord(text) {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n && (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n'))) {
    i += text[i] === '\r' ? 2 : 1;
    line++;
  }
  if (i >= n) throw new Error('EOF');
  const startLine = line;
  let lineStart = i;
  const perr = (/** @type {number} */ pos, /** @type {string} */ msg) => {
    const where =
      startLine !== line
        ? `record on line ${startLine}; parse error on line ${line}, column ${pos - lineStart + 1}`
        : `parse error on line ${line}, column ${pos - lineStart + 1}`;
    return new Error(`${where}: ${msg}`);
  };
  const fields = [];
  for (;;) {
    if (text[i] !== '"') {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n') j++;
      let field = text.slice(i, j);
      if (text[j] === '\n' && field.endsWith('\r')) field = field.slice(0, -1);
      const q = field.indexOf('"');
      if (q >= 0) throw perr(i + q, 'bare " in non-quoted-field');
      fields.push(field);
      if (j < n && text[j] === ',') {
        i = j + 1;
        continue;
      }
      return fields;
    }
    let j = i + 1;
    let field = '';
    for (;;) {
      if (j >= n) throw perr(n, 'extraneous or missing " in quoted-field');
      const c = text[j];
      if (c === '"') {
        if (text[j + 1] === '"') {
          field += '"';
          j += 2;
          continue;
        }
        const next = text[j + 1];
        if (next === undefined || next === ',' || next === '\n' || (next === '\r' && text[j + 2] === '\n')) break;
        throw perr(j + 1, 'extraneous or missing " in quoted-field');
      }
      if (c === '\r' && text[j + 1] === '\n') {
        j++;
        continue;
      }
      if (c === '\n') {
        line++;
        lineStart = j + 1;
      }
      field += c;
      j++;
    }
    fields.push(field);
    j++;
    if (j < n && text[j] === ',') {
      i = j + 1;
      continue;
    }
    return fields;
  }
}

/** @typedef {{type: string, attrs: Record<string, string>}} CacheEntry */
/**
 * envd's ParseExportCache / ParseImportCache (pkg/builder/util.go).
 * @param {'export' | 'import'} kind
 * @param {string} text
 * @returns {CacheEntry | null}
 */
function parseCacheFlag(kind, text) {
  if (!text) return null;
  if (!text.includes('type=')) {
    log(
      'warning',
      `--${kind}-cache ${text} is deprecated. Please use --${kind}-cache type=registry,ref=${text},<opt>=<optval>[,<opt>=<optval>] instead.`
    );
    return { type: 'registry', attrs: kind === 'export' ? { ref: text, mode: 'min' } : { ref: text } };
  }
  /** @type {CacheEntry} */
  const entry = { type: '', attrs: {} };
  for (const field of csvRecord(text)) {
    const eq = field.indexOf('=');
    if (eq < 0) throw new Error(`invalid value ${field}`);
    const key = field.slice(0, eq).toLowerCase();
    const value = field.slice(eq + 1);
    if (key === 'type') entry.type = value;
    else entry.attrs[key] = value;
  }
  if (!entry.type) throw new Error(`--${kind}-cache requires type=<type>`);
  if (kind === 'export' && !('mode' in entry.attrs)) entry.attrs.mode = 'min';
  return entry;
}

/** @typedef {{type: string, attrs: Record<string, string>, dest: string | null}} OutputEntry */
/**
 * envd's parseOutput (copied from buildctl): one CSV record, `dest` resolved on the client.
 * @param {string} text
 * @param {string} cwd
 * @returns {OutputEntry | null}
 */
function parseOutput(text, cwd) {
  if (!text) return null;
  /** @type {OutputEntry} */
  const entry = { type: '', attrs: {}, dest: null };
  for (const field of csvRecord(text)) {
    const eq = field.indexOf('=');
    if (eq < 0) throw new Error(`invalid value ${field}`);
    const key = field.slice(0, eq).toLowerCase();
    if (key === 'type') entry.type = field.slice(eq + 1);
    else entry.attrs[key] = field.slice(eq + 1);
  }
  if (!entry.type) throw new Error('type is required for output');
  if ('output' in entry.attrs)
    throw new Error(`output=${entry.attrs.output} not supported for --output, you meant dest=${entry.attrs.output}?`);
  const dest = entry.attrs.dest ?? '';
  switch (entry.type) {
    case 'local':
      if (!dest) throw new Error('output directory is required for local exporter');
      entry.dest = path.resolve(cwd, dest);
      delete entry.attrs.dest;
      break;
    case 'oci':
    case 'docker':
    case 'tar':
      if (dest && dest !== '-') {
        const abs = path.resolve(cwd, dest);
        if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
          throw new Error(`destination file ${dest} is a directory`);
        fs.writeFileSync(abs, '');
        entry.dest = abs;
      } else if (process.stdout.isTTY)
        throw new Error(`output file is required for ${entry.type} exporter. refusing to write to console`);
      delete entry.attrs.dest;
      break;
    default:
      if (dest) throw new Error(`output ${dest} is not supported by ${entry.type} exporter`);
  }
  return entry;
}

// ------------------------------------------------------------------------------------- build.envd parse

/** @param {string} line */
function stripComment(line) {
  let q = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}
/** @param {string} text */
function parenDepth(text) {
  let d = 0;
  let q = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if ('([{'.includes(c)) d++;
    else if (')]}'.includes(c)) d--;
  }
  return d;
}
/** @param {string} text */
function splitTopLevel(text) {
  const parts = [];
  let d = 0;
  let q = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if ('([{'.includes(c)) d++;
    else if (')]}'.includes(c)) d--;
    else if (c === ',' && d === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** @typedef {{params: {name: string, def?: string}[], body: string[]}} EnvdFunction */
/**
 * The functions of a build.envd: name → {params:[{name, def}], body:[statement text]}.
 * @param {string} text
 */
function parseEnvdFile(text) {
  /** @type {Map<string, EnvdFunction>} */
  const funcs = new Map();
  const lines = text.split(/\r?\n/);
  /** @type {EnvdFunction | null} */
  let current = null;
  let pending = '';
  let inDoc = '';
  for (const raw of lines) {
    if (inDoc) {
      if (raw.includes(inDoc)) inDoc = '';
      continue;
    }
    const indented = /^\s/.test(raw);
    const code = stripComment(raw).trimEnd();
    if (!code.trim() && !pending) continue;
    if (!indented && !pending) {
      current = null;
      const def = /^def\s+([A-Za-z_]\w*)\s*\((.*)\)\s*:\s*(.*)$/.exec(code);
      if (def) {
        const params = splitTopLevel(def[2]).map((p) => {
          const eq = p.indexOf('=');
          return eq < 0
            ? { name: p.replace(/^\*+/, '').trim() }
            : { name: p.slice(0, eq).trim(), def: p.slice(eq + 1).trim() };
        });
        current = { params, body: [] };
        funcs.set(def[1], current);
        if (def[3].trim()) current.body.push(def[3].trim());
      }
      continue;
    }
    if (!current) continue;
    const piece = code.trim();
    if (!pending && /^("""|''')/.test(piece)) {
      const marker = piece.slice(0, 3);
      if (!piece.slice(3).includes(marker)) inDoc = marker;
      continue;
    }
    pending = pending ? `${pending} ${piece}` : piece;
    if (pending.endsWith('\\')) {
      pending = pending.slice(0, -1).trimEnd();
      continue;
    }
    if (parenDepth(pending) > 0) continue;
    if (pending && pending !== 'pass') current.body.push(pending);
    pending = '';
  }
  if (current && pending && pending !== 'pass') current.body.push(pending);
  return funcs;
}

/**
 * Replaces parameter names (not attribute names, not keyword names) outside string literals.
 * @param {string} stmt
 * @param {Map<string, string>} bindings
 */
function substitute(stmt, bindings) {
  if (!bindings.size) return stmt;
  let outText = '';
  let q = '';
  for (let i = 0; i < stmt.length;) {
    const c = stmt[i];
    if (q) {
      outText += c;
      if (c === '\\') {
        outText += stmt[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === q) q = '';
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      outText += c;
      i++;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(stmt.slice(i));
    if (id) {
      const word = id[0];
      const before = outText.trimEnd().slice(-1);
      const after = stmt.slice(i + word.length).trimStart();
      const isKeyword = after.startsWith('=') && !after.startsWith('==');
      outText += bindings.has(word) && before !== '.' && !isKeyword ? bindings.get(word) : word;
      i += word.length;
      continue;
    }
    outText += c;
    i++;
  }
  return outText;
}

/**
 * The statements `func` runs, with calls to functions of the same file expanded (parameters substituted).
 * @param {Map<string, EnvdFunction>} funcs
 * @param {string} name
 * @param {string[]} args
 * @returns {string[]}
 */
function expandFunction(funcs, name, args, depth = 0) {
  const fn = /** @type {EnvdFunction} */ (funcs.get(name));
  /** @type {Map<string, string>} */
  const bindings = new Map();
  const positional = args.filter((a) => !/^[A-Za-z_]\w*\s*=(?!=)/.test(a));
  const keywords = new Map(
    args
      .filter((a) => /^[A-Za-z_]\w*\s*=(?!=)/.test(a))
      .map((a) => {
        const eq = a.indexOf('=');
        return [a.slice(0, eq).trim(), a.slice(eq + 1).trim()];
      })
  );
  fn.params.forEach((p, idx) => {
    const value = keywords.get(p.name) ?? positional[idx] ?? p.def;
    if (value !== undefined) bindings.set(p.name, value);
  });
  /** @type {string[]} */
  const steps = [];
  for (const stmt of fn.body) {
    const s = substitute(stmt, bindings);
    const call = /^([A-Za-z_]\w*)\s*\(([\s\S]*)\)$/.exec(s);
    if (call && funcs.has(call[1]) && depth < 16)
      steps.push(...expandFunction(funcs, call[1], splitTopLevel(call[2]), depth + 1));
    else steps.push(s.replace(/\s+/g, ' ').trim());
  }
  return steps;
}

// ------------------------------------------------------------------------------------------ the graph

/** @param {string} p */
function parsePlatform(p) {
  const parts = p.trim().toLowerCase().split('/');
  const osNames = ['linux', 'darwin', 'windows', 'freebsd'];
  /** @type {Record<string, string>} */
  const arches = {
    amd64: 'amd64',
    x86_64: 'amd64',
    'x86-64': 'amd64',
    arm64: 'arm64',
    aarch64: 'arm64',
    arm: 'arm',
    386: '386',
    i386: '386',
    ppc64le: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64'
  };
  let osName = 'linux';
  let arch;
  let variant;
  if (parts.length === 1) arch = arches[parts[0]];
  else {
    osName = parts[0];
    arch = arches[parts[1]];
    variant = parts[2];
  }
  if (!osNames.includes(osName) || !arch || parts.length > 3)
    throw new Error(`${JSON.stringify(p)}: unknown operating system or architecture: invalid argument`);
  return variant ? `${osName}/${arch}/${variant}` : `${osName}/${arch}`;
}

/**
 * The build graph: fixed base steps, a download stage (intermediate: only `mode=max` exports it), the user
 * setup (ENVD_BUILD_OWNER), one step per statement, the SSH key step (public key) and the final steps.
 * Keys chain over the parents, so the owner reaches every step from the user setup on, and the public key
 * every step from "install ssh keys" on.
 */
/** @typedef {{id: string, target: string, command: string, packages: string[]}} CacheMount */
/** @typedef {{key: string, name: string, parents: string[], inResult: boolean, mounts?: CacheMount[]}} Step */

/** envd's pip cache directory inside the build (envd v1.3.4 `pkg/lang/ir/v1/python.go:110`). */
const PIP_CACHE_DIR = '/root/.cache/pip';

/**
 * The cache mounts a statement's step runs with. envd v1.3.4 compiles `install.python_packages(name=[…])` into
 * `python -m pip install <names>` with the pip cache mounted shared under the id `CacheID(/root/.cache/pip)`
 * (`pkg/lang/ir/v1/python.go:117-127`), `<dir>/<environment name>-cpu`, or `-gpu` when the graph has CUDA
 * (`cache.go:23-32`); the environment name is the build path's base name. Other statements (and the
 * requirements files envd copies into the step, python.go:136-142) mount nothing here.
 * @param {string} stmt
 * @param {string} env
 * @param {boolean} gpu
 * @returns {CacheMount[] | undefined}
 */
function statementMounts(stmt, env, gpu) {
  const m = /^install\.python_packages\((.*)\)$/s.exec(stmt);
  if (!m) return undefined;
  const arg = splitTopLevel(m[1]).find((a) => /^name\s*=/.test(a)) ?? splitTopLevel(m[1])[0];
  const list = /\[(.*)\]/s.exec(arg ?? '');
  if (!list) return undefined;
  const packages = [...list[1].matchAll(/["']([^"']+)["']/g)].map((x) => x[1]);
  if (!packages.length) return undefined;
  return [
    {
      id: `${PIP_CACHE_DIR}/${env}-${gpu ? 'gpu' : 'cpu'}`,
      target: PIP_CACHE_DIR,
      command: `python -m pip install ${packages.join(' ')}`,
      packages
    }
  ];
}

/**
 * @param {{statements: string[], platform: string, uid: number, gid: number, publicKey: string, env?: string}} graph
 */
function buildGraph({ statements, platform, uid, gid, publicKey, env = 'envd' }) {
  /** @type {Step[]} */
  const steps = [];
  /**
   * @param {string} name
   * @param {Step[]} parents
   * @param {boolean} inResult
   * @param {string[]} [salt]
   */
  const add = (name, parents, inResult, salt = []) => {
    const key = `sha256:${sha256hex(JSON.stringify([name, parents.map((p) => p.key), platform, ...salt]))}`;
    const s = { key, name, parents: parents.map((p) => p.key), inResult };
    steps.push(s);
    return s;
  };
  const base = add('[internal] docker-image://docker.io/library/ubuntu:22.04', [], true);
  const sys = add('[internal] install system packages (apt-get install)', [base], true);
  const download = add('[internal] download micromamba (download stage)', [base], false);
  const user = add(`[internal] create user group envd(g:${gid}) and user envd(u:${uid})`, [sys], true, [
    `${uid}:${gid}`
  ]);
  const copy = add('[internal] copy micromamba from the download stage', [user, download], true);
  let prev = copy;
  const gpu = statements.some((st) => /^install\.cuda\(/.test(st));
  statements.forEach((stmt, i) => {
    prev = add(`[build.envd ${i + 1}/${statements.length}] ${stmt}`, [prev], true);
    const mounts = statementMounts(stmt, env, gpu);
    if (mounts) prev.mounts = mounts;
  });
  const ssh = add('[internal] install ssh keys', [prev], true, [publicKey]);
  const shell = add('[internal] configure the shell and the prompt', [ssh], true);
  const entry = add('[internal] set the entrypoint', [shell], true);
  return { steps, result: entry.key };
}

// ----------------------------------------------------------------------------------- buildkitd client

/**
 * An event of a solve, or a client-side write envd performs (see ../README.md, "Socket protocol").
 * @typedef {{event: string, vertex: string | number, name?: string, text?: string, seconds?: number, [key: string]: any}} SolveEvent
 * @typedef {{resolve: (value: any) => void, reject: (e: Error) => void, onEvent?: (ev: SolveEvent) => void}} Pending
 */
class Connection {
  /**
   * @param {import('node:net').Socket} socket
   * @param {string} addr
   */
  constructor(socket, addr) {
    this.socket = socket;
    this.addr = addr;
    /** @type {Map<number, Pending>} */
    this.pending = new Map();
    this.nextId = 1;
    this.buffer = '';
    this.closed = false;
    socket.setEncoding('utf8');
    socket.on('data', (/** @type {string} */ chunk) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (!line.trim()) continue;
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        const p = this.pending.get(msg.id);
        if (!p) continue;
        if (msg.event) {
          p.onEvent?.(msg.event);
          continue;
        }
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(Object.assign(new Error(msg.error), { remote: true }));
        else p.resolve(msg.result);
      }
    });
    const closed = (/** @type {Error | undefined} */ err) => {
      this.closed = true;
      for (const p of this.pending.values())
        p.reject(new Error(`rpc error: code = Unavailable desc = error reading from server: ${err?.message ?? 'EOF'}`));
      this.pending.clear();
    };
    socket.on('error', closed);
    socket.on('close', () => closed(undefined));
  }
  /**
   * @param {string} method
   * @param {object} params
   * @param {(ev: SolveEvent) => void} [onEvent]
   * @returns {Promise<any>}
   */
  request(method, params, onEvent) {
    if (this.closed) return Promise.reject(new Error('rpc error: code = Unavailable desc = connection closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onEvent });
      this.socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }
  close() {
    this.socket.destroy();
  }
}

/**
 * @param {string} addr
 * @returns {Promise<Connection>}
 */
function dial(addr) {
  return new Promise((resolve, reject) => {
    let options;
    if (addr.startsWith('unix://')) options = { path: addr.slice('unix://'.length) };
    else {
      const m = /^tcp:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(addr);
      if (!m) return reject(new Error(`invalid address ${addr}`));
      options = { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    }
    const socket = net.connect(options);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(new Connection(socket, addr));
    });
    socket.once('error', reject);
  });
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('deadline exceeded')), ms)))
  ]).finally(() => clearTimeout(timer));
}

/**
 * buildkitd.NewClient for tcp/unix builders: wait up to BUILDKIT_CONNECTING_TIMEOUT for the daemon.
 * @param {string} addr
 */
async function connectBuildkitd(addr) {
  const raw = process.env.BUILDKIT_CONNECTING_TIMEOUT;
  let timeoutMs = 5000;
  if (raw !== undefined && raw !== '') {
    try {
      timeoutMs = parseGoDuration(raw);
    } catch (e) {
      // envd panics on an unparsable duration.
      process.stderr.write(
        `panic: ${messageOf(e)}\n\ngoroutine 1 [running]:\ngithub.com/tensorchord/envd/pkg/buildkitd.NewClient(...)\n\t(fake envd)\n`
      );
      process.exit(2);
    }
  }
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const conn = await withTimeout(dial(addr), Math.max(20, deadline - Date.now()));
      try {
        await withTimeout(conn.request('version', {}), Math.max(20, deadline - Date.now()));
        return conn;
      } catch (e) {
        conn.close();
        throw e;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
  log('debug', 'failed to connect to buildkitd', { error: last ? messageOf(last) : '' });
  throw new Error(
    `failed to connect to buildkitd ${addr}: timeout ${formatGoDuration(timeoutMs)}: cannot connect to buildkitd`
  );
}

// -------------------------------------------------------------------------------------- progress (plain)

/**
 * envd's fork of BuildKit's plain printer, without a TTY. A vertex gets its number only when it is first
 * printed (envd v1.3.4 pkg/progress/progressui/printer.go:62-65), and a log line is formatted with the number
 * its vertex has when the log arrives (display.go:576), then printed as is (printer.go:160). So the logs that
 * reach a step before its first print read `#0 <t> <text>`, under the step's header. Here a vertex is printed
 * at its first event other than a log; the logs before that are the `#0` ones.
 */
class Printer {
  constructor() {
    this.n = 0;
    /** @type {Map<string, {n: number, name: string, early: string[], last: string[], failed: boolean}>} */
    this.vertices = new Map();
  }
  /**
   * When the solve ends, envd repeats the last 10 log lines of every failed vertex, as they were formatted
   * (with their `#N <t>` prefixes, `#0` included), between `------` lines (envd v1.3.4
   * pkg/progress/progressui/display.go:586-609, called at :101; logsBufferSize 10, printer.go:37).
   */
  errorLogs() {
    for (const v of this.vertices.values()) {
      if (!v.failed) continue;
      out(`------\n > ${v.name}:\n`);
      for (const line of v.last) out(`${line}\n`);
      out('------\n');
    }
  }
  /** @param {string} id */
  num(id) {
    const v = this.vertices.get(id);
    if (!v) return 0;
    if (!v.n) {
      v.n = ++this.n;
      out(`#${v.n} ${v.name}\n`);
      for (const line of v.early) out(`${line}\n`);
      v.early = [];
    }
    return v.n;
  }
  /**
   * @param {string|number} prefix
   * @param {{event: string, vertex: string|number, name?: string, text?: string, seconds?: number}} ev
   */
  event(prefix, ev) {
    const id = `${prefix}/${ev.vertex}`;
    switch (ev.event) {
      case 'vertex':
        if (!this.vertices.has(id))
          this.vertices.set(id, { n: 0, name: ev.name ?? '', early: [], last: [], failed: false });
        // A vertex's start is an update of its own: the printer shows a started vertex as the active one when
        // nothing else is (BuildKit v0.32.2 util/progress/progressui/printer.go:255-268, envd's copy the same). A
        // cache import starts alone, before any step, so its header is printed as it starts, and stays the last
        // line while the import hangs (issue 21: "hangs at `importing cache manifest from …`").
        if (/^importing cache manifest from /.test(ev.name ?? '')) this.num(id);
        return;
      case 'status':
        return out(`#${this.num(id)} ${ev.text}\n`);
      case 'log': {
        const v = this.vertices.get(id);
        const line = `#${v?.n ?? 0} ${Number(ev.seconds ?? 0).toFixed(3)} ${ev.text}`;
        if (v) v.last = [...v.last, line].slice(-10);
        if (v && !v.n) v.early.push(line);
        else out(`${line}\n`);
        return;
      }
      // A later state replaces an error: BuildKit keeps each vertex's last Error (util/progress/progressui/
      // display.go:607, printErrorLogs :785-787 at v0.32.2), so a step rebuilt after `ERROR: blob …: not found`
      // gets no error-log block.
      case 'cached':
        this.clearFailed(id);
        return out(`#${this.num(id)} CACHED\n\n`);
      case 'done':
        this.clearFailed(id);
        return out(`#${this.num(id)} DONE ${Number(ev.seconds ?? 0).toFixed(1)}s\n\n`);
      case 'error': {
        const v = this.vertices.get(id);
        if (v) v.failed = true;
        return out(`#${this.num(id)} ERROR: ${ev.text}\n\n`);
      }
    }
  }
  /** @param {string} id */
  clearFailed(id) {
    const v = this.vertices.get(id);
    if (v) v.failed = false;
  }
  /** Prints what is left (a vertex that got only logs). */
  flush() {
    for (const id of this.vertices.keys()) this.num(id);
  }
}

// ------------------------------------------------------------------------------------- client exports

function dockerStoreFile() {
  return path.join(
    process.env.FAKE_DOCKER_ROOT || path.join(os.homedir(), '.local', 'share', 'fake-docker'),
    'images.json'
  );
}
function loadDockerImages() {
  try {
    return JSON.parse(fs.readFileSync(dockerStoreFile(), 'utf8'));
  } catch {
    return {};
  }
}
/** @typedef {{configDigest: string, digest: string, config: {labels: Record<string, string>, platform: string}}} FakeImage */
/**
 * @param {string} name
 * @param {FakeImage} image
 */
function dockerLoad(name, image) {
  const file = dockerStoreFile();
  const images = loadDockerImages();
  images[name] = {
    id: image.configDigest,
    digest: image.digest,
    labels: image.config.labels,
    platform: image.config.platform,
    created: Date.now()
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(images, null, 2));
  log('debug', 'loaded docker image successfully', { name });
}
/** @param {SolveEvent} ev */
function writeLocalCache(ev) {
  fs.mkdirSync(ev.dest, { recursive: true });
  for (const [rel, b64] of Object.entries(/** @type {Record<string, string>} */ (ev.files))) {
    const file = path.join(ev.dest, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
  }
  fs.writeFileSync(path.join(ev.dest, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const indexFile = path.join(ev.dest, 'index.json');
  /** @type {{manifests?: {annotations?: Record<string, string>}[], [key: string]: unknown}} */
  let index;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
  } catch {
    index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] };
  }
  index.manifests = (index.manifests ?? []).filter(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] !== ev.tag
  );
  index.manifests.push({ ...ev.descriptor, annotations: { 'org.opencontainers.image.ref.name': ev.tag } });
  fs.writeFileSync(indexFile, JSON.stringify(index));
}
/**
 * @param {SolveEvent} ev
 * @param {OutputEntry | null} output
 */
function handleClientEvent(ev, output) {
  switch (ev.event) {
    case 'client-image':
      if (ev.exporter === 'docker' && !output) return dockerLoad(String(ev.name), ev.image);
      if (ev.dest)
        return fs.writeFileSync(
          ev.dest,
          JSON.stringify({ fake: 'image-archive', exporter: ev.exporter, image: ev.image }, null, 2)
        );
      return out(JSON.stringify({ fake: 'image-archive', exporter: ev.exporter, image: ev.image }) + '\n');
    case 'client-local-cache':
      return writeLocalCache(ev);
    case 'client-local-output':
      fs.mkdirSync(ev.dest, { recursive: true });
      for (const [rel, b64] of Object.entries(/** @type {Record<string, string>} */ (ev.files)))
        fs.writeFileSync(path.join(ev.dest, rel), Buffer.from(b64, 'base64'));
  }
}

// ----------------------------------------------------------------------------------------------- build

/**
 * envd's ParseFromStr (envd v1.3.4 pkg/builder/util.go:305-325): without `:` the whole value is the file;
 * otherwise it is split on every `:` and must give exactly two parts; an empty part keeps its default.
 * @param {string} from
 */
function parseFromStr(from) {
  if (!from.includes(':')) return { fileName: from || 'build.envd', funcName: 'build' };
  const parts = from.split(':');
  if (parts.length !== 2) throw new EnvdError('invalid from format, expected `file:func`');
  return { fileName: parts[0] || 'build.envd', funcName: parts[1] || 'build' };
}
/**
 * envd's FindFileAbsPath (pkg/util/fileutil/file.go:60-82): `<dir>/<file>` when it is an existing file (Go's
 * filepath.Join, so an absolute file name is still put under dir), else `$PWD/<file>`, existing or not.
 * @param {string} dir
 * @param {string} file
 */
function findFileAbsPath(dir, file) {
  const joined = path.join(dir, file);
  try {
    if (!fs.statSync(joined).isDirectory()) return path.resolve(joined);
  } catch {
    // not there: fall back to the working directory
  }
  return path.resolve(file);
}

const REF_DOMAIN = String.raw`(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?`;
const REF_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REFERENCE = new RegExp(
  String.raw`^((?:${REF_DOMAIN}/)?${REF_COMPONENT}(?:/${REF_COMPONENT})*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`
);
/**
 * distribution/reference Parse: the text unchanged when it is a reference, else its error.
 * @param {string} s
 */
function parseReference(s) {
  const m = REFERENCE.exec(s);
  if (!m) {
    if (s === '') throw new Error('repository name must have at least one component');
    if (REFERENCE.test(s.toLowerCase())) throw new Error('invalid reference format: repository name must be lowercase');
    throw new Error('invalid reference format');
  }
  if (m[1].length > 255) throw new Error('repository name must not be more than 255 characters');
  return s;
}
/**
 * envd's NormalizeName (pkg/driver/docker/docker.go:80-106): no 64-hex name; the part before the first `:`
 * lowercased (with a warning); spaces removed; then parsed as a reference, unchanged.
 * @param {string} name
 */
function normalizeName(name) {
  if (/^[a-f0-9]{64}$/.test(name))
    throw new EnvdError(
      `invalid repository name (${name}), cannot specify 64-byte hexadecimal strings, please rename it`
    );
  let s = name;
  const sep = s.indexOf(':');
  const remote = sep >= 0 ? s.slice(0, sep) : s;
  if (remote.toLowerCase() !== remote) {
    s = remote.toLowerCase() + (sep >= 0 ? s.slice(sep) : '');
    log(
      'warning',
      `The working directory's name is not lowercased: ${remote.toLowerCase()}, the image built will be lowercased to ${s}`
    );
  }
  s = s.replaceAll(' ', '');
  try {
    return parseReference(s);
  } catch (e) {
    throw new EnvdError(
      `failed to parse the name '${s}', please provide a valid image name: ${/** @type {Error} */ (e).message}`
    );
  }
}

/**
 * builder.Options as logrus writes a non-string field: fmt.Sprint of the struct, its values in field order with no
 * names (envd v1.3.4 pkg/builder/types.go:27-55; logrus v1.9 text_formatter.go appendValue).
 * @param {Record<string, unknown>} o
 */
function optionsStruct(o) {
  return `{${[o.manifest, o.config, o.progress, o.tag, o.buildContext, o.func, o.pubKey, o.output, o.exportCache, o.importCache, o.useProxy, o.platform].join(' ')}}`;
}

/**
 * @param {FlagValues} g the global flags
 * @param {string[]} args
 */
async function cmdBuild(g, args) {
  const parsed = parseCommandFlags('build', 'Build the envd environment', args, BUILD_FLAGS());
  if (!parsed) return;
  const f = parsed.values;

  // ParseBuildOpt (envd v1.3.4 pkg/app/build/build.go:97-133): the tag is parsed on every build, and
  // without --tag it is <basename(--path)>:dev, so a directory such as `.github` fails here.
  const buildContext = path.resolve(f.path);
  const { fileName, funcName } = parseFromStr(f.from);
  const manifest = findFileAbsPath(buildContext, fileName);
  const configFile = path.join(homeConfigDir(), 'config.envd');
  const tag = normalizeName(f.tag || `${path.basename(buildContext)}:dev`);
  const progressMode = g.debug ? 'plain' : 'auto';
  const opts = {
    manifest,
    config: configFile,
    func: funcName,
    buildContext,
    tag,
    output: f.output,
    pubKey: f['public-key'],
    progress: progressMode,
    exportCache: f['export-cache'],
    importCache: f['import-cache'],
    useProxy: f['use-proxy'],
    platform: f.platform
  };
  // envd v1.3.4 pkg/app/build.go:113-118: only these two fields.
  log('debug', 'starting build command', { 'builder-options': optionsStruct(opts), cmd: 'build' });

  // builder.New
  let output;
  try {
    output = parseOutput(f.output, process.cwd());
  } catch (e) {
    throw new EnvdError(`failed to create the builder: failed to parse output: ${messageOf(e)}`);
  }
  const ctx = currentContext();
  let source;
  try {
    source = fs.readFileSync(manifest, 'utf8');
  } catch (e) {
    // version.New opens the build file and dies in Go's plain log.Fatal, no logrus line
    // (envd v1.3.4 pkg/lang/version/version.go:72-75, called from pkg/builder/build.go:72).
    const code = /** @type {NodeJS.ErrnoException} */ (e).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : /** @type {Error} */ (e).message;
    throw new GoLogFatal(`open ${manifest}: ${reason}`);
  }
  const address = `${ctx.builder}://${ctx.builder_address}`;
  let conn = null;
  if (ctx.builder === 'unix' || ctx.builder === 'tcp') {
    try {
      conn = await connectBuildkitd(address);
    } catch (e) {
      throw new EnvdError(`failed to create the builder: failed to create buildkit client: ${messageOf(e)}`);
    }
  } else if (ctx.builder !== 'moby-worker') {
    throw new EnvdError(
      `failed to create the builder: failed to create buildkit client: failed to start buildkitd ${address}: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? (fake envd: the ${ctx.builder} builder is not emulated; use a unix or tcp context)`
    );
  }
  try {
    await build(g, f, {
      ctx,
      conn,
      output,
      manifest,
      configFile,
      funcName,
      buildContext,
      tag,
      source,
      address,
      progressMode
    });
  } finally {
    conn?.close();
  }
}

/**
 * @typedef {object} BuildInput
 * @property {Context} ctx
 * @property {Connection | null} conn
 * @property {OutputEntry | null} output
 * @property {string} manifest
 * @property {string} configFile
 * @property {string} funcName
 * @property {string} buildContext
 * @property {string} tag
 * @property {string} source
 * @property {string} address
 * @property {string} progressMode
 */
/**
 * @param {FlagValues} g the global flags
 * @param {FlagValues} f the build flags
 * @param {BuildInput} b
 */
async function build(g, f, b) {
  const printer = new Printer();
  // Interpret
  const funcs = parseEnvdFile(b.source);
  // No "parse build.envd and download/cache dependencies" line: envd's compile UI prints only on a console
  // (envd v1.3.4 pkg/progress/compileui/display.go:81-90).
  if (!funcs.has(b.funcName))
    throw new EnvdError(
      `failed to interpret: failed to exec starlark file ${b.manifest}: function ${b.funcName} not found`
    );
  const statements = expandFunction(funcs, b.funcName, []);
  const manifestHash = sha256hex(JSON.stringify({ func: b.funcName, statements }));

  // Build: the skip check (pkg/builder dep check), unless --force
  if (!f.force) {
    const image = loadDockerImages()[b.tag];
    const mtimes = [b.manifest, b.configFile].filter((p) => fs.existsSync(p)).map((p) => fs.statSync(p).mtimeMs);
    if (image && image.labels?.[LABEL_DIGEST] === manifestHash && image.created > Math.max(...mtimes)) {
      log('info', 'manifest is not updated, skip building', { tag: b.tag });
      return;
    }
  }

  // Compile
  let publicKey;
  try {
    publicKey = fs.readFileSync(f['public-key'], 'utf8');
  } catch (e) {
    throw new EnvdError(
      `failed to build the image: failed to compile: failed to compile build.envd: failed to read the public key ${f['public-key']}: open ${f['public-key']}: ${/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT' ? 'no such file or directory' : messageOf(e)}`
    );
  }
  // getUIDGID (envd v1.3.4 pkg/lang/ir/v1/util.go:74-99): --owner / ENVD_BUILD_OWNER first, then
  // config.owner() of the build file, then the current user. Errors wrapped at compile.go:150, build.go:176, :139.
  let uid = process.getuid?.() ?? 1000;
  let gid = process.getgid?.() ?? 1000;
  const compileError = (/** @type {string} */ text) =>
    new EnvdError(
      `failed to build the image: failed to compile: failed to compile build.envd: failed to get uid/gid: ${text}`
    );
  const atoi = (/** @type {string} */ text, /** @type {string} */ what) => {
    if (!/^[+-]?\d+$/.test(text))
      throw compileError(`failed to get ${what}: strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
    return Number(text);
  };
  const configOwner = statements
    .map((st) => /^config\.owner\((.*)\)$/.exec(st))
    .filter((m) => m !== null)
    .pop();
  if (g.owner) {
    const ids = g.owner.split(':');
    if (ids.length > 2) throw compileError(`wrong format for owner (uid:gid): ${g.owner}`);
    uid = atoi(ids[0], 'uid');
    gid = ids.length === 1 ? uid : atoi(ids[1], 'gid');
  } else if (configOwner) {
    const args = splitTopLevel(configOwner[1]);
    const arg = (/** @type {string} */ name, /** @type {number} */ index) => {
      const kw = args.find((a) => new RegExp(`^${name}\\s*=`).test(a));
      const positional = args.filter((a) => !/^[A-Za-z_]\w*\s*=/.test(a))[index];
      const text = kw ? kw.slice(kw.indexOf('=') + 1).trim() : positional;
      return text === undefined ? -1 : Number(text);
    };
    const [u, gg] = [arg('uid', 0), arg('gid', 1)];
    if (u !== -1 && gg !== -1) [uid, gid] = [u, gg];
  }
  let platforms;
  try {
    platforms = f.platform
      ? /** @type {string} */ (f.platform)
          .split(',')
          .filter((p) => p.trim())
          .map(parsePlatform)
      : ['linux/amd64'];
  } catch (e) {
    throw new EnvdError(`failed to build the image: failed to compile: failed to compile build.envd: ${messageOf(e)}`);
  }
  if (!platforms.length) platforms = ['linux/amd64'];

  const progressEnv = process.env.BUILDKIT_PROGRESS ?? '';
  if (!['', 'auto', 'tty', 'plain'].includes(progressEnv))
    throw new EnvdError(
      `failed to build the image: failed to create progress writer: invalid progress mode ${progressEnv}`
    );

  // build(): the export cache is parsed first, the import cache inside the build function.
  let exportEntry;
  try {
    exportEntry = parseCacheFlag('export', f['export-cache']);
  } catch (e) {
    throw new EnvdError(`failed to build the image: failed to build: failed to parse export cache: ${messageOf(e)}`);
  }
  const defaultDocker = !b.output;
  const chain = (/** @type {string} */ inner) =>
    new EnvdError(
      `failed to build the image: failed to build: failed to wait error group: ${defaultDocker ? 'Buildkit error' : 'failed to solve LLB'}: ${inner}`
    );
  const fail = (/** @type {string} */ inner) => {
    if (defaultDocker) log('error', `Buildkit error: ${inner}`);
    return chain(inner);
  };

  if (b.ctx.builder === 'moby-worker') {
    // Docker's built-in BuildKit on the classic image store registers only the inline exporter (envd #1974).
    if (exportEntry && exportEntry.type !== 'inline')
      throw fail(`failed to solve: unknown cache exporter: ${JSON.stringify(exportEntry.type)}`);
    throw new EnvdError(
      `failed to build the image: failed to build: fake envd: the moby-worker builder (Docker's built-in BuildKit) is not emulated; create a unix or tcp context (envd context create --builder unix|tcp --use)`
    );
  }
  // BuildKit client-side checks (client/solve.go parseCacheOptions).
  if (exportEntry?.type === 'local') {
    if (!exportEntry.attrs.dest) throw fail('local cache exporter requires dest');
    exportEntry.attrs.dest = path.resolve(exportEntry.attrs.dest);
    fs.mkdirSync(exportEntry.attrs.dest, { recursive: true });
    exportEntry.attrs.tag ??= 'latest';
  }
  if (exportEntry?.type === 'registry' && !exportEntry.attrs.ref) throw fail('registry cache exporter requires ref');

  let importEntry;
  try {
    importEntry = parseCacheFlag('import', f['import-cache']);
  } catch (e) {
    throw fail(`failed to solve: failed to get the import cache: ${messageOf(e)}`);
  }
  const dev = statements.some((s) => /^base\s*\(/.test(s) && /\bdev\s*=\s*True\b/.test(s));
  const imports = [];
  if (importEntry) imports.push(importEntry);
  if (dev)
    imports.push({
      type: 'registry',
      attrs: { ref: `ghcr.io/${g['docker-organization']}/python-cache:envd-${VERSION}` }
    });

  for (const [idx, platform] of platforms.entries()) {
    const graph = buildGraph({ statements, platform, uid, gid, publicKey, env: path.basename(b.buildContext) });
    const name = platforms.length > 1 ? `${b.tag}-${platform.split('/').slice(0, 2).join('-')}` : b.tag;
    const outputEntry = b.output
      ? { type: b.output.type, attrs: b.output.attrs, dest: b.output.dest }
      : { type: 'docker', attrs: { name } };
    const params = {
      steps: graph.steps,
      result: graph.result,
      platform,
      exports: exportEntry ? [exportEntry] : [],
      imports,
      output: outputEntry,
      labels: { [LABEL_DIGEST]: manifestHash, [LABEL_CONTEXT]: b.buildContext, [LABEL_SYNTAX]: 'v1' },
      failWith: process.env.FAKE_ENVD_FAIL_WITH || undefined,
      failLog: process.env.FAKE_ENVD_FAIL_LOG ? process.env.FAKE_ENVD_FAIL_LOG.split('\n') : undefined,
      proxy: f['use-proxy']
        ? {
            HTTPS_PROXY: process.env.HTTPS_PROXY ?? '',
            HTTP_PROXY: process.env.HTTP_PROXY ?? '',
            NO_PROXY: process.env.NO_PROXY ?? ''
          }
        : undefined
    };
    log('debug', 'build image with buildkit', { platform, type: outputEntry.type });
    /** @type {unknown} */
    let clientError;
    try {
      // Only unix and tcp contexts get here: the others failed above.
      await /** @type {Connection} */ (b.conn).request('solve', params, (ev) => {
        if (!ev.event.startsWith('client-')) return printer.event(idx, ev);
        try {
          handleClientEvent(ev, b.output);
        } catch (e) {
          clientError ??= e;
        }
      });
    } catch (e) {
      throw fail(messageOf(e));
    } finally {
      printer.flush();
      printer.errorLogs();
    }
    if (clientError) throw fail(`failed to solve: ${messageOf(clientError)}`);
    log('debug', 'llb def is solved successfully', { platform });
  }
  log('debug', 'build successfully');
}

// ------------------------------------------------------------------------------------------- bootstrap

/** @param {string[]} args */
async function cmdBootstrap(args) {
  const parsed = parseCommandFlags('bootstrap', 'Bootstrap the envd installation', args, BOOTSTRAP_FLAGS);
  if (!parsed) return;
  const f = parsed.values;
  if (f['ssh-keypair']) {
    const parts = f['ssh-keypair'].split(',');
    if (parts.length !== 2)
      throw new EnvdError(
        `failed to bootstrap: invalid ssh-keypair flag ${JSON.stringify(f['ssh-keypair'])}, expected "pub,priv"`
      );
    const [pub, priv] = parts.map((/** @type {string} */ p) => path.resolve(p.trim()));
    for (const p of [pub, priv])
      if (!fs.existsSync(p)) throw new EnvdError(`failed to bootstrap: ssh key ${p} does not exist`);
    fs.copyFileSync(pub, path.join(homeConfigDir(), 'id_rsa_envd.pub'));
    fs.copyFileSync(priv, path.join(homeConfigDir(), 'id_rsa_envd'));
    fs.chmodSync(path.join(homeConfigDir(), 'id_rsa_envd'), 0o600);
    log('info', 'ssh key pair is installed', { pub, priv });
  }
  if (f['registry-ca-keypair'] && !f['dockerhub-mirror'])
    throw new EnvdError('failed to bootstrap: registry-ca-keypair requires dockerhub-mirror');
  if (f.buildkit) {
    const ctx = currentContext();
    const address = `${ctx.builder}://${ctx.builder_address}`;
    if (ctx.builder === 'unix' || ctx.builder === 'tcp') {
      try {
        (await connectBuildkitd(address)).close();
      } catch (e) {
        throw new EnvdError(`failed to bootstrap: failed to create buildkit client: ${messageOf(e)}`);
      }
      log('info', 'The buildkit is running', { address });
    } else if (ctx.builder !== 'moby-worker') {
      throw new EnvdError(
        `failed to bootstrap: failed to start buildkitd ${address}: fake envd: the ${ctx.builder} builder is not emulated`
      );
    }
  }
  log('info', 'envd is bootstrapped');
}

// ------------------------------------------------------------------------------------------------ main

/** @param {string[]} argv */
async function run(argv) {
  let globals;
  try {
    globals = parseFlags(argv, GLOBAL_FLAGS);
  } catch (e) {
    if (e instanceof UsageError) {
      out(`Incorrect Usage: ${e.message}\n\n${appHelp()}`);
      throw e;
    }
    throw e;
  }
  if (globals.help || !globals.rest.length) {
    out(appHelp());
    return;
  }
  const g = globals.values;
  if (g.debug) LOG.level = 'debug';
  const [name, ...args] = globals.rest;
  const command = COMMANDS.find(([n, aliases]) => n === name || aliases.includes(name));
  if (name === 'help' || name === 'h') {
    out(appHelp());
    return;
  }
  if (!command) throw new UsageError(`No help topic for '${name}'`);
  try {
    homeInitialize();
  } catch (e) {
    throw new EnvdError(`failed to initialize home manager: ${messageOf(e)}`);
  }
  log('debug', g['analytics-enabled'] ? 'telemetry is enabled (the fake sends nothing)' : 'telemetry is disabled');
  {
    switch (command[0]) {
      case 'build':
        return await cmdBuild(g, args);
      case 'context':
        return cmdContext(args);
      case 'version':
        return cmdVersion(args);
      case 'bootstrap':
        return await cmdBootstrap(args);
      default:
        throw new EnvdError(`fake envd: the ${command[0]} command is not emulated`);
    }
  }
}

// No signal handler, as envd v1.3.4 sets none for a build (its one signal.Notify is pkg/syncthing/syncthing.go:186):
// SIGINT and SIGTERM end the process as Go's default does, and its connection to buildkitd closes with it.
async function main() {
  [fs, path, os, net, crypto] = await Promise.all(
    ['node:fs', 'node:path', 'node:os', 'node:net', 'node:crypto'].map((m) => import(m))
  );
  ({ parseBool } = await loadShared());
  VERSION = toolVersion();
  const argv = process.argv.slice(2);
  if (process.env.FAKE_ENVD_CALLS) {
    try {
      fs.appendFileSync(process.env.FAKE_ENVD_CALLS, JSON.stringify(argv) + '\n');
    } catch {
      // the call log is best effort
    }
  }
  if (process.env.FAKE_ENVD_STARTS) {
    // When this process was started (spawned by its caller), for the start-up benchmark; its pid, for the tests
    // that check nothing is left running.
    try {
      fs.appendFileSync(
        process.env.FAKE_ENVD_STARTS,
        JSON.stringify({ argv, startedAt: performance.timeOrigin, pid: process.pid }) + '\n'
      );
    } catch {
      // best effort
    }
  }
  try {
    await run(argv);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof GoLogFatal) {
      const d = new Date();
      const p2 = (/** @type {number} */ n) => String(n).padStart(2, '0');
      process.stderr.write(
        `${d.getFullYear()}/${p2(d.getMonth() + 1)}/${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${e.message}\n`
      );
      return 1;
    }
    const text = messageOf(e);
    if (!(e instanceof EnvdError))
      log('debug', 'unexpected error in the fake envd', { stack: e instanceof Error ? e.stack : '' });
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    process.stderr.write(
      `time=${logValue(time)} level=fatal msg=exit app=envd error=${logValue(text)} version=${logValue(VERSION)}\n`
    );
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`fake envd crashed: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  }
);
