export const id = 208;
export const ids = [208];
export const modules = {

/***/ 9208:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   InstallError: () => (/* binding */ InstallError),
/* harmony export */   Installer: () => (/* binding */ Installer),
/* harmony export */   systemBuildkit: () => (/* binding */ systemBuildkit),
/* harmony export */   systemEnvd: () => (/* binding */ systemEnvd)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _tool_cache_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2063);
/* harmony import */ var _http_policies_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4196);
/* harmony import */ var _deadlines_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8193);
/* harmony import */ var _http_client_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7002);
/* harmony import */ var _tools_releases_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(21);
/**
 * Installs envd and BuildKit into the runner's tool cache: the release resolved (a tag or `latest`), the
 * asset downloaded with retries, its sha256 verified (envd: checksums.txt; BuildKit: the digest GitHub
 * publishes per release asset), then cached so later jobs on the runner skip the download.
 */








class InstallError extends Error {
}
/** A release as the API answers it: a tag, and assets with a name (and a digest since 2025). */
function parseRelease(value) {
    const r = value;
    if (!r || typeof r !== 'object' || typeof r.tag_name !== 'string' || r.tag_name === '')
        return { ok: false, reason: 'not a release (no tag_name)' };
    if (!Array.isArray(r.assets) ||
        !r.assets.every((a) => a && typeof a === 'object' && typeof a.name === 'string'))
        return { ok: false, reason: `not a release (the assets of ${r.tag_name} are not a list of named files)` };
    return { ok: true, value: r };
}
const sha256File = async (file) => {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    for await (const chunk of node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream(file))
        hash.update(chunk);
    return hash.digest('hex');
};
const toolCache = () => Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(779), __webpack_require__.e(838), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
class Installer {
    options;
    http;
    constructor(options, http = new _http_client_js__WEBPACK_IMPORTED_MODULE_6__/* .Http */ .lw({
        timeoutMs: (0,_deadlines_js__WEBPACK_IMPORTED_MODULE_5__.ms)(_http_policies_js__WEBPACK_IMPORTED_MODULE_4__/* .POLICIES */ .PQ.release.requestMs),
        service: { name: 'The release server', without: 'the tools cannot be downloaded' }
    })) {
        this.options = options;
        this.http = http;
    }
    headers() {
        return this.options.token ? { Authorization: `token ${this.options.token}` } : {};
    }
    async release(repo, version) {
        const url = `${this.options.apiBase.replace(/\/+$/, '')}/repos/${repo}/releases/${version === 'latest' ? 'latest' : `tags/${version}`}`;
        const r = await this.http.getJson(url, parseRelease, {
            headers: { ..._http_client_js__WEBPACK_IMPORTED_MODULE_6__/* .GITHUB_JSON */ .hS, ...this.headers() },
            policy: this.options.retry
        });
        if (r.ok)
            return r.value;
        if (r.failure.status === 404)
            throw new InstallError(`${repo} has no release ${version}; check the version input`);
        throw new InstallError(`cannot read the ${repo} release ${version}: ${r.reason}`);
    }
    async fetch(url, name) {
        const dest = node_path__WEBPACK_IMPORTED_MODULE_2__.join(this.options.tempDir, `${Date.now()}-${name}`);
        const r = await this.http.download(url, dest, { policy: this.options.retry });
        if (r.ok)
            return dest;
        if (r.failure.status === 404)
            throw new InstallError(`${url} does not exist (404): check the version input (envd-version or buildkit-version), or that release has no build for this platform`);
        throw new InstallError(`download of ${url} failed: ${r.reason}`);
    }
    async verify(file, asset, expected, source) {
        if (!expected)
            throw new InstallError(`cannot verify ${asset}: ${source} publishes no checksum for it; pin a version that does`);
        const actual = await sha256File(file);
        if (actual !== expected) {
            node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(file, { force: true });
            throw new InstallError(`checksum mismatch for ${asset}: expected ${expected} (${source}), got ${actual}; the download was discarded`);
        }
    }
    /** `version`: a tag (v1.3.4), or `latest`. */
    async envd(version) {
        const tag = version === 'latest' ? (await this.release(_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .ENVD_REPO */ .hS, 'latest')).tag_name : version;
        const bare = tag.replace(/^v/, '');
        const cached = (0,_tool_cache_js__WEBPACK_IMPORTED_MODULE_3__/* .findCached */ .a)(process.env.RUNNER_TOOL_CACHE, 'envd', bare, this.options.platform.arch);
        if (cached)
            return { tag, dir: cached, fromCache: true };
        const asset = (0,_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .envdAssetName */ .NJ)(tag, this.options.platform);
        const file = await this.fetch((0,_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .downloadUrl */ .Is)(this.options.downloadBase, _tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .ENVD_REPO */ .hS, tag, asset), asset);
        const checksums = await this.http.getText((0,_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .downloadUrl */ .Is)(this.options.downloadBase, _tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .ENVD_REPO */ .hS, tag, 'checksums.txt'), {
            policy: this.options.retry
        });
        if (!checksums.ok)
            throw new InstallError(`cannot read checksums.txt of envd ${tag}: ${checksums.reason}`);
        await this.verify(file, asset, (0,_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .checksumFor */ .xs)(checksums.value, asset), 'checksums.txt');
        node_fs__WEBPACK_IMPORTED_MODULE_1__.chmodSync(file, 0o755);
        const dir = await (await toolCache()).cacheFile(file, 'envd', 'envd', bare, this.options.platform.arch);
        return { tag, dir, fromCache: false };
    }
    async buildkit(version) {
        const latest = version === 'latest' ? await this.release(_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .BUILDKIT_REPO */ .A6, 'latest') : undefined;
        const tag = latest?.tag_name ?? version;
        const bare = tag.replace(/^v/, '');
        const cached = (0,_tool_cache_js__WEBPACK_IMPORTED_MODULE_3__/* .findCached */ .a)(process.env.RUNNER_TOOL_CACHE, 'buildkit', bare, this.options.platform.arch);
        if (cached)
            return { tag, dir: node_path__WEBPACK_IMPORTED_MODULE_2__.join(cached, 'bin'), fromCache: true };
        const release = latest ?? (await this.release(_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .BUILDKIT_REPO */ .A6, tag));
        const asset = (0,_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .buildkitAssetName */ .M3)(tag, this.options.platform);
        const digest = release.assets.find((a) => a.name === asset)?.digest ?? undefined;
        const file = await this.fetch((0,_tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .downloadUrl */ .Is)(this.options.downloadBase, _tools_releases_js__WEBPACK_IMPORTED_MODULE_7__/* .BUILDKIT_REPO */ .A6, tag, asset), asset);
        await this.verify(file, asset, digest?.replace(/^sha256:/, ''), 'the release API');
        const tc = await toolCache();
        const extracted = await tc.extractTar(file, node_path__WEBPACK_IMPORTED_MODULE_2__.join(this.options.tempDir, `buildkit-${bare}`));
        const dir = await tc.cacheDir(extracted, 'buildkit', bare, this.options.platform.arch);
        return { tag, dir: node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, 'bin'), fromCache: false };
    }
}
/**
 * The executable `name` in the first directory of `env`'s PATH that holds one (a file with an execute bit), as a
 * shell finds it. The step's environment, not the process's: a test hands its own PATH.
 */
function onPath(name, env) {
    for (const dir of (env.PATH ?? '').split(node_path__WEBPACK_IMPORTED_MODULE_2__.delimiter)) {
        if (!dir)
            continue;
        const file = node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, name);
        try {
            if (node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync(file).isFile()) {
                node_fs__WEBPACK_IMPORTED_MODULE_1__.accessSync(file, node_fs__WEBPACK_IMPORTED_MODULE_1__.constants.X_OK);
                return file;
            }
        }
        catch {
            // not there, or not executable: the next directory
        }
    }
    return undefined;
}
/** `envd-version: system`: the envd on PATH. */
function systemEnvd(env) {
    const found = onPath('envd', env);
    if (!found)
        throw new InstallError('envd-version is system, but no envd is on PATH; install it in an earlier step or use a version');
    return { tag: 'system', dir: node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(found), fromCache: true };
}
/** `buildkit-version: system`: buildkitd and buildctl on PATH, with the version buildkitd reports. */
async function systemBuildkit(env, version) {
    const found = onPath('buildkitd', env);
    const ctl = onPath('buildctl', env);
    if (!found || !ctl)
        throw new InstallError('buildkit-version is system, but buildkitd and buildctl are not both on PATH; install them in an earlier step or use a version');
    if (node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(found) !== node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(ctl))
        throw new InstallError(`buildkitd (${found}) and buildctl (${ctl}) are in different directories; put them side by side`);
    return { tag: (await version()) ?? 'system', dir: node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(found), fromCache: true };
}


/***/ })

};

//# sourceMappingURL=208.index.js.map