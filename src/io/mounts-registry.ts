/**
 * cache-mounts with `cache: registry`: each mount's archive is an OCI artifact in the cache's repository (OCI
 * distribution spec v1.1: a blob pushed by POST then PUT, the empty config, an image manifest with our
 * `artifactType`), tagged next to the layers' tag (mounts/remote.ts mountTag). Credentials as the registry probe
 * has them (the Docker config or its credential helper, Basic or a Bearer token for pull, or pull,push to write).
 */
import { Http } from './http/client.js';
import { registryAuthorization, type RegistryCaller, registryEndpoint, type RegistryEndpoint } from './registry.js';
import { type MountStore } from './mounts.js';
import {
  type Mount,
  MountRefused,
  type RemoteMounts,
  remoteMountStore,
  type Reply,
  storeRequest,
  streamRequest
} from './mounts-remote.js';
import type { MountsHome } from '../backends/backend.js';
import { EMPTY_CONFIG, mountManifest, mountTag, OCI_MANIFEST_TYPE, readMountManifest } from '../mounts/remote.js';
import { POLICIES } from '../http/policies.js';
import { ms } from './deadlines.js';

type Home = Extract<MountsHome, { store: 'oci-artifact' }>;

export function registryMountStore(
  home: Home,
  caller: RegistryCaller,
  http = new Http({ timeoutMs: ms(POLICIES.mountStore.requestMs) })
): MountStore {
  return remoteMountStore(registryMounts(home, caller, http), home.tags);
}

/** A registry's requests with the authorization its last 401 asked for (pull to read, pull,push to write). */
function authorized(at: RegistryEndpoint, caller: RegistryCaller, http: Http) {
  const auth = new Map<string, string>();
  const send = async (
    actions: string,
    req: { method: string; url: string; headers?: Record<string, string> },
    o: { body?: string; upload?: string; download?: string } = {}
  ): Promise<Reply> => {
    const go = (authorization?: string) => {
      const headers = { ...req.headers, ...(authorization ? { Authorization: authorization } : {}) };
      return o.upload || o.download
        ? streamRequest(http, { method: req.method, url: req.url, headers }, o)
        : storeRequest(http, req.method, req.url, { headers, body: o.body });
    };
    const res = await go(auth.get(actions));
    if (res.status !== 401) return res;
    const a = await registryAuthorization(
      res.headers.get('www-authenticate'),
      { host: at.host, repo: at.repo, actions },
      caller,
      http
    );
    if ('why' in a) throw new Error(a.why);
    auth.set(actions, a.authorization);
    return go(a.authorization);
  };
  return send;
}

const expect = (res: Reply, ok: number[], what: string) => {
  if (!ok.includes(res.status))
    throw new Error(`${what} answered ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`);
};

function registryMounts(home: Home, caller: RegistryCaller, http: Http): RemoteMounts {
  const where = `the registry ${home.repository}`;
  const at = registryEndpoint(`${home.repository}:x`, home.insecure);
  const unusable = async (): Promise<never> => {
    throw new Error(`${where} cannot be addressed`);
  };
  if ('why' in at)
    return { where, unavailable: `${where} cannot be addressed: ${at.why}`, get: unusable, put: unusable };
  const send = authorized(at, caller, http);
  return {
    where,
    async get(name: string, mount: Mount, dest: string) {
      const tag = mountTag(name, mount.scope, mount.id);
      const res = await send('pull', {
        method: 'GET',
        url: `${at.base}/manifests/${tag}`,
        headers: { Accept: OCI_MANIFEST_TYPE }
      });
      if (res.status === 404) return undefined;
      expect(res, [200], `${where} (manifest ${tag})`);
      const blob = readMountManifest(res.body, mount);
      if (!blob.ok)
        throw new MountRefused(`Package cache ${mount.id}: ${home.repository}:${tag} is not used: ${blob.reason}`);
      const got = await send(
        'pull',
        { method: 'GET', url: `${at.base}/blobs/${blob.value.digest}` },
        { download: dest }
      );
      expect(got, [200], `${where} (blob ${blob.value.digest})`);
      return blob.value.digest.slice('sha256:'.length);
    },
    async put(name: string, mount: Mount, file: string, blob) {
      const digest = `sha256:${blob.sha256}`;
      await pushBlob(send, at.base, { digest, size: blob.size, file });
      await pushBlob(send, at.base, { digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size, body: '{}' });
      const tag = mountTag(name, mount.scope, mount.id);
      const manifest = mountManifest({ digest, size: blob.size }, { ...mount, created: new Date().toISOString() });
      const res = await send(
        'pull,push',
        { method: 'PUT', url: `${at.base}/manifests/${tag}`, headers: { 'Content-Type': OCI_MANIFEST_TYPE } },
        { body: manifest }
      );
      expect(res, [201], `${where} (manifest ${tag})`);
    }
  };
}

type Send = ReturnType<typeof authorized>;

/** A blob, unless the repository has it: POST an upload, PUT its content with the digest (a monolithic upload). */
async function pushBlob(
  send: Send,
  base: string,
  blob: { digest: string; size: number; file?: string; body?: string }
): Promise<void> {
  const head = await send('pull,push', { method: 'HEAD', url: `${base}/blobs/${blob.digest}` });
  if (head.status === 200) return;
  const start = await send('pull,push', { method: 'POST', url: `${base}/blobs/uploads/` });
  expect(start, [202], `starting an upload to ${base}`);
  const location = start.headers.get('location');
  if (!location) throw new Error(`${base} started an upload without a Location`);
  const url = new URL(location, base);
  url.searchParams.set('digest', blob.digest);
  const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) };
  const put = await send(
    'pull,push',
    { method: 'PUT', url: url.toString(), headers },
    blob.file ? { upload: blob.file } : { body: blob.body }
  );
  expect(put, [201], `uploading ${blob.digest}`);
}
