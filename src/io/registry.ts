/**
 * Does a registry manifest exist? A HEAD on /v2/<repo>/manifests/<tag> with the credentials docker/login-action
 * wrote into the Docker config (or its credential helper holds), following the registry's Basic or Bearer
 * challenge. true, false, or undefined with the reason when it cannot be known. The same HEAD reads a pushed
 * tag's digest (Docker-Content-Digest).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLoopbackRegistry, parseImageRef } from '../cache/image-ref.js';
import { echo } from '../text/text.js';
import { Exec } from './exec.js';
import { POLICIES } from '../http/policies.js';
import { downFor, ms } from './deadlines.js';
import { type Answer, answered, Http, parseJson, type Parsed, type Reply, requestName } from './http/client.js';

/** The client of a registry probe or digest read: the probe's deadline; a registry that goes down is skipped for the job. */
export const registryHttp = (): Http =>
  new Http({
    timeoutMs: ms(POLICIES.probe.requestMs),
    service: {
      name: 'The registry',
      without: "the cache entry to import is not checked and the pushed image's digest is not read"
    }
  });

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

/**
 * Who reads the registry: the environment (the Docker config, credential helpers on PATH) and where a secret a
 * credential helper answers with is registered with the runner (Runner.setSecret) before anything can print it.
 */
export interface RegistryCaller {
  env: NodeJS.ProcessEnv;
  mask: (secret: string) => void;
}

export interface Probe {
  exists?: boolean;
  why?: string;
}

interface DockerAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseDockerConfig(text: string): Parsed<DockerConfig> {
  return parseJson(text, (v) =>
    isObject(v) ? { ok: true, value: v as DockerConfig } : { ok: false, reason: 'not a JSON object' }
  );
}

/** The Docker config, none when there is no file, or why it cannot be used. */
function readDockerConfig(env: NodeJS.ProcessEnv): { config?: DockerConfig; problem?: string } {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { problem: `the Docker config ${echo(file)} cannot be read (${echo((e as Error).message)})` };
  }
  const parsed = parseDockerConfig(text);
  return parsed.ok ? { config: parsed.value } : { problem: `the Docker config ${echo(file)} is ${parsed.reason}` };
}

/** The server name Docker gives a credential helper: Docker Hub's legacy URL, else the host. */
const helperServer = (host: string) => (host === 'registry-1.docker.io' ? 'https://index.docker.io/v1/' : host);

/**
 * Credentials from a credential helper (`docker-credential-<name> get`, the server on stdin, JSON with Username and
 * Secret on stdout; Username `<token>` means an identity token), as Docker asks them: the host's `credHelpers`
 * entry, else `credsStore`. The secret is masked before anything else can print it; an answer that does not parse
 * comes back as the problem, without its text (it may hold the secret).
 */
async function helperCredentials(
  host: string,
  config: DockerConfig | undefined,
  { env, mask }: RegistryCaller
): Promise<DockerAuth | { problem: string } | undefined> {
  const helper = config?.credHelpers?.[host] ?? config?.credsStore;
  if (typeof helper !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(helper)) return undefined;
  // The server name goes to the helper as an argument of a fixed script, never into the script itself.
  const r = await Exec.run(
    'sh',
    ['-c', 'printf %s "$1" | "docker-credential-$2" get', 'sh', helperServer(host), helper],
    { env, timeoutMs: 30000 }
  );
  if (r.code !== 0) return undefined;
  const answer = parseHelperAnswer(r.stdout);
  if (!answer.ok) return { problem: `docker-credential-${helper} answered with ${answer.reason}` };
  const secret = answer.value.identitytoken ?? answer.value.password;
  if (secret) mask(secret);
  return answer.value;
}

/** A credential helper's answer to `get`: JSON with Username and Secret; Username `<token>` means an identity token. */
function parseHelperAnswer(stdout: string): Parsed<DockerAuth> {
  return parseJson(stdout, (v): Parsed<DockerAuth> => {
    if (!isObject(v)) return { ok: false, reason: 'not a JSON object' };
    if (typeof v.Secret !== 'string' || !v.Secret) return { ok: false, reason: 'JSON without a Secret' };
    if (v.Username === '<token>') return { ok: true, value: { identitytoken: v.Secret } };
    return { ok: true, value: { username: typeof v.Username === 'string' ? v.Username : '', password: v.Secret } };
  });
}

/**
 * The credentials for a registry host: a credential helper's first (as Docker asks them), else the config's
 * inline ones; with what kept them from being read, for the reason when there are none.
 */
async function registryCredentials(
  host: string,
  caller: RegistryCaller
): Promise<{ creds?: DockerAuth; problems: string[] }> {
  const { config, problem } = readDockerConfig(caller.env);
  const problems = problem ? [problem] : [];
  const helped = await helperCredentials(host, config, caller);
  if (helped && 'problem' in helped) problems.push(helped.problem);
  else if (helped) return { creds: helped, problems };
  return { creds: dockerCredentials(host, config), problems };
}

/** The Docker config's credentials for a registry host, if it holds them inline (not in a credential helper). */
function dockerCredentials(host: string, config: DockerConfig | undefined): DockerAuth | undefined {
  if (!config) return undefined;
  const keys =
    host === 'registry-1.docker.io'
      ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io']
      : [host, `https://${host}`, `http://${host}`];
  for (const key of keys) {
    const a = config.auths?.[key] ?? config.auths?.[`${key}/`];
    if (!a) continue;
    if (a.identitytoken) return { identitytoken: a.identitytoken };
    if (a.auth) {
      const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (a.username) return { username: a.username, password: a.password };
  }
  return undefined;
}

function challenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^(\w+)\s+(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2];
  return { scheme: m[1].toLowerCase(), params };
}

/** The token of a registry token service's answer ({token} or {access_token}). */
function parseBearerToken(body: string): Parsed<string> {
  return parseJson(body, (v) => {
    if (!isObject(v)) return { ok: false, reason: 'not a JSON object' };
    const token = typeof v.token === 'string' && v.token ? v.token : v.access_token;
    return typeof token === 'string' && token
      ? { ok: true, value: token }
      : { ok: false, reason: 'JSON without a token or access_token' };
  });
}

/**
 * One attempt, its answer whatever the status, or why none came. Named without its query (a refresh token) and
 * credentials, as the client names a silent service.
 */
const once = (http: Http, method: string, url: string, headers: Record<string, string> = {}): Promise<Reply> =>
  http.request(method, url, { headers, label: requestName(method, url) });

/** The answer to an authorized HEAD on a manifest, or why none could be had (`down`: the registry went silent earlier in this job). */
type Head = { res: Answer; host: string } | { why: string; down?: true };

/** A registry reference as requests address it: the host, the repository, the base URL of its API and the tag or digest. */
export interface RegistryEndpoint {
  host: string;
  repo: string;
  /** `http(s)://<host>/v2/<repo>`. */
  base: string;
  reference: string;
}

/** Where a reference's requests go: Docker Hub's API host and `library/`, plain http where BuildKit uses it. */
export function registryEndpoint(ref: string, insecure: boolean): RegistryEndpoint | { why: string } {
  const parsed = parseImageRef(ref);
  if (!parsed.ok) return { why: parsed.problem };
  const r = parsed.value;
  const host =
    !r.domain || r.domain === 'docker.io' || r.domain === 'index.docker.io' ? 'registry-1.docker.io' : r.domain;
  const repo = host === 'registry-1.docker.io' && !r.path.includes('/') ? `library/${r.path}` : r.path;
  // Plain http where BuildKit uses it: registry.insecure, or a loopback host (BuildKit's default for those).
  const base = `${insecure || isLoopbackRegistry(host) ? 'http' : 'https'}://${host}/v2/${repo}`;
  return { host, repo, base, reference: r.digest ?? r.tag ?? 'latest' };
}

/**
 * The Authorization header answering a registry's 401 challenge with the Docker config's credentials: Basic, or a
 * Bearer token from the realm for `actions` on the repository (`pull`; `pull,push` to write). The token is never
 * logged; why there is none otherwise.
 */
export async function registryAuthorization(
  challengeHeader: string | null,
  at: { host: string; repo: string; actions: string },
  caller: RegistryCaller,
  http: Http
): Promise<{ authorization: string } | { why: string }> {
  const { host, repo } = at;
  // Asked only now: a credential helper is a process, and an anonymous registry needs none.
  const { creds, problems } = await registryCredentials(host, caller);
  const basic =
    creds?.username !== undefined
      ? `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`
      : undefined;
  const c = challenge(challengeHeader);
  let authorization: string | undefined;
  if (c?.scheme === 'basic') authorization = basic;
  else if (c?.scheme === 'bearer' && c.params.realm) {
    const q = new URLSearchParams();
    if (c.params.service) q.set('service', c.params.service);
    q.set('scope', at.actions === 'pull' && c.params.scope ? c.params.scope : `repository:${repo}:${at.actions}`);
    const tokenRes = answered(
      creds?.identitytoken
        ? await once(
            http,
            'GET',
            `${c.params.realm}?${q}&grant_type=refresh_token&refresh_token=${encodeURIComponent(creds.identitytoken)}`
          )
        : await once(http, 'GET', `${c.params.realm}?${q}`, basic ? { Authorization: basic } : {})
    );
    if (tokenRes?.status === 200) {
      const t = parseBearerToken(tokenRes.body);
      if (!t.ok)
        return {
          why: `the token service of ${host} answered 200 but not with a JSON token (${echo(tokenRes.headers.get('content-type') ?? 'no content type', 80)}, ${tokenRes.body.length} bytes): ${t.reason}`
        };
      authorization = `Bearer ${t.value}`;
    }
  }
  if (!authorization)
    return {
      why: `${host} asks for credentials and the Docker config has none for it (log in with docker/login-action before this step)${problems.map((p) => `; ${p}`).join('')}`
    };
  return { authorization };
}

/** HEAD on /v2/<repo>/manifests/<tag|digest>, answering the registry's Basic or Bearer challenge with the Docker config's credentials. */
async function headManifest(ref: string, insecure: boolean, caller: RegistryCaller, http: Http): Promise<Head> {
  const at = registryEndpoint(ref, insecure);
  if ('why' in at) return at;
  const { host, repo } = at;
  const url = `${at.base}/manifests/${at.reference}`;
  const gone = downFor(url);
  if (gone) return { why: gone, down: true };
  let head = await once(http, 'HEAD', url, { Accept: MANIFEST_TYPES });
  const first = answered(head);
  if (first?.status === 401) {
    const auth = await registryAuthorization(
      first.headers.get('www-authenticate'),
      { host, repo, actions: 'pull' },
      caller,
      http
    );
    if ('why' in auth) return auth;
    head = await once(http, 'HEAD', url, { Accept: MANIFEST_TYPES, Authorization: auth.authorization });
  }
  const res = answered(head);
  if (!res) return { why: `${host} did not answer (${echo(head.ok ? '' : head.reason)})` };
  return { res, host };
}

export async function registryManifestExists(
  ref: string,
  insecure: boolean,
  caller: RegistryCaller,
  http = registryHttp()
): Promise<Probe> {
  const head = await headManifest(ref, insecure, caller, http);
  if ('why' in head) return { why: head.why };
  if (head.res.status === 200) return { exists: true };
  if (head.res.status === 404) return { exists: false };
  return { why: `${head.host} answered ${head.res.status} to HEAD ${ref}` };
}

/** A manifest digest as the distribution spec writes it: algorithm, colon, hex (sha256: 64, sha512: 128). */
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/**
 * The digest of the manifest a tag names, as the registry reports it (Docker-Content-Digest): for a
 * multi-platform push the index (manifest list), because the HEAD accepts index media types. Never throws.
 */
export async function registryDigest(
  ref: string,
  insecure: boolean,
  caller: RegistryCaller,
  http = registryHttp()
): Promise<{ digest?: string; why?: string; down?: true }> {
  const head = await headManifest(ref, insecure, caller, http);
  if ('why' in head) return head;
  const { res, host } = head;
  if (res.status === 404)
    return { why: `${host} has no manifest for ${echo(ref)} (404): the push did not reach it under that name` };
  if (res.status !== 200) return { why: `${host} answered ${res.status} to HEAD ${echo(ref)}` };
  const digest = res.headers.get('docker-content-digest')?.trim();
  if (!digest) return { why: `${host} answered HEAD ${echo(ref)} without a Docker-Content-Digest header` };
  if (!DIGEST.test(digest))
    return {
      why: `${host} answered HEAD ${echo(ref)} with a Docker-Content-Digest that is not a digest (${echo(digest, 80)})`
    };
  return { digest };
}
