/** buildkitd command lines and flag parsing. Pure. */

/** Splits `buildkitd-flags` like a shell would (quotes, backslashes), without running one. */
export function splitFlags(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | undefined;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += c;
  }
  if (quote) throw new Error(`an unclosed ${quote} quote`);
  if (has || cur) out.push(cur);
  return out;
}

export interface BuildkitdArgs {
  socket: string;
  /** Its own state directory: without one buildkitd uses and locks /var/lib/buildkit, shared by the whole machine. */
  root?: string;
  configFile?: string;
  /** The group that may use the socket, when buildkitd runs as root for another user. */
  group?: number;
  flags: string[];
}

export function buildkitdArgs(a: BuildkitdArgs): string[] {
  return [
    '--addr',
    `unix://${a.socket}`,
    ...(a.root ? ['--root', a.root] : []),
    ...(a.configFile ? ['--config', a.configFile] : []),
    ...(a.group !== undefined ? ['--group', String(a.group)] : []),
    ...a.flags
  ];
}

/** `buildctl debug info` prints `BuildKit: github.com/moby/buildkit v0.32.2 <commit>`. */
export function parseBuildkitVersion(text: string): string | undefined {
  return /github\.com\/moby\/buildkit (v\d+\.\d+\.\d+[^\s]*)/.exec(text)?.[1];
}

/**
 * The shell sudo runs buildkitd through: it writes its own pid (which `exec` hands to buildkitd) where the
 * action reads it, readable by the runner user, sets PATH (sudo's secure_path replaces the caller's, so the
 * tool directory with buildkit-runc would be lost), then becomes buildkitd. `$1` the pid file, `$2` the PATH.
 */
const SUDO_WRAPPER = '(umask 022 && echo "$$" > "$1") && PATH="$2" && export PATH && shift 2 && exec "$@"';

export interface SudoCommand {
  /** The variables buildkitd needs from the caller's environment, by name only (values never go on a command line). */
  preserve: string[];
  pidFile: string;
  path: string;
  command: string[];
}

/** `sudo -n [--preserve-env=…] -- /bin/sh -c …`: the arguments of the sudo that starts buildkitd as root. */
export function sudoArgs(s: SudoCommand): string[] {
  const preserve = s.preserve.length ? [`--preserve-env=${s.preserve.join(',')}`] : [];
  return ['-n', ...preserve, '--', '/bin/sh', '-c', SUDO_WRAPPER, 'sh', s.pidFile, s.path, ...s.command];
}
