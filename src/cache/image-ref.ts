/** Docker image references (`[host[:port]/]path[:tag][@digest]`), enough to validate and derive cache refs. */
import { quoted } from './redact.js';

export interface ImageRef {
  /** Registry host and port, when the reference names one. */
  domain?: string;
  /** Repository path below the host, e.g. `org/env`. */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parseImageRef(text: string): Parsed<ImageRef> {
  const s = text.trim();
  if (s === '') return { ok: false, problem: 'is empty' };
  if (/^[a-z]+:\/\//i.test(s))
    return {
      ok: false,
      problem: `${quoted(s)} has a URL scheme; write the reference without it, e.g. ghcr.io/org/name:tag`
    };
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { ok: false, problem: `${quoted(s)} has an invalid digest ${quoted(digest)}` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag))
      return {
        ok: false,
        problem: `${quoted(s)} has an invalid tag ${quoted(tag)} (at most 128 of A-Z a-z 0-9 _ . -, not starting with . or -)`
      };
  }
  const parts = rest.split('/');
  let domain: string | undefined;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    domain = parts.shift();
    if (!DOMAIN.test(domain!))
      return { ok: false, problem: `${quoted(s)} has an invalid registry host ${quoted(domain!)}` };
  }
  for (const p of parts) {
    if (COMPONENT.test(p)) continue;
    if (COMPONENT.test(p.toLowerCase())) {
      return {
        ok: false,
        problem: `${quoted(s)}: repository name must be lowercase; write ${quoted(s.replace(rest, rest.toLowerCase()))}`
      };
    }
    return { ok: false, problem: `${quoted(s)} is not an image reference (path component ${quoted(p)})` };
  }
  return { ok: true, value: { domain, path: parts.join('/'), tag, digest } };
}

/** `host/path` without tag or digest. */
export function repositoryOf(ref: ImageRef): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

/**
 * Whether BuildKit speaks plain http to this registry host by default: a loopback host — `localhost`, an address
 * in 127.0.0.0/8 or `::1`, with or without a port — as containerd's docker.MatchLocalhost decides, the plain-http
 * rule BuildKit v0.32.2 gives its registry resolver (util/resolver/pool.go:125, util/resolver/resolver.go:38-41,
 * :169; vendor/github.com/containerd/containerd/v2/core/remotes/docker/registry.go:218-252). Pure.
 */
export function isLoopbackRegistry(host: string): boolean {
  if (host === '::1' || host === '[::1]') return true;
  let name: string;
  const bracketed = /^\[([^\]]*)\]:(\d+)$/.exec(host);
  const colons = host.split(':').length - 1;
  if (bracketed) name = bracketed[1];
  else if (colons === 0) name = host;
  else if (colons === 1) {
    const [h, port] = host.split(':');
    if (!/^\d+$/.test(port)) return false;
    name = h;
  } else return false;
  if (name === 'localhost') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
  if (!name.includes(':')) return false;
  try {
    return new URL(`http://[${name}]/`).hostname === '[::1]';
  } catch {
    return false;
  }
}
