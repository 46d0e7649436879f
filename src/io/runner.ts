/**
 * The runner's protocol, the part this action uses, written from the runner's contract (workflow commands on
 * stdout, file commands in the files the runner creates before each step) instead of loading @actions/core,
 * whose OIDC client pulls @actions/http-client and undici (about 1 MB of bundle, tens of ms of start-up) into
 * every step. Only node:fs, node:os, node:path and node:crypto are imported: keep it that way.
 *
 * The names and signatures are those of @actions/core for what it has in common with it, so a call site reads
 * the same; `__tests__/io/runner.test.ts` compares the bytes written with core's for the same calls.
 *
 * Chosen: no fallback to the stdout commands `::set-output`, `::save-state`, `::set-env`, `::add-path`. The
 * runner creates GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY before every step
 * (since runner v2.297.0; this action needs node24, so v2.327.1 or later), and the stdout forms are deprecated.
 * A missing variable is therefore a broken environment, and the call throws an error naming it rather than
 * writing a command that a runner may ignore.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where an annotation points (the names of @actions/core's AnnotationProperties). */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface InputOptions {
  required?: boolean;
  trimWhitespace?: boolean;
}

/** What a command or file command carries: a string as is, nothing as '', anything else as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || value instanceof String) return String(value);
  return JSON.stringify(value);
}

/** A command's data: `%`, CR and LF encoded, so that a message is one line and cannot end early. */
function escapeData(value: unknown): string {
  return text(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as data, and `:` and `,` too (they end the value and the property list). */
function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One workflow command line, `::name key=value,…::data`. Properties without a value are left out; when
 * properties were given but all are empty, the space before `::` stays (the runner reads both forms).
 */
function command(name: string, properties: Record<string, unknown>, data: unknown): string {
  const props = Object.keys(properties).length
    ? ' ' +
      Object.entries(properties)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}=${escapeProperty(v)}`)
        .join(',')
    : '';
  return `::${name}${props}::${escapeData(data)}`;
}

/** The annotation properties under the names the runner reads (`line`, `col`). */
function annotation(p: AnnotationProperties): Record<string, unknown> {
  if (!Object.keys(p).length) return {};
  return {
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn
  };
}

const newDelimiter = () => `ghadelimiter_${randomUUID()}`;

/**
 * A name/value block for a file command: `name<<DELIM`, the value, `DELIM`. The delimiter is random per
 * block; a name or value that holds it would end the block early and let the rest be read as more entries,
 * so that is refused.
 */
export function keyValueBlock(name: string, value: unknown, delimiter = newDelimiter()): string {
  const v = text(value);
  if (name.includes(delimiter))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  if (v.includes(delimiter)) throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  return `${name}<<${delimiter}${os.EOL}${v}${os.EOL}${delimiter}`;
}

/**
 * The files the runner creates before each step: GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH,
 * GITHUB_STEP_SUMMARY.
 */
export type RunnerFile = 'OUTPUT' | 'STATE' | 'ENV' | 'PATH' | 'STEP_SUMMARY';
/** The files of the file commands, written at once (the summary is appended in its own time). */
type CommandFile = Exclude<RunnerFile, 'STEP_SUMMARY'>;

/**
 * Where the protocol goes: the step's log (stdout), the files the runner named, the step's exit code. The real
 * one is `processSink`; tests hand `Runner` one that records (`__tests__/support/recording-runner.ts`).
 */
export interface RunnerSink {
  /** Text for the step's log, line ends included. */
  write(text: string): void;
  /** Appends `text` to the file the runner named in GITHUB_<file>; throws naming the variable when it is unset. */
  append(file: CommandFile, text: string): void;
  /** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY); rejects when the runner offers none. */
  appendSummary(markdown: string): Promise<void>;
  /** Whether the runner offers a job summary. */
  hasSummary(): boolean;
  /** The step ends with exit code 1 (the process is not ended). */
  fail(): void;
}

/** The sink of a step the runner runs: this process's stdout, the files named in `env`, `process.exitCode`. */
function processSink(env: NodeJS.ProcessEnv): RunnerSink {
  const fileOf = (file: RunnerFile) => {
    const variable = `GITHUB_${file}`;
    const name = env[variable];
    if (name) return name;
    throw new Error(
      file === 'STEP_SUMMARY'
        ? 'GITHUB_STEP_SUMMARY is not set: this runner offers no job summary'
        : `${variable} is not set: the runner sets it for every step (runner v2.297.0 or later); ` +
            'run the action under the GitHub Actions runner or set it to a file'
    );
  };
  return {
    write: (text) => void process.stdout.write(text),
    append: (file, text) => fs.appendFileSync(fileOf(file), text, { encoding: 'utf8' }),
    appendSummary: async (markdown) => fs.promises.appendFile(fileOf('STEP_SUMMARY'), markdown, { encoding: 'utf8' }),
    hasSummary: () => !!env.GITHUB_STEP_SUMMARY,
    fail: () => void (process.exitCode = 1)
  };
}

/** A token the runner accepts: not a command name, not guessable by the tool whose output it fences. */
function stopToken(): string {
  return `envd-cache-${randomBytes(16).toString('hex')}`;
}

export interface Fence {
  /** Writes one line of the tool's output (inside the block). */
  line(text: string): void;
}

const messageOf = (m: string | Error) => (m instanceof Error ? m.toString() : m);

/**
 * The runner's protocol for one step: what it logs, the outputs, state and summary it writes, its exit code,
 * and what it keeps while it runs (the log groups open now, the fenced blocks open now). One per step, made in
 * `src/index.ts` and handed down; nothing of it lives in the module.
 */
export class Runner {
  /** The groups open now, innermost last: what a cancelled step says it was doing. */
  private readonly openGroups: string[] = [];
  /** The tokens of the fenced blocks open now: a cancelled step resumes them before its last line. */
  private readonly openFences: string[] = [];
  /** Set once the fences were resumed for good (a cancelled step): no tool line follows. */
  private fencesClosed = false;
  /** The part of @actions/core's `summary` this action's API mirrors. */
  readonly summary = new Summary(this);

  constructor(
    /** The step's environment: inputs (INPUT_*), state (STATE_*), RUNNER_DEBUG. */
    readonly env: NodeJS.ProcessEnv = process.env,
    private readonly sink: RunnerSink = processSink(env)
  ) {}

  private issue(name: string, properties: Record<string, unknown>, data: unknown): void {
    this.sink.write(command(name, properties, data) + os.EOL);
  }

  // ---- inputs, outputs, state, environment ----

  /** An input: `INPUT_<NAME>` with spaces as `_` and upper case (hyphens kept), trimmed unless told not to. */
  getInput(name: string, options: InputOptions = {}): string {
    const value = this.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`);
    return options.trimWhitespace === false ? value : value.trim();
  }

  setOutput(name: string, value: unknown): void {
    this.sink.append('OUTPUT', `${keyValueBlock(name, value)}${os.EOL}`);
  }

  /** State for a later phase of this action, where it reads as STATE_<name>. */
  saveState(name: string, value: unknown): void {
    this.sink.append('STATE', `${keyValueBlock(name, value)}${os.EOL}`);
  }

  getState(name: string): string {
    return this.env[`STATE_${name}`] || '';
  }

  /** An environment variable for this step and the job's later steps. */
  exportVariable(name: string, value: unknown): void {
    const v = text(value);
    this.sink.append('ENV', `${keyValueBlock(name, v)}${os.EOL}`);
    this.env[name] = v;
  }

  /** A directory in front of PATH, for this step and the job's later steps. */
  addPath(dir: string): void {
    if (/[\r\n]/.test(dir)) throw new Error('Unexpected input: a path added to PATH cannot contain a line break');
    this.sink.append('PATH', `${dir}${os.EOL}`);
    this.env.PATH = `${dir}${path.delimiter}${this.env.PATH ?? ''}`;
  }

  // ---- log ----

  /** The runner replaces this value with *** in every later line of the job's log. */
  setSecret(secret: string): void {
    this.issue('add-mask', {}, secret);
  }

  info(message: string): void {
    this.sink.write(message + os.EOL);
  }

  debug(message: string): void {
    this.issue('debug', {}, message);
  }

  /** Whether the run has step debug logging on (RUNNER_DEBUG=1). */
  isDebug(): boolean {
    return this.env.RUNNER_DEBUG === '1';
  }

  error(message: string | Error, properties: AnnotationProperties = {}): void {
    this.issue('error', annotation(properties), messageOf(message));
  }

  warning(message: string | Error, properties: AnnotationProperties = {}): void {
    this.issue('warning', annotation(properties), messageOf(message));
  }

  notice(message: string | Error, properties: AnnotationProperties = {}): void {
    this.issue('notice', annotation(properties), messageOf(message));
  }

  startGroup(name: string): void {
    this.issue('group', {}, name);
  }

  endGroup(): void {
    this.issue('endgroup', {}, '');
  }

  /** The innermost group open now, if any. */
  currentGroup(): string | undefined {
    return this.openGroups[this.openGroups.length - 1];
  }

  /** Runs `fn` inside a foldable group of the log; the group is closed also when `fn` throws. */
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.startGroup(name);
    this.openGroups.push(name);
    try {
      return await fn();
    } finally {
      this.openGroups.splice(this.openGroups.lastIndexOf(name), 1);
      this.endGroup();
    }
  }

  /** An error annotation, and the step's exit code 1 (the process is not ended). */
  setFailed(message: string | Error): void {
    this.sink.fail();
    this.error(message);
  }

  /**
   * A tool's output streamed into the log without letting it issue workflow commands. The runner stops reading
   * `::command::` lines after `::stop-commands::<token>` and starts again at `::<token>::`; the token is random,
   * so the tool cannot end the block itself. Nothing else is written inside the block (an annotation there would
   * be inert too), and the block always ends, also when the tool throws.
   */
  async fenced<T>(run: (fence: Fence) => Promise<T>, token = stopToken()): Promise<T> {
    this.fenceLine(`::stop-commands::${token}`);
    this.openFences.push(token);
    try {
      return await run({ line: (t) => this.fenceLine(t) });
    } finally {
      this.resume(token);
    }
  }

  /** Ends every open block, so that the lines after it are workflow commands again; no tool line follows. */
  resumeFences(): void {
    for (const token of [...this.openFences].reverse()) this.resume(token);
    this.fencesClosed = true;
  }

  private fenceLine(line: string): void {
    if (!this.fencesClosed) this.info(line);
  }

  private resume(token: string): void {
    const i = this.openFences.indexOf(token);
    if (i < 0) return;
    this.openFences.splice(i, 1);
    this.fenceLine(`::${token}::`);
  }

  // ---- job summary ----

  /** Whether the runner offers a job summary (GITHUB_STEP_SUMMARY). */
  hasSummary(): boolean {
    return this.sink.hasSummary();
  }

  /** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
  async appendSummary(markdown: string): Promise<void> {
    await this.sink.appendSummary(markdown);
  }
}

/** The part of @actions/core's `summary` this action uses: text buffered by addRaw, appended by write. */
class Summary {
  private buffer = '';
  constructor(private readonly runner: Runner) {}
  addRaw(text: string, addEOL = false): this {
    this.buffer += text + (addEOL ? os.EOL : '');
    return this;
  }
  async write(): Promise<this> {
    await this.runner.appendSummary(this.buffer);
    this.buffer = '';
    return this;
  }
}
