/**
 * Inputs, read once: every raw string checked and turned into a typed value. All problems are collected, so
 * a workflow author sees every mistake in one run; each names the input, the bad value and the fix.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import semver from 'semver';
import { buildkitFloorMisses } from '../backends/buildkit.js';
import type { Mode } from '../backends/backend.js';
import { BACKEND_NAMES, backendOf, type Companion } from '../backends/index.js';
import { splitFlags } from '../builder/args.js';
import { ATTRIBUTES, type CacheType, type Direction } from '../backends/attributes.js';
import { CsvError, parseCsvRecord } from '../cache/csv.js';
import { parseImageRef } from '../cache/image-ref.js';
import { findSecrets, quoted, redactKnown } from '../cache/redact.js';
import { type CacheSpec, isBackend, parseCacheSpec, parseFields, validateCacheSpec } from '../backends/spec.js';
import { closest, didYouMean, nearestHint } from '../cache/suggest.js';
import { Input } from '../action/names.js';
import { type OutputSpec, parseOutput } from './output.js';
import { echo } from '../text/text.js';
import {
  DEFAULT_MOUNTS_MAX,
  type Helper,
  type MountsSetting,
  parseHelper,
  parseMountsSetting
} from '../mounts/mounts.js';
import { readSize } from './size.js';
import { readDuration } from './duration.js';
import { type BuilderAddress, isRemote, parseAddresses } from '../fleet/address.js';
import { pemSecrets, pemSource, type TlsInputs, tlsInputProblems } from '../fleet/tls.js';

export type CacheBackend = CacheType | 'none';
export type { Mode };
export type Auto<T> = 'auto' | T;

/** `address`: one running buildkitd or, with several, a fleet; `tls` for its tcp:// members. */
export type Builder =
  { kind: 'auto' } | { kind: 'docker-container' } | { kind: 'address'; addresses: BuilderAddress[]; tls?: TlsInputs };

export interface Inputs {
  path: string;
  from: { file: string; func: string };
  output?: OutputSpec;
  platform?: string;
  cache: CacheBackend;
  cacheScope?: string;
  cacheMode: Auto<Mode>;
  cacheWrite: Auto<boolean>;
  cacheRef?: string;
  cacheDir?: string;
  /** `cache-options` attributes, in the order given. */
  cacheOptions: Map<string, string>;
  exportCache?: CacheSpec;
  importCache?: CacheSpec;
  /** The matrix entry as canonical JSON (keys sorted), or the plain text given; undefined outside a matrix. */
  matrix?: string;
  githubToken: string;
  cacheBudget: Auto<number>;
  cachePrune: Auto<boolean>;
  /** `cache-timeout` in ms: how long a cache import or export may show no progress; 0: no limit. */
  cacheTimeoutMs: number;
  command: 'build' | 'prune';
  envdVersion: string;
  buildkitVersion: string;
  builder: Builder;
  buildkitdConfigInline: string;
  buildkitdFlags: string;
  dryRun: boolean;
  /** envd's package caches kept between runs (issue 23): which, the largest saved, the helper builds' image. */
  cacheMounts: { setting: MountsSetting; maxBytes: number; helper: Helper };
}

export interface Problem {
  input: Input;
  message: string;
}

/** What the action does with a value it is shown; the GitHub token is never echoed. */
const SECRET_INPUTS = new Set<Input>([Input.GithubToken]);
/** Certificates and keys: never echoed, each line of PEM text masked. */
const PEM_INPUTS = new Set<Input>([Input.BuilderTlsCa, Input.BuilderTlsCert, Input.BuilderTlsKey]);

/** The longest message the action writes about one input: values inside are capped at 200 already. */
const MAX_MESSAGE = 1000;

export function formatProblem(p: Problem): string {
  return `Input "${p.input}": ${echo(p.message, MAX_MESSAGE)}`;
}

type Raw = (name: Input) => string;

/**
 * Every secret-bearing value in the raw inputs, found without parsing them (they may be invalid): the
 * GitHub token whole, and credentials, URL userinfo and signed query parameters in every other input.
 * Register these with the runner before the first line is written.
 */
export function inputSecrets(raw: Raw): string[] {
  const found = new Set<string>();
  for (const name of Object.values(Input)) {
    const value = raw(name);
    if (SECRET_INPUTS.has(name)) {
      for (const v of [value, value.trim()]) if (v !== '') found.add(v);
    } else if (PEM_INPUTS.has(name)) {
      for (const v of pemSecrets(value)) found.add(v);
    } else for (const s of findSecrets(value)) found.add(s);
  }
  return [...found];
}

/** Booleans as YAML authors write them: true/false in any case. */
function bool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

function choice<T extends string>(text: string, allowed: readonly T[]): T | undefined {
  const t = text.trim().toLowerCase();
  return (allowed as readonly string[]).includes(t) ? (t as T) : undefined;
}

/** Keys of cache-options that have an input of their own. */
const OWNED_BY_INPUT: Record<string, string> = {
  type: 'cache',
  mode: 'cache-mode',
  scope: 'cache-scope',
  ref: 'cache-ref',
  dest: 'cache-dir',
  src: 'cache-dir'
};

/** The readers every section of parseInputs shares: trimmed text, a redacted rendering, and the problem list. */
interface InputReader {
  raw: Raw;
  text(name: Input): string;
  /** The value as a message may quote it: redacted, and *** for a secret input. */
  shown(name: Input): string;
  /** ` (did you mean "x"?)` with the allowed value nearest to the input's value. */
  hint(name: Input, allowed: readonly string[]): string;
  fail(input: Input, message: string): void;
  oneOf<T extends string>(name: Input, allowed: readonly T[], fallback: T): T;
  autoBool(name: Input): Auto<boolean>;
}

function inputReader(raw: Raw, problems: Problem[]): InputReader {
  // No message quotes a secret: values are quoted redacted (quoted()), and any known secret left in a
  // message (a token pasted into the wrong input) is replaced by *** here.
  const secrets = inputSecrets(raw);
  const fail = (input: Input, message: string) => void problems.push({ input, message: redactKnown(message, secrets) });
  const text = (name: Input) => raw(name).trim();
  const shown = (name: Input) =>
    SECRET_INPUTS.has(name) || PEM_INPUTS.has(name) ? '***' : quoted(redactKnown(text(name), secrets));
  // The nearest valid value, unless the value held a secret: a suggestion must not hint at what was masked.
  const hint = (name: Input, allowed: readonly string[]) =>
    shown(name).includes('***') ? '' : nearestHint(text(name), allowed);
  return {
    raw,
    text,
    shown,
    hint,
    fail,
    oneOf: (name, allowed, fallback) => {
      const value = text(name) === '' ? fallback : choice(text(name), allowed);
      if (value === undefined) fail(name, `${shown(name)} is not one of ${allowed.join(', ')}${hint(name, allowed)}`);
      return value ?? fallback;
    },
    autoBool: (name) => {
      const t = text(name);
      if (t === '' || t.toLowerCase() === 'auto') return 'auto';
      const b = bool(t);
      if (b === undefined)
        fail(name, `${shown(name)} is not auto, true or false${hint(name, ['auto', 'true', 'false'])}`);
      return b ?? 'auto';
    }
  };
}

export function parseInputs(raw: Raw): { inputs?: Inputs; problems: Problem[] } {
  const problems: Problem[] = [];
  const r = inputReader(raw, problems);
  const path = r.text(Input.Path) || '.';
  const from = readFrom(r);
  const { output, platform } = readOutputAndPlatform(r);
  const { cache, cacheScope, cacheMode, cacheWrite, cacheRef, cacheDir, cacheOptions, exportCache, importCache } =
    readCache(r);
  const matrix = canonicalMatrix(r.text(Input.Matrix));
  const { cacheBudget, cachePrune, command } = readBudgetAndCommand(r);
  const { envdVersion, buildkitVersion } = readTools(r, [cache, exportCache?.type, importCache?.type]);
  const { builder, buildkitdConfigInline, buildkitdFlags } = readBuilder(r, cache);
  const cacheTimeoutMs = readCacheTimeout(r);
  const cacheMounts = readCacheMounts(r, cache);

  const dryRunText = r.text(Input.DryRun);
  const dryRun = dryRunText === '' ? false : bool(dryRunText);
  if (dryRun === undefined)
    r.fail(Input.DryRun, `${r.shown(Input.DryRun)} is not true or false${r.hint(Input.DryRun, ['true', 'false'])}`);

  // inputs that only make sense together
  for (const { input, message } of backendOf(cache).inputProblems?.({ cacheRef, output }) ?? []) r.fail(input, message);

  const githubToken = r.raw(Input.GithubToken).trim();
  if (problems.length > 0) return { problems };
  return {
    problems,
    inputs: {
      path,
      from,
      output,
      platform,
      cache,
      cacheScope,
      cacheMode,
      cacheWrite,
      cacheRef,
      cacheDir,
      cacheOptions,
      exportCache,
      importCache,
      matrix,
      githubToken,
      cacheBudget,
      cachePrune,
      cacheTimeoutMs,
      command,
      envdVersion,
      buildkitVersion,
      builder,
      buildkitdConfigInline,
      buildkitdFlags,
      dryRun: dryRun ?? false,
      cacheMounts
    }
  };
}

/** from: file:function, as envd splits it. */
function readFrom(r: InputReader): Inputs['from'] {
  const fromText = r.text(Input.From) || 'build.envd:build';
  // envd splits --from on every ":" and wants exactly two parts (envd v1.3.4 pkg/builder/util.go:315-318).
  const colons = fromText.split(':').length - 1;
  const fromMatch = colons === 1 ? /^(.+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(fromText) : null;
  if (colons > 1)
    r.fail(
      Input.From,
      `${r.shown(Input.From)} has ${colons} colons; envd splits --from on every ":" and wants file:func (invalid from format, expected \`file:func\`): a build file whose name holds a colon cannot be used, rename it`
    );
  else if (!fromMatch)
    r.fail(
      Input.From,
      `${r.shown(Input.From)} is not file:function; write e.g. ${echo(fromText.split(':')[0] || 'build.envd')}:build`
    );
  const from = fromMatch ? { file: fromMatch[1], func: fromMatch[2] } : { file: 'build.envd', func: 'build' };

  return from;
}

function readOutputAndPlatform(r: InputReader): Pick<Inputs, 'output' | 'platform'> {
  let output: OutputSpec | undefined;
  if (r.text(Input.Output) !== '') {
    if (/[\r\n]/.test(r.text(Input.Output))) r.fail(Input.Output, 'envd accepts one output; give one line');
    else {
      const parsed = parseOutput(r.text(Input.Output));
      if (parsed.ok) output = parsed.value;
      else r.fail(Input.Output, `${r.shown(Input.Output)} ${parsed.problem}`);
    }
  }
  const platform = r.text(Input.Platform) || undefined;
  if (platform !== undefined) {
    if (platform.includes(','))
      r.fail(
        Input.Platform,
        `${r.shown(Input.Platform)} lists several platforms; envd would build them one after another into one cache ref. Build one platform per matrix entry`
      );
    else if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(platform))
      r.fail(Input.Platform, `${r.shown(Input.Platform)} is not os/arch[/variant], e.g. linux/amd64 or linux/arm64`);
  }

  return { output, platform };
}

/** An input that goes with one backend (its companion), given with another: the problem, else undefined. */
function companionProblem(input: Companion, cache: CacheBackend): string | undefined {
  if (backendOf(cache).companions.includes(input)) return undefined;
  const owner = BACKEND_NAMES.find((n) => backendOf(n).companions.includes(input));
  return `is only used with cache: ${owner} (cache is ${cache}); remove it`;
}

/** The cache backend and its companions: scope, mode, write, ref, dir, options and the raw flags. */
function readCache(
  r: InputReader
): Pick<
  Inputs,
  | 'cache'
  | 'cacheScope'
  | 'cacheMode'
  | 'cacheWrite'
  | 'cacheRef'
  | 'cacheDir'
  | 'cacheOptions'
  | 'exportCache'
  | 'importCache'
> {
  const cache = r.oneOf<CacheBackend>(Input.Cache, BACKEND_NAMES, 'gha');
  const cacheScope = r.text(Input.CacheScope) || undefined;
  if (cacheScope !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(cacheScope))
    r.fail(
      Input.CacheScope,
      `${r.shown(Input.CacheScope)} must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit (it becomes a cache key, a registry tag and a directory name)`
    );
  const cacheMode = r.oneOf<Auto<Mode>>(Input.CacheMode, ['auto', 'min', 'max'], 'auto');
  const fixed = backendOf(cache).fixedMode;
  if (fixed && cacheMode !== 'auto' && cacheMode !== fixed.mode) r.fail(Input.CacheMode, fixed.otherProblem(cacheMode));
  const cacheWrite = r.autoBool(Input.CacheWrite);

  const cacheRef = r.text(Input.CacheRef) || undefined;
  if (cacheRef !== undefined) {
    const wrong = companionProblem('cache-ref', cache);
    if (wrong) r.fail(Input.CacheRef, wrong);
    else {
      const ref = parseImageRef(cacheRef);
      if (!ref.ok) r.fail(Input.CacheRef, ref.problem);
    }
  }
  const cacheDir = r.text(Input.CacheDir) || undefined;
  const wrongDir = cacheDir === undefined ? undefined : companionProblem('cache-dir', cache);
  if (wrongDir) r.fail(Input.CacheDir, wrongDir);

  const cacheOptions = parseCacheOptions(r.raw(Input.CacheOptions), cache, (m) => r.fail(Input.CacheOptions, m));

  const exportCache = rawCacheFlag(Input.ExportCache, 'export');
  const importCache = rawCacheFlag(Input.ImportCache, 'import');
  function rawCacheFlag(name: Input, direction: Direction): CacheSpec | undefined {
    const t = r.text(name);
    if (t === '') return undefined;
    if (/[\r\n]/.test(t)) {
      r.fail(name, 'envd takes one value per cache flag; give one line (combine attributes with commas)');
      return undefined;
    }
    if (backendOf(cache).store === 'nowhere') {
      r.fail(name, `is set while cache is ${cache}; remove one of them`);
      return undefined;
    }
    const parsed = parseCacheSpec(t);
    if (!parsed.ok) {
      r.fail(name, `${parsed.problem}`);
      return undefined;
    }
    for (const p of validateCacheSpec(parsed.value, direction)) r.fail(name, p);
    return parsed.value;
  }

  return { cache, cacheScope, cacheMode, cacheWrite, cacheRef, cacheDir, cacheOptions, exportCache, importCache };
}

function readBudgetAndCommand(r: InputReader): Pick<Inputs, 'cacheBudget' | 'cachePrune' | 'command'> {
  let cacheBudget: Auto<number> = 'auto';
  const budgetText = r.text(Input.CacheBudget);
  if (budgetText !== '' && budgetText.toLowerCase() !== 'auto') {
    const size = readSize(budgetText);
    if ('bytes' in size) cacheBudget = size.bytes;
    else if (size.problem === 'too large')
      r.fail(
        Input.CacheBudget,
        `${r.shown(Input.CacheBudget)} is more than 1 PB; write the repository's cache budget, such as 10GB`
      );
    else if (size.problem === 'not whole')
      r.fail(
        Input.CacheBudget,
        `${r.shown(Input.CacheBudget)} is not a whole number of bytes; use a smaller unit, such as 1500KB for 1.5MB`
      );
    else
      r.fail(
        Input.CacheBudget,
        `${r.shown(Input.CacheBudget)} is not auto or a size with a unit, such as 8GB or 500MiB`
      );
  }
  const cachePrune = r.autoBool(Input.CachePrune);
  const command = r.oneOf(Input.Command, ['build', 'prune'] as const, 'build');

  return { cacheBudget, cachePrune, command };
}

/** cache-timeout: empty is the default, 5 minutes (action.yml; docs/cache-failures.md says why). */
function readCacheTimeout(r: InputReader): number {
  const text = r.text(Input.CacheTimeout);
  const d = readDuration(text || '5m');
  if ('ms' in d) return d.ms;
  const fix = {
    'not a duration': 'write a duration such as 90s, 5m or 1h, or 0 to wait as long as BuildKit does',
    'too short': 'write 10s or more (a healthy import can take tens of seconds), or 0 for no limit',
    'too long': 'write 6h or less (a hosted job ends at 6 h)'
  }[d.problem];
  r.fail(Input.CacheTimeout, `${r.shown(Input.CacheTimeout)} is ${d.problem}; ${fix}`);
  return 0;
}

/** envd-version and buildkit-version, which must reach the floor of every backend in use (`types`: cache, export and import types). */
function readTools(
  r: InputReader,
  types: readonly (string | undefined)[]
): Pick<Inputs, 'envdVersion' | 'buildkitVersion'> {
  const envdVersion = version(Input.EnvdVersion, ['latest', 'system'], 'v1.3.4');
  const buildkitVersion = version(Input.BuildkitVersion, ['latest', 'system'], 'v0.32.2');
  function version(name: Input, words: string[], fallback: string): string {
    const t = r.text(name) || fallback;
    if (words.includes(t.toLowerCase())) return t.toLowerCase();
    const valid = semver.valid(t);
    if (!valid) {
      // A word (no digit) was meant as one of the words: name the nearest.
      const hint = /\d/.test(t) ? '' : r.hint(name, words);
      r.fail(
        name,
        `${r.shown(name)} is not a version such as ${fallback}${words.length ? ` or one of ${words.join(', ')}` : ''}${hint}`
      );
      return fallback;
    }
    return `v${valid}`;
  }
  for (const miss of buildkitFloorMisses(types, buildkitVersion))
    r.fail(Input.BuildkitVersion, miss.floor.inputProblem(buildkitVersion));

  return { envdVersion, buildkitVersion };
}

function readBuilder(
  r: InputReader,
  cache: CacheBackend
): Pick<Inputs, 'builder' | 'buildkitdConfigInline' | 'buildkitdFlags'> {
  const builderText = r.text(Input.Builder) || 'auto';
  let builder: Builder = { kind: 'auto' };
  if (builderText === 'docker-container') builder = { kind: 'docker-container' };
  let invalid = builderText !== 'auto' && builderText !== 'docker-container' && !builderText.includes('://');
  if (invalid)
    r.fail(
      Input.Builder,
      `${r.shown(Input.Builder)} is not auto, docker-container, or buildkitd addresses (unix:///path/to/buildkitd.sock, tcp://host:port, kube-pod://<pod>)${didYouMean(builderText, ['auto', 'docker-container'])}`
    );
  else if (builderText.includes('://')) {
    const parsed = parseAddresses(r.raw(Input.Builder), (v) => quoted(v));
    for (const p of parsed.problems) r.fail(Input.Builder, p);
    invalid = parsed.problems.length > 0;
    if (parsed.addresses.length && !invalid) builder = { kind: 'address', addresses: parsed.addresses };
  }
  const tls = readTls(r, builder.kind === 'address' ? builder.addresses : invalid ? undefined : []);
  if (builder.kind === 'address' && tls) builder.tls = tls;
  if (builder.kind === 'address' && backendOf(cache).runnerDir && builder.addresses.some(isRemote))
    r.fail(
      Input.Cache,
      `${cache} keeps the cache in a directory on this runner, which a remote builder cannot read or write (the action serves it on the runner's 127.0.0.1); a remote builder keeps its own cache: use cache: none, or registry/s3 to refill a builder that lost its state`
    );
  const buildkitdConfigInline = r.raw(Input.BuildkitdConfigInline).trim();
  const buildkitdFlags = r.text(Input.BuildkitdFlags);
  if (builder.kind === 'address') {
    if (buildkitdConfigInline)
      r.fail(
        Input.BuildkitdConfigInline,
        `has no effect on a running buildkitd (builder is ${echo(builderText)}); configure that daemon itself, or use builder: auto`
      );
    if (buildkitdFlags)
      r.fail(
        Input.BuildkitdFlags,
        `has no effect on a running buildkitd (builder is ${echo(builderText)}); use builder: auto`
      );
  } else {
    try {
      splitFlags(buildkitdFlags);
    } catch (e) {
      r.fail(
        Input.BuildkitdFlags,
        `cannot be split into arguments: ${(e as Error).message}; close the quote, or escape a literal quote with \\`
      );
    }
    const toml = tomlProblem(buildkitdConfigInline);
    if (toml) r.fail(Input.BuildkitdConfigInline, toml);
  }

  return { builder, buildkitdConfigInline, buildkitdFlags };
}

/** cache-mounts, cache-mounts-max and cache-mounts-image. */
function readCacheMounts(r: InputReader, cache: CacheBackend): Inputs['cacheMounts'] {
  const parsed = parseMountsSetting(r.text(Input.CacheMounts));
  if (!parsed.ok) r.fail(Input.CacheMounts, `${r.shown(Input.CacheMounts)}: ${parsed.problem}`);
  const setting = parsed.ok ? parsed.value : ({ kind: 'none' } as const);
  // Mounts go where the backend keeps its cache (the GitHub cache, beside registry or s3 layers); not with inline or none.
  const backend = backendOf(cache);
  if (setting.kind !== 'none' && !backend.mountsHome) {
    const carriers = BACKEND_NAMES.filter((n) => backendOf(n).mountsHome)
      .join(', ')
      .replace(/, ([^,]*)$/, ' or $1');
    r.fail(
      Input.CacheMounts,
      `is ${r.shown(Input.CacheMounts)} while cache is ${cache}: ${backend.noMounts ?? 'this backend has no place for package caches'}. Set cache-mounts: none, or use cache: ${carriers}`
    );
  }
  let maxBytes = DEFAULT_MOUNTS_MAX;
  const maxText = r.text(Input.CacheMountsMax);
  if (maxText !== '') {
    const size = readSize(maxText);
    if ('bytes' in size) maxBytes = size.bytes;
    else
      r.fail(Input.CacheMountsMax, `${r.shown(Input.CacheMountsMax)} is not a size with a unit, such as 2GB or 500MiB`);
  }
  const helper = parseHelper(r.text(Input.CacheMountsImage));
  if (helper.kind === 'image') {
    const ref = parseImageRef(helper.ref);
    if (!ref.ok)
      r.fail(
        Input.CacheMountsImage,
        `${ref.problem}; give an image with sh and tar (pinned by digest), or the path of a static busybox on the runner`
      );
  }
  return { setting, maxBytes, helper };
}

/**
 * The TLS inputs (PEM text or file paths; files are read in preflight). `addresses`: the builders they are
 * for, none for auto and docker-container, undefined when the builder input itself is invalid.
 */
function readTls(r: InputReader, addresses: BuilderAddress[] | undefined): TlsInputs | undefined {
  const tls: TlsInputs = {
    ca: pemSource(r.raw(Input.BuilderTlsCa)),
    cert: pemSource(r.raw(Input.BuilderTlsCert)),
    key: pemSource(r.raw(Input.BuilderTlsKey)),
    serverName: r.text(Input.BuilderTlsServerName) || undefined
  };
  for (const p of tlsInputProblems(tls, addresses)) r.fail(p.input as Input, p.message);
  return tls.ca || tls.cert || tls.key ? tls : undefined;
}

/**
 * Why buildkitd-config-inline is not TOML, with the parser's line and column; never the document itself
 * (smol-toml's message carries a code excerpt, which could hold a secret).
 */
function tomlProblem(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    parseToml(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const reason = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    return `is not TOML (line ${e.line}, column ${e.column}: ${echo(reason, 120)}); fix the document (buildkitd.toml syntax), or leave the input empty`;
  }
}

/** `key=value` attributes, comma or newline separated, each checked against the chosen backend. */
function parseCacheOptions(text: string, cache: CacheBackend, fail: (message: string) => void): Map<string, string> {
  const fields: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    try {
      fields.push(...parseCsvRecord(line.trim()));
    } catch (e) {
      if (e instanceof CsvError)
        fail(
          `${quoted(line.trim())} cannot be read as CSV (${e.message}); quote a whole field that holds a comma, e.g. "prefix=a,b/"`
        );
      else throw e;
    }
  }
  const parsed = parseFields(fields.map((f) => f.trim()).filter((f) => f !== ''));
  if (!parsed.ok) {
    fail(parsed.problem);
    return new Map();
  }
  const options = parsed.value;
  if (options.size === 0) return options;
  if (!isBackend(cache)) {
    fail(`is set while cache is ${cache}; remove it or choose a backend`);
    return options;
  }
  const rules = ATTRIBUTES[cache];
  for (const [key, value] of options) {
    if (OWNED_BY_INPUT[key]) {
      fail(`${key}= has an input of its own: use ${OWNED_BY_INPUT[key]} instead`);
      continue;
    }
    const rule = rules[key];
    if (!rule) {
      const hint = closest(key, Object.keys(rules));
      fail(
        `unknown attribute ${quoted(key)} for cache: ${cache}${
          hint
            ? ` (did you mean "${hint}"?)`
            : `; known: ${Object.keys(rules)
                .filter((k) => !OWNED_BY_INPUT[k])
                .join(', ')}`
        }`
      );
      continue;
    }
    if (rule.refused) {
      fail(`${key} ${rule.refused}`);
      continue;
    }
    const problem = rule.check?.(value);
    if (problem) fail(`${key}: ${problem}`);
  }
  return options;
}

/** A matrix given as JSON becomes canonical (sorted keys, no spaces), so the scope is stable. */
function canonicalMatrix(text: string): string | undefined {
  if (text === '' || text === 'null' || text === '{}') return undefined;
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])])
    );
  return value;
}
