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
import { randomUUID } from 'node:crypto';
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
export function escapeData(value: unknown): string {
  return text(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as data, and `:` and `,` too (they end the value and the property list). */
export function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One workflow command line, `::name key=value,…::data`. Properties without a value are left out; when
 * properties were given but all are empty, the space before `::` stays (the runner reads both forms).
 */
export function command(name: string, properties: Record<string, unknown>, data: unknown): string {
  const props = Object.keys(properties).length
    ? ' ' +
      Object.entries(properties)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}=${escapeProperty(v)}`)
        .join(',')
    : '';
  return `::${name}${props}::${escapeData(data)}`;
}

function issue(name: string, properties: Record<string, unknown>, data: unknown): void {
  process.stdout.write(command(name, properties, data) + os.EOL);
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

/** Appends one entry to the file the runner named in GITHUB_<kind>. */
function fileCommand(kind: 'OUTPUT' | 'STATE' | 'ENV' | 'PATH', entry: string): void {
  const variable = `GITHUB_${kind}`;
  const file = process.env[variable];
  if (!file)
    throw new Error(
      `${variable} is not set: the runner sets it for every step (runner v2.297.0 or later); run the action under the GitHub Actions runner or set it to a file`
    );
  fs.appendFileSync(file, `${entry}${os.EOL}`, { encoding: 'utf8' });
}

// ---- inputs, outputs, state, environment --------------------------------------------------------------

/** An input: `INPUT_<NAME>` with spaces as `_` and upper case (hyphens kept), trimmed unless told not to. */
export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options.trimWhitespace === false ? value : value.trim();
}

export function setOutput(name: string, value: unknown): void {
  fileCommand('OUTPUT', keyValueBlock(name, value));
}

/** State for a later phase of this action, where it reads as STATE_<name>. */
export function saveState(name: string, value: unknown): void {
  fileCommand('STATE', keyValueBlock(name, value));
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

/** An environment variable for this process and the job's later steps. */
export function exportVariable(name: string, value: unknown): void {
  const v = text(value);
  fileCommand('ENV', keyValueBlock(name, v));
  process.env[name] = v;
}

/** A directory in front of PATH, for this process and the job's later steps. */
export function addPath(dir: string): void {
  if (/[\r\n]/.test(dir)) throw new Error('Unexpected input: a path added to PATH cannot contain a line break');
  fileCommand('PATH', dir);
  process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
}

// ---- log --------------------------------------------------------------------------------------------

/** The runner replaces this value with *** in every later line of the job's log. */
export function setSecret(secret: string): void {
  issue('add-mask', {}, secret);
}

export function info(message: string): void {
  process.stdout.write(message + os.EOL);
}

export function debug(message: string): void {
  issue('debug', {}, message);
}

/** Whether the run has step debug logging on (RUNNER_DEBUG=1). */
export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

const messageOf = (m: string | Error) => (m instanceof Error ? m.toString() : m);

export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  issue('error', annotation(properties), messageOf(message));
}

export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  issue('warning', annotation(properties), messageOf(message));
}

export function notice(message: string | Error, properties: AnnotationProperties = {}): void {
  issue('notice', annotation(properties), messageOf(message));
}

export function startGroup(name: string): void {
  issue('group', {}, name);
}

export function endGroup(): void {
  issue('endgroup', {}, '');
}

/** Runs `fn` inside a foldable group of the log; the group is closed also when `fn` throws. */
/** The groups open now, innermost last: what a cancelled step says it was doing. */
const openGroups: string[] = [];
export const currentGroup = (): string | undefined => openGroups[openGroups.length - 1];

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name);
  openGroups.push(name);
  try {
    return await fn();
  } finally {
    openGroups.splice(openGroups.lastIndexOf(name), 1);
    endGroup();
  }
}

/** An error annotation, and the step's exit code 1 (the process is not ended). */
export function setFailed(message: string | Error): void {
  process.exitCode = 1;
  error(message);
}

// ---- job summary ------------------------------------------------------------------------------------

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
export async function appendSummary(markdown: string): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner offers no job summary');
  await fs.promises.appendFile(file, markdown, { encoding: 'utf8' });
}

/** The part of @actions/core's `summary` this action uses: text buffered by addRaw, appended by write. */
class Summary {
  private buffer = '';
  addRaw(text: string, addEOL = false): this {
    this.buffer += text + (addEOL ? os.EOL : '');
    return this;
  }
  async write(): Promise<this> {
    await appendSummary(this.buffer);
    this.buffer = '';
    return this;
  }
}

export const summary = new Summary();
