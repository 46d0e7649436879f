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
