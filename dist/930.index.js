export const id = 930;
export const ids = [930];
export const modules = {

/***/ 1930:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  claimLocal: () => (/* binding */ claimLocal),
  contentKey: () => (/* binding */ contentKey),
  hasLayout: () => (/* binding */ hasLayout),
  preloadCacheClient: () => (/* binding */ preloadCacheClient),
  restoreLocal: () => (/* binding */ restoreLocal),
  saveLocal: () => (/* binding */ saveLocal),
  serveLocal: () => (/* binding */ serveLocal),
  surroundingsOf: () => (/* reexport */ owned_dirs/* surroundingsOf */.ZD)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/text/text.ts
var text_text = __webpack_require__(8544);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
;// CONCATENATED MODULE: ./src/io/local/oci-server.ts
/**
 * A read-only OCI distribution server over an OCI image layout directory (index.json + blobs/sha256/…),
 * on 127.0.0.1. It lets BuildKit import a local cache as `type=registry` while envd cannot import
 * `type=local` (envd #1391). GET and HEAD only; every write is refused. Errors use the registry format.
 */



const DIGEST = /^sha256:[a-f0-9]{64}$/;
const NAME = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const ROUTE = new RegExp(`^/v2/(${NAME})/(manifests|blobs)/([^/]+)$`);
function registryError(res, { status, code, message, detail }) {
    const body = JSON.stringify({ errors: [{ code, message, detail: detail ?? null }] });
    res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'Docker-Distribution-API-Version': 'registry/2.0'
    });
    res.end(body);
}
function layoutOf(layoutDir) {
    const blobPath = (digest) => external_node_path_.join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
    const index = () => {
        try {
            return (JSON.parse(external_node_fs_.readFileSync(external_node_path_.join(layoutDir, 'index.json'), 'utf8'))
                .manifests ?? []);
        }
        catch {
            return [];
        }
    };
    const mediaTypeOf = (digest) => {
        const listed = index().find((d) => d.digest === digest)?.mediaType;
        if (listed)
            return listed;
        try {
            return JSON.parse(external_node_fs_.readFileSync(blobPath(digest), 'utf8')).mediaType;
        }
        catch {
            return undefined;
        }
    };
    return { blobPath, index, mediaTypeOf };
}
function startOciServer(layoutDir, options = {}) {
    const requests = [];
    const layout = layoutOf(layoutDir);
    const server = external_node_http_.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        res.on('finish', () => requests.push({ method: req.method ?? '', path: url.pathname, status: res.statusCode }));
        serve(layout, { req, res, pathname: url.pathname });
    });
    return listen(server, { port: options.port ?? 0, requests });
}
/** One request: the API root, a manifest by tag or digest, or a blob (whole or one byte range). */
function serve(layout, { req, res, pathname }) {
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
        if (!type || !external_node_fs_.existsSync(layout.blobPath(digest)))
            return registryError(res, {
                status: 404,
                code: 'MANIFEST_UNKNOWN',
                message: 'manifest unknown',
                detail: { Digest: digest }
            });
        mediaType = type;
    }
    else if (!DIGEST.test(digest))
        return registryError(res, {
            status: 400,
            code: 'DIGEST_INVALID',
            message: 'provided digest did not match uploaded content'
        });
    const file = layout.blobPath(digest);
    if (!external_node_fs_.existsSync(file))
        return registryError(res, {
            status: 404,
            code: 'BLOB_UNKNOWN',
            message: 'blob unknown to registry',
            detail: { Digest: digest }
        });
    sendFile(req, res, { file, digest, mediaType, ranged: kind === 'blobs' });
}
/** The content with its digest headers; for a blob, one `Range: bytes=a-b` is honoured (206, or 416 outside the file). */
function sendFile(req, res, o) {
    const size = external_node_fs_.statSync(o.file).size;
    const headers = {
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
        if (req.method === 'HEAD')
            return void res.end();
        return void external_node_fs_.createReadStream(o.file, { start, end }).pipe(res);
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    if (req.method === 'HEAD')
        return void res.end();
    external_node_fs_.createReadStream(o.file).pipe(res);
}
/** Listens on 127.0.0.1 (`port` 0: any free one). */
function listen(server, { port, requests }) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
            const bound = server.address().port;
            resolve({
                host: `127.0.0.1:${bound}`,
                requests,
                close: () => new Promise((r) => {
                    server.closeAllConnections();
                    server.close(() => r());
                })
            });
        });
    });
}

// EXTERNAL MODULE: ./src/io/local/owned-dirs.ts
var owned_dirs = __webpack_require__(7322);
// EXTERNAL MODULE: ./src/local/ownership.ts
var ownership = __webpack_require__(9726);
;// CONCATENATED MODULE: ./src/local/identity.ts
/**
 * What identifies the content of a `cache: local` export, for its key: its index.json and the cache manifests
 * that names, with the annotations BuildKit adds to say where a lazily imported layer came from left out.
 *
 * A layer BuildKit imported from the action's served registry and never pulled stays lazy, and each cache export
 * then names its source, `containerd.io/distribution.source.<host>: <repository>`, in that layer's descriptor
 * (cache/remote.go:181-216 at v0.32.2). The first export after a cold one therefore differs from the cache it
 * was built from in those annotations alone, and a key on index.json's bytes saved the whole directory again.
 * Keyed on this identity, an export whose layers, config and records are the same is the same cache.
 * Pure: the shell reads the blobs.
 */
const SOURCE_ANNOTATION = 'containerd.io/distribution.source.';
const identity_DIGEST = /^sha256:[0-9a-f]{64}$/;
/** The media types of the manifests index.json names (BuildKit writes an OCI image index for a cache). */
const MANIFEST_TYPES = new Set([
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json'
]);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A descriptor without its distribution-source annotations (and without `annotations` when none are left). */
function withoutSources(desc) {
    if (!isObject(desc) || !isObject(desc.annotations))
        return desc;
    const kept = Object.entries(desc.annotations).filter(([k]) => !k.startsWith(SOURCE_ANNOTATION));
    const { annotations: _dropped, ...rest } = desc;
    return kept.length ? { ...rest, annotations: Object.fromEntries(kept) } : rest;
}
/** A manifest or image index with every descriptor it holds (config, layers, manifests) stripped of sources. */
function normalizeManifest(m) {
    if (!isObject(m))
        return m;
    return {
        ...m,
        ...(m.config !== undefined ? { config: withoutSources(m.config) } : {}),
        ...(Array.isArray(m.layers) ? { layers: m.layers.map(withoutSources) } : {}),
        ...(Array.isArray(m.manifests) ? { manifests: m.manifests.map(withoutSources) } : {})
    };
}
/** JSON with object keys sorted, so that the same content gives the same text. */
function canonical(v) {
    if (Array.isArray(v))
        return `[${v.map(canonical).join(',')}]`;
    if (isObject(v))
        return `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
            .join(',')}}`;
    return JSON.stringify(v);
}
/**
 * The text to hash for the key of an export: index.json with each manifest it names replaced by that manifest's
 * content, sources left out. `blob(digest)` reads a blob of the layout (only well-formed sha256 digests are asked
 * for). Anything unexpected — not JSON, a manifest missing or unreadable — gives index.json's own bytes, the key
 * every earlier release used.
 */
function exportIdentity(indexJson, blob) {
    let index;
    try {
        index = JSON.parse(indexJson);
    }
    catch {
        return indexJson;
    }
    if (!isObject(index) || !Array.isArray(index.manifests))
        return indexJson;
    const manifests = [];
    for (const desc of index.manifests) {
        // A descriptor of anything but a manifest (a layer, in a layout of another tool's) is kept as it is.
        if (!isObject(desc) || typeof desc.mediaType !== 'string' || !MANIFEST_TYPES.has(desc.mediaType)) {
            manifests.push(withoutSources(desc));
            continue;
        }
        const digest = desc.digest;
        const text = typeof digest === 'string' && identity_DIGEST.test(digest) ? blob(digest) : undefined;
        if (text === undefined)
            return indexJson;
        let content;
        try {
            content = JSON.parse(text);
        }
        catch {
            return indexJson;
        }
        const { digest: _d, size: _s, ...rest } = withoutSources(desc);
        manifests.push({ ...rest, content: normalizeManifest(content) });
    }
    return canonical({ ...index, manifests });
}

;// CONCATENATED MODULE: ./src/io/local/local-cache.ts









/**
 * @actions/cache with the Azure SDK is the largest part of the bundle: loaded when an entry is restored or saved,
 * not for a post step that finds the export unchanged.
 */
const actionsCache = () => Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(779), __webpack_require__.e(838), __webpack_require__.e(691), __webpack_require__.e(844)]).then(__webpack_require__.bind(__webpack_require__, 1691));
/** Loads @actions/cache ahead of the restore (main, while the budget is read); never throws. */
const preloadCacheClient = () => actionsCache().catch(() => undefined);

/** The largest manifest blob read for the key (BuildKit's cache manifests are a few KB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A manifest blob of the layout, when it is a regular file of a manifest's size. */
function manifestBlob(dir, digest) {
    const file = external_node_path_.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
    try {
        const st = external_node_fs_.lstatSync(file);
        return st.isFile() && st.size <= MAX_MANIFEST_BYTES ? external_node_fs_.readFileSync(file, 'utf8') : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * The key of an exported directory: the scope's prefix and a hash of its content's identity (local/identity.ts:
 * index.json and its manifests, without the layers' distribution-source annotations BuildKit adds after an import).
 */
function contentKey(prefix, dir) {
    const index = `${dir}/index.json`;
    if (!external_node_fs_.existsSync(index))
        return undefined;
    const identity = exportIdentity(external_node_fs_.readFileSync(index, 'utf8'), (digest) => manifestBlob(dir, digest));
    return `${prefix}${(0,external_node_crypto_.createHash)('sha256').update(identity).digest('hex').slice(0, 16)}`;
}
/**
 * Prepares the two directories of the action's own: a fresh one to restore into, and the (marked) one the
 * build exports into. Throws, deleting nothing, when either holds something the action did not create.
 */
function claimLocal(local, around) {
    for (const dir of [local.dir, local.exportDir]) {
        const facts = (0,owned_dirs/* inspectDir */.o2)(dir);
        const problem = (0,ownership/* deletionProblem */.IG)((0,owned_dirs/* placeOf */.$t)(dir), around, facts);
        if (problem)
            throw new Error(`cache: local: ${(0,text_text/* echo */.WI)(dir)} ${problem}; it was left untouched. ${ownership/* CACHE_DIR_FIX */.vf}`);
    }
    (0,owned_dirs/* claimDir */.er)(local.dir, around);
    (0,owned_dirs/* claimDir */.er)(local.exportDir, around);
}
/**
 * Restores the newest entry of this scope (own ref first, then the default branch, by GitHub's rules) into
 * the claimed directory (claimLocal). Returns the key restored; never throws for the cache service.
 */
async function restoreLocal(out, local) {
    const cache = await actionsCache();
    if (!cache.isFeatureAvailable()) {
        out.info('The GitHub cache service is not available to this run: the local cache starts empty and is not kept');
        return undefined;
    }
    try {
        const key = await cache.restoreCache([local.dir], local.keyPrefix, [local.keyPrefix]);
        out.info(key
            ? `Restored the local cache ${(0,text_text/* echo */.WI)(key)} into ${(0,text_text/* echo */.WI)(local.dir)}`
            : `No local cache for ${(0,text_text/* echo */.WI)(local.keyPrefix)}* yet`);
        return key;
    }
    catch (e) {
        out.warning(`Restoring the local cache failed (${(0,text_text/* echo */.WI)(e.message)}); the build runs without it`);
        return undefined;
    }
}
/**
 * Serves the claimed directory read-only on 127.0.0.1. It reads the directory at each request, so it can
 * listen (and buildkitd be told its address) before the restore has filled it.
 */
function serveLocal(local) {
    return startOciServer(local.dir);
}
/** Whether the directory holds an OCI layout to import (after the restore). */
const hasLayout = (local) => external_node_fs_.existsSync(`${local.dir}/index.json`);
/** Post: replaces the old directory with the new export and saves it, unless its content is already stored. */
async function saveLocal(out, state) {
    const workspace = state.workspace ?? process.cwd();
    const around = (0,owned_dirs/* surroundingsOf */.ZD)(workspace, state.home ?? external_node_os_.homedir());
    const save = {
        ...state,
        dir: external_node_path_.resolve(workspace, state.dir),
        exportDir: external_node_path_.resolve(workspace, state.exportDir)
    };
    const key = contentKey(save.keyPrefix, save.exportDir);
    if (!key) {
        out.info('The build exported no local cache; nothing to save');
        const kept = (0,owned_dirs/* releaseDir */.ZI)(save.exportDir, around);
        if (kept)
            out.warning(`cache: local: ${kept}`);
        return;
    }
    const exported = (0,owned_dirs/* inspectDir */.o2)(save.exportDir);
    if (exported.kind !== 'directory' || !exported.marked) {
        out.warning(`cache: local: ${(0,text_text/* echo */.WI)(save.exportDir)} is not the directory the action created for the export (no ${ownership/* OWNER_MARK */.yw} marker); the local cache was not swapped in or saved`);
        return;
    }
    const kept = (0,owned_dirs/* releaseDir */.ZI)(save.dir, around);
    if (kept) {
        out.warning(`cache: local: ${kept}; the new export stays in ${(0,text_text/* echo */.WI)(save.exportDir)} and was not saved`);
        return;
    }
    // The marker moves with the directory, so the next run may replace it again.
    external_node_fs_.renameSync(save.exportDir, save.dir);
    if (key === save.restoredKey) {
        out.info(`The local cache is unchanged (${(0,text_text/* echo */.WI)(key)}); not saved again`);
        return;
    }
    const cache = await actionsCache();
    if (!cache.isFeatureAvailable()) {
        out.info('The GitHub cache service is not available to this run: the local cache is not kept');
        return;
    }
    // The blobs are compressed layers already: a stronger zstd level gains nothing but time. @actions/cache has no
    // option for the level; zstd reads it from ZSTD_CLEVEL (its default is 3). A level the workflow set is kept.
    const level = process.env.ZSTD_CLEVEL;
    if (level === undefined)
        process.env.ZSTD_CLEVEL = SAVE_ZSTD_LEVEL;
    try {
        await cache.saveCache([save.dir], key);
        out.info(`Saved the local cache as ${(0,text_text/* echo */.WI)(key)}`);
    }
    catch (e) {
        out.warning(`Saving the local cache failed: ${(0,text_text/* echo */.WI)(e.message)}`);
    }
    finally {
        if (level === undefined)
            delete process.env.ZSTD_CLEVEL;
    }
}
/** The fastest of zstd's normal levels (1–19), for archives of already-compressed blobs. */
const SAVE_ZSTD_LEVEL = '1';


/***/ })

};

//# sourceMappingURL=930.index.js.map