/**
 * cache-mounts with `cache: s3`: each mount's archive is one object, `<prefix>envd-mounts/<name>/<slot>.tar`
 * (mounts/remote.ts), under the per-branch names the layers use, in the cache's bucket. One PUT (S3 takes up to
 * 5 GB in one; cache-mounts-max defaults to 2 GB) signed with SigV4 over the archive's sha256, which S3 checks on
 * receipt and which travels as the object's `x-amz-meta-sha256`, checked again on restore.
 */
import type { MountsHome } from '../backends/backend.js';
import type { CacheSpec } from '../backends/spec.js';
import { POLICIES } from '../http/policies.js';
import { mountObjectKey } from '../mounts/remote.js';
import { ms } from './deadlines.js';
import { Http } from './http/client.js';
import type { MountStore } from './mounts.js';
import { type Mount, MountRefused, type RemoteMounts, remoteMountStore, streamRequest } from './mounts-remote.js';
import { s3Credentials, s3ObjectUrl, signS3 } from './s3.js';

type Home = Extract<MountsHome, { store: 's3-object' }>;

export function s3MountStore(
  home: Home,
  spec: CacheSpec,
  env: NodeJS.ProcessEnv,
  http = new Http({ timeoutMs: ms(POLICIES.mountStore.requestMs) })
): MountStore {
  return remoteMountStore(s3Mounts(home, spec, env, http), home.names);
}

const SHA256_HEX = /^[a-f0-9]{64}$/;

function s3Mounts(home: Home, spec: CacheSpec, env: NodeJS.ProcessEnv, http: Http): RemoteMounts {
  const credentials = s3Credentials(spec, env);
  const bucket = spec.attrs.get('bucket') ?? '';
  const where = `the s3 bucket ${bucket}`;
  const signed = (method: string, key: string, o: { sha256?: string; headers?: Record<string, string> } = {}) =>
    signS3({
      method,
      url: s3ObjectUrl(spec, key),
      region: spec.attrs.get('region') ?? '',
      credentials: credentials!,
      now: new Date(),
      payloadHash: o.sha256,
      headers: o.headers
    });
  return {
    where,
    unavailable: credentials
      ? undefined
      : `${where} needs static credentials to sign with (access_key_id and secret_access_key in cache-options, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
    async get(name: string, mount: Mount, dest: string) {
      const key = mountObjectKey(home.prefix, name, mount.id);
      const req = signed('GET', key);
      const res = await streamRequest(http, { method: 'GET', ...req }, { download: dest });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`${where} answered ${res.status} to GET ${key}`);
      const sha256 = res.headers.get('x-amz-meta-sha256') ?? '';
      if (!SHA256_HEX.test(sha256))
        throw new MountRefused(
          `Package cache ${mount.id}: ${key} in ${where} is not used: it has no sha256 to check it by`
        );
      return sha256;
    },
    async put(name: string, mount: Mount, file: string, blob) {
      const key = mountObjectKey(home.prefix, name, mount.id);
      const headers = {
        'content-length': String(blob.size),
        'content-type': 'application/x-tar',
        'x-amz-meta-sha256': blob.sha256,
        'x-amz-meta-scope': encodeURIComponent(mount.scope),
        'x-amz-meta-mount-id': mount.id
      };
      const req = signed('PUT', key, { sha256: blob.sha256, headers });
      const res = await streamRequest(http, { method: 'PUT', ...req }, { upload: file });
      if (res.status !== 200) throw new Error(`${where} answered ${res.status} to PUT ${key}`);
    }
  };
}
