/**
 * Does an s3 cache manifest exist? A HEAD on `<prefix><manifests_prefix><name>`, signed with AWS Signature
 * Version 4 and the credentials the cache flag carries (or AWS_* in the environment). true, false, or
 * undefined with the reason when it cannot be known.
 */
import { createHash, createHmac } from 'node:crypto';
import type { CacheSpec } from '../backends/spec.js';
import { parseGoBool } from '../cache/values.js';
import { POLICIES } from '../http/policies.js';
import { ms } from './deadlines.js';
import { answered, Http, requestName } from './http/client.js';
import type { Probe } from './registry.js';

/** The client of an S3 probe: the probe's deadline; an endpoint that goes down is skipped for the job. */
const s3Http = (): Http =>
  new Http({
    timeoutMs: ms(POLICIES.probe.requestMs),
    service: { name: 'The S3 endpoint', without: 'the cache entry to import is not checked' }
  });

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
const encodePath = (p: string) =>
  p
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Request {
  method: string;
  url: URL;
  region: string;
  credentials: S3Credentials;
  /** The signing time. */
  now: Date;
  /** The body's sha256 in hex; default that of an empty body. */
  payloadHash?: string;
  /** Headers to sign and send besides host, x-amz-content-sha256, x-amz-date (and the session token). */
  headers?: Record<string, string>;
}

/** A SigV4-signed request (AWS "Signature Version 4 signing process", S3 flavour). Pure: the time is given. */
export function signS3(request: S3Request): SignedRequest {
  const {
    method,
    url,
    region,
    credentials: creds,
    now,
    payloadHash = sha256(''),
    headers: extraHeaders = {}
  } = request;
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate
  };
  for (const [k, v] of Object.entries(extraHeaders)) headers[k.toLowerCase()] = v;
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    method,
    encodePath(url.pathname),
    url.searchParams.toString(),
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    payloadHash
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    url: url.toString(),
    headers: {
      ...sent,
      Authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`
    }
  };
}

/** The URL of an object, path-style or virtual-hosted as BuildKit would address it. */
export function s3ObjectUrl(spec: CacheSpec, key: string): URL {
  const a = spec.attrs;
  const bucket = a.get('bucket')!;
  const region = a.get('region')!;
  const pathStyle = parseGoBool(a.get('use_path_style') ?? '') === true;
  const endpoint = new URL(a.get('endpoint_url') ?? `https://s3.${region}.amazonaws.com`);
  if (pathStyle) return new URL(`${endpoint.origin}${endpoint.pathname.replace(/\/$/, '')}/${bucket}/${key}`);
  return new URL(`${endpoint.protocol}//${bucket}.${endpoint.host}/${key}`);
}

/** The static credentials of an s3 cache: its attributes, else AWS_* in the environment; undefined without a key pair. */
export function s3Credentials(spec: CacheSpec, env: NodeJS.ProcessEnv): S3Credentials | undefined {
  const a = spec.attrs;
  const accessKeyId = a.get('access_key_id') ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = a.get('secret_access_key') ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: a.get('session_token') ?? env.AWS_SESSION_TOKEN };
}

export async function s3ManifestExists(
  spec: CacheSpec,
  env: NodeJS.ProcessEnv,
  http = s3Http(),
  now = new Date()
): Promise<Probe> {
  const a = spec.attrs;
  const credentials = s3Credentials(spec, env);
  if (!credentials) return { why: 'no static S3 credentials to sign the check with' };
  const key = `${a.get('prefix') ?? ''}${a.get('manifests_prefix') ?? 'manifests/'}${(a.get('name') ?? 'buildkit').split(';')[0]}`;
  const signed = signS3({
    method: 'HEAD',
    url: s3ObjectUrl(spec, key),
    region: a.get('region')!,
    credentials,
    now
  });
  const head = await http.request('HEAD', signed.url, {
    headers: signed.headers,
    label: requestName('HEAD', signed.url)
  });
  const res = answered(head);
  if (!res) return { why: `the S3 endpoint did not answer (${head.ok ? '' : head.reason})` };
  if (res.status === 200) return { exists: true };
  if (res.status === 404) return { exists: false };
  return {
    why: `the S3 endpoint answered ${res.status} to HEAD ${key}${res.status === 403 ? ' (no permission, or the object is missing and ListBucket is not granted)' : ''}`
  };
}
