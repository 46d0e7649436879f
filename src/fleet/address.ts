/**
 * The `builder` input as a list of buildkitd addresses: one is a running builder, several are a fleet. Each
 * address is one of the schemes envd can build on (envd v1.3.4 `envd context create --builder unix|tcp|kube-pod`;
 * the address it dials is `<builder>://<builder-address>`, pkg/buildkitd/buildkitd.go).
 */

export type BuilderAddress =
  | { scheme: 'tcp'; text: string; host: string; port: number }
  | { scheme: 'unix'; text: string; path: string }
  | { scheme: 'kube-pod'; text: string; pod: string; namespace?: string; context?: string; container?: string };

/** What a parse gives: the addresses in the order written, or one sentence per problem. */
export interface ParsedAddresses {
  addresses: BuilderAddress[];
  problems: string[];
}

const TCP = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/;
/** BuildKit's kube-pod connhelper accepts pod, namespace and container names of `[-a-z0-9.]+` (client/connhelper/kubepod/kubepod.go:50-77 at v0.32.2). */
const KUBE_NAME = /^[-a-z0-9.]+$/;
/** A kubectl context name: kept to characters that need no quoting anywhere it is passed on. */
const KUBE_CONTEXT = /^[A-Za-z0-9._@:/-]+$/;
const KUBE_KEYS = ['namespace', 'context', 'container'] as const;

/** Splits the input on commas and newlines; blank entries and `#` comment lines are skipped. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One address, or why it cannot be used. `shown`: the value as a message may quote it. */
function parseAddress(text: string, shown: (s: string) => string): BuilderAddress | string {
  if (text.startsWith('unix://')) {
    const p = text.slice('unix://'.length);
    return p.startsWith('/') && p.length > 1 && !/[\0\s]/.test(p)
      ? { scheme: 'unix', text, path: p }
      : `${shown(text)} is not unix:///absolute/path/to/buildkitd.sock`;
  }
  if (text.startsWith('tcp://')) {
    const m = TCP.exec(text);
    if (!m)
      return `${shown(text)} is not tcp://host:port (a host name, an IPv4 address or [an IPv6 address], and a port)`;
    const port = Number(m[2]);
    if (port < 1 || port > 65535) return `${shown(text)} has port ${port}; a port is 1-65535`;
    return { scheme: 'tcp', text, host: m[1].replace(/^\[|\]$/g, ''), port };
  }
  if (text.startsWith('kube-pod://')) return parseKubePod(text, shown);
  return `${shown(text)} is not an address envd can build on: unix:///path/to/buildkitd.sock, tcp://host:port or kube-pod://<pod>?namespace=<ns>`;
}

function parseKubePod(text: string, shown: (s: string) => string): BuilderAddress | string {
  const rest = text.slice('kube-pod://'.length);
  const q = rest.indexOf('?');
  const pod = q < 0 ? rest : rest.slice(0, q);
  if (!KUBE_NAME.test(pod))
    return `${shown(text)} names no pod BuildKit accepts (kube-pod://<pod>, a pod name of a-z 0-9 . -)`;
  const out: BuilderAddress = { scheme: 'kube-pod', text, pod };
  for (const pair of q < 0 ? [] : rest.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (!(KUBE_KEYS as readonly string[]).includes(key))
      return `${shown(text)} has ${shown(key)}; kube-pod:// takes only ${KUBE_KEYS.join(', ')}`;
    if (!(key === 'context' ? KUBE_CONTEXT : KUBE_NAME).test(value))
      return `${shown(text)} has ${key}=${shown(value)}, which BuildKit's kube-pod helper does not accept`;
    out[key as (typeof KUBE_KEYS)[number]] = value;
  }
  return out;
}

/** Every address of the input, each checked; the same address twice is a mistake (it would be ranked twice). */
export function parseAddresses(text: string, shown: (s: string) => string): ParsedAddresses {
  const addresses: BuilderAddress[] = [];
  const problems: string[] = [];
  for (const entry of splitAddresses(text)) {
    const a = parseAddress(entry, shown);
    if (typeof a === 'string') problems.push(a);
    else if (addresses.some((b) => b.text === a.text))
      problems.push(`lists ${shown(a.text)} twice; name each builder once`);
    else addresses.push(a);
  }
  return { addresses, problems };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1)$/i;

/** Whether the builder runs on another machine than the runner (a kube-pod, or tcp to a host other than loopback). */
export function isRemote(a: BuilderAddress): boolean {
  return a.scheme === 'kube-pod' || (a.scheme === 'tcp' && !LOOPBACK.test(a.host));
}

/** What `envd context create` takes for it: the builder kind and `--builder-address`, without a scheme. */
export function envdTarget(a: BuilderAddress): { builder: 'unix' | 'tcp' | 'kube-pod'; address: string } {
  return { builder: a.scheme, address: a.text.slice(a.scheme.length + '://'.length) };
}
