/** The Azure block-blob subset behind the signed URLs: Put Blob, Put Block, Put Block List, Get/Head Blob. */
import { createHash } from 'node:crypto';
import type { RequestInfo, ServiceContext } from './context.js';
import { azureError, type Reply } from './http.js';
import type { BlockRef, Entry } from './store.js';

const API_VERSION = '2025-01-05';

function etag(entry: Entry): string {
  return `"0x${createHash('sha256')
    .update(`${entry.id}:${entry.data?.length ?? 0}`)
    .digest('hex')
    .slice(0, 16)
    .toUpperCase()}"`;
}

/**
 * Azure answers with the version that executed the request: the client's `x-ms-version` (BuildKit v0.32.2's
 * azblob v1.5.0 sends `2024-11-04`, observed with buildkitd v0.32.2), else the SAS's `sv`, else its default.
 */
function versionOf(req: RequestInfo): string {
  const header = req.headers['x-ms-version'];
  if (typeof header === 'string' && header !== '') return header;
  return req.url.searchParams.get('sv') || API_VERSION;
}

function baseHeaders(ctx: ServiceContext, req: RequestInfo): Record<string, string> {
  return { 'x-ms-request-id': req.requestId, 'x-ms-version': versionOf(req), date: ctx.clock.date().toUTCString() };
}

function withBase(ctx: ServiceContext, req: RequestInfo, reply: Reply): Reply {
  return { ...reply, headers: { ...baseHeaders(ctx, req), ...reply.headers } };
}

export function handleBlob(ctx: ServiceContext, req: RequestInfo): Reply {
  return withBase(ctx, req, route(ctx, req));
}

export function blobError(ctx: ServiceContext, req: RequestInfo, status: number, code: string, message: string): Reply {
  return withBase(ctx, req, azureError(status, code, message, req.requestId));
}

function route(ctx: ServiceContext, req: RequestInfo): Reply {
  const fail = (status: number, code: string, message: string): Reply =>
    azureError(status, code, message, req.requestId);
  const check = ctx.sas.verify(req.url.pathname, req.url.searchParams, ctx.clock.now());
  if (!check.ok) return fail(check.code === 'InvalidUri' ? 400 : 403, check.code, check.message);
  const entry = ctx.store.get(check.entryId);
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (!reading && req.method !== 'PUT')
    return fail(405, 'UnsupportedHttpVerb', `The resource doesn't support the specified HTTP verb ${req.method}.`);
  const needed = reading ? 'r' : 'cw';
  if (check.permission !== needed) {
    return fail(
      403,
      'AuthorizationPermissionMismatch',
      'This request is not authorized to perform this operation using this permission.'
    );
  }
  if (!entry) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
  if (reading) {
    return download(req, entry, fail);
  }
  if (entry.committed)
    return fail(
      409,
      'BlobImmutableDueToPolicy',
      'This operation is not permitted as the blob is immutable due to a policy.'
    );
  return upload(req, entry, ctx, fail);
}

type Fail = (status: number, code: string, message: string) => Reply;

function upload(req: RequestInfo, entry: Entry, ctx: ServiceContext, fail: Fail): Reply {
  const comp = req.url.searchParams.get('comp');
  const created: Reply = {
    status: 201,
    headers: { 'last-modified': ctx.clock.date().toUTCString(), 'x-ms-request-server-encrypted': 'true' }
  };
  if (comp === 'block') {
    const blockId = req.url.searchParams.get('blockid');
    if (!blockId)
      return fail(
        400,
        'MissingRequiredQueryParameter',
        'A query parameter that is mandatory for this request is not specified: blockid.'
      );
    // Azure: a block id is valid Base64 of at most 64 bytes, and every block id of one blob has the same length.
    if (
      !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(blockId) ||
      Buffer.from(blockId, 'base64').length > 64
    ) {
      return fail(
        400,
        'InvalidQueryParameterValue',
        'Value for one of the query parameters specified in the request URI is invalid.'
      );
    }
    const other = [...entry.staged.keys(), ...entry.committedBlocks.keys()].find((id) => id.length !== blockId.length);
    if (other !== undefined) return fail(400, 'InvalidBlobOrBlock', 'The specified blob or block content is invalid.');
    ctx.store.stageBlock(entry, blockId, req.body);
    return created;
  }
  if (comp === 'blocklist') {
    const blocks = parseBlockList(req.body.toString('utf8'));
    if (!blocks) return fail(400, 'InvalidXmlDocument', 'XML specified is not syntactically valid.');
    const problem = ctx.store.commitBlockList(entry, blocks);
    if (problem) return fail(400, 'InvalidBlockList', `The specified block list is invalid: ${problem}.`);
    return { ...created, headers: { ...created.headers, etag: etag(entry) } };
  }
  if (comp)
    return fail(
      400,
      'InvalidQueryParameterValue',
      `Value for one of the query parameters specified in the request URI is invalid: comp=${comp}.`
    );
  if (String(req.headers['x-ms-blob-type'] ?? '') !== 'BlockBlob') {
    return fail(
      400,
      'MissingRequiredHeader',
      'An HTTP header that is mandatory for this request is not specified: x-ms-blob-type.'
    );
  }
  ctx.store.putBlob(entry, req.body);
  const md5 = createHash('md5').update(req.body).digest('base64');
  return { ...created, headers: { ...created.headers, etag: etag(entry), 'content-md5': md5 } };
}

/** `<BlockList><Latest>id</Latest><Committed>id</Committed>…</BlockList>`, in document order. */
export function parseBlockList(xml: string): BlockRef[] | undefined {
  const inner = /<BlockList>([\s\S]*)<\/BlockList>/.exec(xml);
  if (!inner) return undefined;
  const blocks: BlockRef[] = [];
  const pattern = /<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g;
  for (let m = pattern.exec(inner[1]); m; m = pattern.exec(inner[1])) {
    blocks.push({ list: m[1] as BlockRef['list'], id: m[2].trim() });
  }
  return blocks;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive [start, end], or 'invalid'. */
export function parseRange(header: string, size: number): { start: number; end: number } | 'invalid' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? 'invalid' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'invalid' : { start, end };
}

function download(req: RequestInfo, entry: Entry, fail: Fail): Reply {
  const data = entry.data;
  if (!data) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    'x-ms-blob-type': 'BlockBlob',
    etag: etag(entry),
    'last-modified': new Date(entry.createdAt).toUTCString()
  };
  const rangeHeader = req.headers['x-ms-range'] ?? req.headers.range;
  let status = 200;
  let body = data;
  if (typeof rangeHeader === 'string' && rangeHeader !== '') {
    const range = parseRange(rangeHeader, data.length);
    if (range === 'invalid') {
      const reply = fail(416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.');
      return { ...reply, headers: { ...reply.headers, 'content-range': `bytes */${data.length}` } };
    }
    status = 206;
    body = data.subarray(range.start, range.end + 1);
    headers['content-range'] = `bytes ${range.start}-${range.end}/${data.length}`;
  }
  if (req.method === 'HEAD') return { status, headers: { ...headers, 'content-length': String(body.length) } };
  return { status, headers, body };
}
