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

interface RegistryError {
  status: number;
  code: string;
  message: string;
  detail?: unknown;
}

function registryError(res: http.ServerResponse, { status, code, message, detail }: RegistryError): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: detail ?? null }] });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Docker-Distribution-API-Version': 'registry/2.0'
  });
  res.end(body);
}

/** What the server reads of the layout directory, fresh on every request (the restore may still be writing it). */
interface Layout {
  blobPath(digest: string): string;
  /** The manifests index.json lists; none when it is missing or broken. */
  index(): Descriptor[];
  /** A manifest's media type: as index.json lists it, else as the blob says. */
  mediaTypeOf(digest: string): string | undefined;
}

function layoutOf(layoutDir: string): Layout {
  const blobPath = (digest: string) => path.join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const index = (): Descriptor[] => {
    try {
      return (
        (JSON.parse(fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] })
          .manifests ?? []
      );
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
  return { blobPath, index, mediaTypeOf };
}

export function startOciServer(layoutDir: string, options: { port?: number } = {}): Promise<OciServer> {
  const requests: OciServer['requests'] = [];
  const layout = layoutOf(layoutDir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.on('finish', () => requests.push({ method: req.method ?? '', path: url.pathname, status: res.statusCode }));
    serve(layout, { req, res, pathname: url.pathname });
  });
  return listen(server, { port: options.port ?? 0, requests });
}

/** One request: the API root, a manifest by tag or digest, or a blob (whole or one byte range). */
function serve(
  layout: Layout,
  { req, res, pathname }: { req: http.IncomingMessage; res: http.ServerResponse; pathname: string }
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return registryError(res, { status: 405, code: 'UNSUPPORTED', message: 'this registry is read-only' });
  if (pathname === '/v2/' || pathname === '/v2') {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Content-Length': 2
    });
    return void res.end(req.method === 'HEAD' ? undefined : '{}');
  }
  const m = ROUTE.exec(pathname);
  if (!m)
    return registryError(res, { status: 404, code: 'NAME_UNKNOWN', message: 'repository name not known to registry' });
  const [, , kind, reference] = m;
  let digest = reference;
  let mediaType = 'application/octet-stream';
  if (kind === 'manifests') {
    if (!DIGEST.test(reference)) {
      const d = layout.index().find((x) => x.annotations?.['org.opencontainers.image.ref.name'] === reference);
      if (!d)
        return registryError(res, {
          status: 404,
          code: 'MANIFEST_UNKNOWN',
          message: 'manifest unknown',
          detail: { Tag: reference }
        });
      digest = d.digest;
    }
    const type = layout.mediaTypeOf(digest);
    if (!type || !fs.existsSync(layout.blobPath(digest)))
      return registryError(res, {
        status: 404,
        code: 'MANIFEST_UNKNOWN',
        message: 'manifest unknown',
        detail: { Digest: digest }
      });
    mediaType = type;
  } else if (!DIGEST.test(digest))
    return registryError(res, {
      status: 400,
      code: 'DIGEST_INVALID',
      message: 'provided digest did not match uploaded content'
    });
  const file = layout.blobPath(digest);
  if (!fs.existsSync(file))
    return registryError(res, {
      status: 404,
      code: 'BLOB_UNKNOWN',
      message: 'blob unknown to registry',
      detail: { Digest: digest }
    });
  sendFile(req, res, { file, digest, mediaType, ranged: kind === 'blobs' });
}

/** The content with its digest headers; for a blob, one `Range: bytes=a-b` is honoured (206, or 416 outside the file). */
function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  o: { file: string; digest: string; mediaType: string; ranged: boolean }
): void {
  const size = fs.statSync(o.file).size;
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': o.mediaType,
    'Docker-Content-Digest': o.digest,
    'Docker-Distribution-API-Version': 'registry/2.0',
    ETag: `"${o.digest}"`,
    'Accept-Ranges': 'bytes'
  };
  const range = o.ranged ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null;
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size || start > end) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      return void res.end();
    }
    res.writeHead(206, {
      ...headers,
      'Content-Length': end - start + 1,
      'Content-Range': `bytes ${start}-${end}/${size}`
    });
    if (req.method === 'HEAD') return void res.end();
    return void fs.createReadStream(o.file, { start, end }).pipe(res);
  }
  res.writeHead(200, { ...headers, 'Content-Length': size });
  if (req.method === 'HEAD') return void res.end();
  fs.createReadStream(o.file).pipe(res);
}

/** Listens on 127.0.0.1 (`port` 0: any free one). */
function listen(
  server: http.Server,
  { port, requests }: { port: number; requests: OciServer['requests'] }
): Promise<OciServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        host: `127.0.0.1:${bound}`,
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
