/** Small HTTP helpers: replies as values, body reading, and the three error shapes (twirp, Azure, REST). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Announce the full body but send only this many bytes, then cut the connection. */
  truncateAt?: number;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a reply; a truncated reply sends part of the body and destroys the socket. */
export function send(res: ServerResponse, reply: Reply, omitHeaders: string[] = []): void {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
  const headers: Record<string, string> = { 'content-length': String(body.length), ...reply.headers };
  for (const name of omitHeaders) delete headers[name];
  res.writeHead(reply.status, headers);
  if (reply.truncateAt !== undefined && reply.truncateAt < body.length) {
    res.write(body.subarray(0, reply.truncateAt), () => res.destroy());
    return;
  }
  res.end(body);
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value)
  };
}

/** Twirp error codes and their HTTP statuses. */
const TWIRP_STATUS: Record<string, number> = {
  canceled: 408,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
  unknown: 500
};

export function twirpError(code: string, msg: string, headers: Record<string, string> = {}): Reply {
  return json(TWIRP_STATUS[code] ?? 500, { code, msg }, headers);
}

export function twirpCodeForStatus(status: number): string {
  const found = Object.entries(TWIRP_STATUS).find(
    ([code, s]) => s === status && code !== 'malformed' && code !== 'bad_route'
  );
  return found ? found[0] : status >= 500 ? 'internal' : 'unknown';
}

/** Azure Storage error: XML body plus `x-ms-error-code`. */
export function azureError(status: number, code: string, message: string, requestId: string): Reply {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message></Error>`;
  return { status, headers: { 'content-type': 'application/xml', 'x-ms-error-code': code }, body };
}

export function azureCodeForStatus(status: number): string {
  if (status === 403) return 'AuthenticationFailed';
  if (status === 404) return 'BlobNotFound';
  if (status === 409) return 'BlobAlreadyExists';
  if (status === 412) return 'ConditionNotMet';
  if (status === 429 || status === 503) return 'ServerBusy';
  if (status === 500) return 'InternalError';
  return 'OperationFailed';
}

export function restError(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return json(
    status,
    { message, documentation_url: 'https://docs.github.com/rest/actions/cache', status: String(status) },
    headers
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
