/**
 * A read-only OCI distribution server over an OCI image layout directory (index.json + blobs/sha256/…),
 * on 127.0.0.1. It lets BuildKit import a local cache as `type=registry` while envd cannot import
 * `type=local` (envd #1391). GET and HEAD only; every write is refused. Errors use the registry format.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface OciServer {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Requests served, for the log and for tests. */
  requests: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const NAME = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const ROUTE = new RegExp(`^/v2/(${NAME})/(manifests|blobs)/([^/]+)$`);

function registryError(res: http.ServerResponse, status: number, code: string, message: string, detail?: unknown): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: detail ?? null }] });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Docker-Distribution-API-Version': 'registry/2.0' });
  res.end(body);
}

export function startOciServer(layoutDir: string, options: { port?: number } = {}): Promise<OciServer> {
  const requests: OciServer['requests'] = [];
  const blobPath = (digest: string) => path.join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const index = (): Descriptor[] => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] }).manifests ?? [];
    } catch {
      return [];
    }
  };
  const mediaTypeOf = (digest: string): string | undefined => {
    const listed = index().find((d) => d.digest === digest)?.mediaType;
    if (listed) return listed;
    try {
      return (JSON.parse(fs.readFileSync(blobPath(digest), 'utf8')) as { mediaType?: string }).mediaType;
    } catch {
      return undefined;
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.on('finish', () => requests.push({ method: req.method ?? '', path: url.pathname, status: res.statusCode }));
    if (req.method !== 'GET' && req.method !== 'HEAD') return registryError(res, 405, 'UNSUPPORTED', 'this registry is read-only');
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Length': 2 });
      return res.end(req.method === 'HEAD' ? undefined : '{}');
    }
    const m = ROUTE.exec(url.pathname);
    if (!m) return registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const [, , kind, reference] = m;
    let digest = reference;
    let mediaType = 'application/octet-stream';
    if (kind === 'manifests') {
      if (!DIGEST.test(reference)) {
        const d = index().find((x) => x.annotations?.['org.opencontainers.image.ref.name'] === reference);
        if (!d) return registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', { Tag: reference });
        digest = d.digest;
      }
      const type = mediaTypeOf(digest);
      if (!type || !fs.existsSync(blobPath(digest))) return registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', { Digest: digest });
      mediaType = type;
    } else if (!DIGEST.test(digest)) return registryError(res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    const file = blobPath(digest);
    if (!fs.existsSync(file)) return registryError(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry', { Digest: digest });
    const size = fs.statSync(file).size;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': mediaType,
      'Docker-Content-Digest': digest,
      'Docker-Distribution-API-Version': 'registry/2.0',
      ETag: `"${digest}"`,
      'Accept-Ranges': 'bytes'
    };
    const range = kind === 'blobs' ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null;
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        return res.end();
      }
      res.writeHead(206, { ...headers, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${size}` });
      if (req.method === 'HEAD') return res.end();
      return void fs.createReadStream(file, { start, end }).pipe(res);
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        host: `127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          })
      });
    });
  });
}
