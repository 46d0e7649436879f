export const id = 990;
export const ids = [990];
export const modules = {

/***/ 2814:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ Output),
/* harmony export */   p: () => (/* binding */ Input)
/* harmony export */ });
/** The action's inputs and outputs, named exactly as in action.yml. */
var Input;
(function (Input) {
    Input["Path"] = "path";
    Input["From"] = "from";
    Input["Output"] = "output";
    Input["Platform"] = "platform";
    Input["Cache"] = "cache";
    Input["CacheScope"] = "cache-scope";
    Input["CacheMode"] = "cache-mode";
    Input["CacheWrite"] = "cache-write";
    Input["CacheRef"] = "cache-ref";
    Input["CacheDir"] = "cache-dir";
    Input["CacheOptions"] = "cache-options";
    Input["ExportCache"] = "export-cache";
    Input["ImportCache"] = "import-cache";
    Input["Matrix"] = "matrix";
    Input["GithubToken"] = "github-token";
    Input["CacheBudget"] = "cache-budget";
    Input["CachePrune"] = "cache-prune";
    Input["CacheTimeout"] = "cache-timeout";
    Input["Command"] = "command";
    Input["EnvdVersion"] = "envd-version";
    Input["BuildkitVersion"] = "buildkit-version";
    Input["Builder"] = "builder";
    Input["BuilderTlsCa"] = "builder-tls-ca";
    Input["BuilderTlsCert"] = "builder-tls-cert";
    Input["BuilderTlsKey"] = "builder-tls-key";
    Input["BuilderTlsServerName"] = "builder-tls-server-name";
    Input["BuildkitdConfigInline"] = "buildkitd-config-inline";
    Input["BuildkitdFlags"] = "buildkitd-flags";
    Input["DryRun"] = "dry-run";
    Input["CacheMounts"] = "cache-mounts";
    Input["CacheMountsMax"] = "cache-mounts-max";
    Input["CacheMountsImage"] = "cache-mounts-image";
})(Input || (Input = {}));
var Output;
(function (Output) {
    Output["CacheBackend"] = "cache-backend";
    Output["CacheScope"] = "cache-scope";
    Output["CacheMode"] = "cache-mode";
    Output["ExportCache"] = "export-cache";
    Output["ImportCache"] = "import-cache";
    Output["CachedSteps"] = "cached-steps";
    Output["TotalSteps"] = "total-steps";
    Output["CacheHitRatio"] = "cache-hit-ratio";
    Output["BuildSeconds"] = "build-seconds";
    Output["Steps"] = "steps";
    Output["CacheUsageBytes"] = "cache-usage-bytes";
    Output["CacheBudgetBytes"] = "cache-budget-bytes";
    Output["PrunedEntries"] = "pruned-entries";
    Output["PrunedBytes"] = "pruned-bytes";
    Output["Plan"] = "plan";
    Output["Digest"] = "digest";
    Output["Image"] = "image";
    Output["ImageId"] = "imageid";
    Output["Builder"] = "builder";
    Output["CacheMounts"] = "cache-mounts";
})(Output || (Output = {}));


/***/ }),

/***/ 832:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KN: () => (/* binding */ crossChecks),
/* harmony export */   Vz: () => (/* reexport safe */ _index_js__WEBPACK_IMPORTED_MODULE_0__.Vz),
/* harmony export */   iw: () => (/* binding */ ATTRIBUTES),
/* harmony export */   mw: () => (/* binding */ REQUIRED)
/* harmony export */ });
/* harmony import */ var _index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7399);
/**
 * What BuildKit knows, per cache backend and direction (reference: buildkit-cache.md §2, §3), read from the
 * backend registry (`src/backends/`): attribute rules are data there; the rules that relate two attributes
 * are each backend's `crossChecks`.
 */


const ATTRIBUTES = Object.fromEntries(_index_js__WEBPACK_IMPORTED_MODULE_0__/* .CACHE_TYPES */ .Vz.map((b) => [b, _index_js__WEBPACK_IMPORTED_MODULE_0__/* .BACKENDS */ .A7[b].attributes]));
/** Attributes a value must carry, per backend and direction (env fallbacks are resolved by the planner). */
const REQUIRED = Object.fromEntries(_index_js__WEBPACK_IMPORTED_MODULE_0__/* .CACHE_TYPES */ .Vz.map((b) => [b, _index_js__WEBPACK_IMPORTED_MODULE_0__/* .BACKENDS */ .A7[b].required]));
/** Rules that relate attributes to each other. Each returns problems in plain words. */
function crossChecks(backend, direction, attrs, complete) {
    return _index_js__WEBPACK_IMPORTED_MODULE_0__/* .BACKENDS */ .A7[backend].crossChecks?.(direction, attrs, complete) ?? [];
}


/***/ }),

/***/ 7399:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  A7: () => (/* binding */ BACKENDS),
  Gi: () => (/* binding */ BACKEND_NAMES),
  Vz: () => (/* binding */ CACHE_TYPES),
  EC: () => (/* binding */ backendOf),
  kY: () => (/* binding */ backendOfType)
});

// EXTERNAL MODULE: ./src/cache/redact.ts
var redact = __webpack_require__(2097);
// EXTERNAL MODULE: ./src/cache/values.ts
var values = __webpack_require__(3834);
// EXTERNAL MODULE: ./src/cache/image-ref.ts
var image_ref = __webpack_require__(3715);
// EXTERNAL MODULE: ./src/text/text.ts
var text_text = __webpack_require__(8544);
;// CONCATENATED MODULE: ./src/backends/rules.ts
/** Attribute rules more than one backend shares (reference: buildkit-cache.md §2, §3). */



const E = ['export'];
const I = ['import'];
const EI = ['export', 'import'];
const imageRef = (v) => {
    const r = (0,image_ref/* parseImageRef */.Q)(v);
    return r.ok ? undefined : r.problem;
};
const mode = { in: E, check: (0,values/* oneOf */.yL)('min', 'max') };
const ignoreError = { in: E, check: values/* goBool */.B7 };
/** Registry-style layer options shared by registry and local exports. */
const layerOptions = {
    mode,
    'ignore-error': ignoreError,
    'oci-mediatypes': { in: E, check: values/* goBool */.B7 },
    'image-manifest': { in: E, check: values/* goBool */.B7 },
    compression: { in: E, check: (0,values/* oneOf */.yL)('uncompressed', 'gzip', 'estargz', 'zstd') },
    'compression-level': { in: E, check: values/* integer */.nd },
    'force-compression': { in: E, check: values/* goBoolOrEmpty */.$Q }
};
const GZIP_ONLY = 'is ignored by this backend: it always stores gzip layers; remove it';
const ignoredByGzipOnly = Object.fromEntries(['oci-mediatypes', 'image-manifest', 'compression', 'compression-level', 'force-compression'].map((k) => [
    k,
    { in: EI, refused: GZIP_ONLY }
]));
const LEVEL_RANGE = { gzip: [0, 9], estargz: [0, 9], zstd: [0, 22] };
/** How the layer options relate to each other (registry and local). */
function layerCrossChecks(_direction, attrs) {
    const problems = [];
    const compression = attrs.get('compression') ?? 'gzip';
    const oci = attrs.has('oci-mediatypes') ? (0,values/* parseGoBool */.MY)(attrs.get('oci-mediatypes')) : true;
    const level = attrs.get('compression-level');
    if (level !== undefined && (0,values/* integer */.nd)(level) === undefined) {
        const range = LEVEL_RANGE[compression];
        if (!range)
            problems.push(`compression-level has no effect with compression=${compression}; remove it`);
        else if (Number(level) < range[0] || Number(level) > range[1])
            problems.push(`compression-level=${(0,text_text/* echo */.WI)(level)} is out of range for ${compression}: use ${range[0]}-${range[1]}`);
    }
    if (oci === false && (compression === 'estargz' || compression === 'zstd'))
        problems.push(`compression=${compression} needs OCI media types: remove oci-mediatypes=false`);
    if (oci === false && attrs.has('image-manifest') && (0,values/* parseGoBool */.MY)(attrs.get('image-manifest')) === true)
        problems.push('image-manifest=true needs OCI media types: remove oci-mediatypes=false or set image-manifest=false');
    return problems;
}

;// CONCATENATED MODULE: ./src/backends/gha.ts
/** `cache: gha`: BuildKit's GitHub Actions cache exporter and importer, one scope per ref. */



const gha = {
    name: 'gha',
    attributes: {
        scope: {
            in: EI,
            check: (v) => /^[^,\s]{1,200}$/.test(v) ? undefined : `${(0,redact/* quoted */.TL)(v)} must be 1-200 characters without commas or spaces`
        },
        token: { in: EI, check: values/* nonEmpty */.hq, secret: true },
        url: { in: EI, check: values/* nonEmpty */.hq },
        url_v2: { in: EI, check: values/* nonEmpty */.hq },
        version: { in: EI, check: (0,values/* oneOf */.yL)('1', '2') },
        timeout: { in: EI, check: values/* goDuration */.Lm },
        repository: { in: E, check: (v) => (/^[\w.-]+\/[\w.-]+$/.test(v) ? undefined : `${(0,redact/* quoted */.TL)(v)} is not owner/repo`) },
        ghtoken: { in: E, check: values/* nonEmpty */.hq, secret: true },
        mode: mode,
        'ignore-error': ignoreError,
        ...ignoredByGzipOnly
    },
    required: { export: ['token'], import: ['token'] },
    crossChecks(_direction, attrs, complete) {
        const problems = [];
        if (complete && !attrs.has('url') && !attrs.has('url_v2'))
            problems.push('needs url_v2 (cache service v2) or url (v1, GHES); the action fills them from the runner');
        if (attrs.has('repository') !== attrs.has('ghtoken'))
            problems.push('repository and ghtoken go together: set both or neither');
        return problems;
    },
    store: 'github-cache',
    savedInGithubCache: true,
    location: ({ inputs, scope }) => [
        ['scope', scope],
        // An explicit per-call deadline: BuildKit before v0.13 defaulted to 5m, later to 10m.
        ['timeout', inputs.cacheOptions.get('timeout') ?? '10m']
    ],
    fromRunner: fillFromRunner,
    mountsHome: () => ({ store: 'github-cache' }),
    filledByAction: ['token', 'url_v2'],
    writeTarget: ({ scope }, ref) => `the GitHub cache of ${ref}, scope ${scope}`,
    // github.com serves only the cache API v2, which BuildKit speaks from v0.20.0 (url_v2, version=2).
    minBuildkit: {
        version: '0.20.0',
        inputProblem: (given) => `${given} speaks only the GitHub cache API v1, which github.com shut down on 2025-04-15; gha needs BuildKit v0.20.0 or later (v0.27.0+ recommended)`,
        builderProblem: (address, version) => `cache: gha needs BuildKit v0.20.0 or later (cache API v2), and the builder at ${address} runs ${version}; github.com shut the v1 API down on 2025-04-15`,
        unknownWarning: (address) => `The version of the buildkitd at ${address} is unknown; gha cache needs v0.20.0 or later`
    },
    companions: []
};
function ghaCredentials(rt) {
    const cs = rt.cacheService;
    const attrs = [];
    const missing = [];
    let reason;
    let warning;
    if (cs.v2 && !rt.ghes) {
        if (cs.resultsUrl)
            attrs.push(['url_v2', cs.resultsUrl], ['version', '2']);
        else
            missing.push('ACTIONS_RESULTS_URL');
        reason = 'cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set on github.com)';
    }
    else {
        const url = cs.cacheUrl ?? cs.resultsUrl;
        if (url)
            attrs.push(['url', url], ['version', '1']);
        else
            missing.push('ACTIONS_CACHE_URL');
        reason = !url
            ? 'no cache service endpoint in the environment'
            : rt.ghes
                ? 'cache service v1 (GitHub Enterprise Server)'
                : 'cache service v1 (ACTIONS_CACHE_SERVICE_V2 is not set)';
        if (url && !rt.ghes && rt.actions)
            warning =
                'ACTIONS_CACHE_SERVICE_V2 is not set on github.com, so the legacy cache API v1 is used; github.com shut it down on 2025-04-15 and gha cache will likely fail. Check the runner version (v2.321.0+ sets the flag)';
    }
    if (cs.token)
        attrs.unshift(['token', cs.token]);
    else
        missing.unshift('ACTIONS_RUNTIME_TOKEN');
    return { attrs, reason, missing, warning };
}
function missingCredentialsMessage(rt, missing) {
    const where = rt.actions
        ? 'The runner gives them only to JavaScript actions; if this action runs inside a composite action or a container job, check that the variables are passed through'
        : 'This does not look like a GitHub Actions run (GITHUB_ACTIONS is not true): the runner gives these only to JavaScript actions it runs. Locally, use dry-run: true or another cache backend';
    return `cache: gha needs the runner's cache credentials, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set. ${where}`;
}
/** Adds the runner's token and endpoint to every value that lacks them (after scope), and says where they came from. */
function fillFromRunner(rt, values) {
    const creds = ghaCredentials(rt);
    let missing = creds.missing;
    const filled = values.map((given) => {
        const hasEndpoint = given.has('url') || given.has('url_v2');
        const fill = creds.attrs.filter(([k]) => !given.has(k) && !(hasEndpoint && k !== 'token'));
        const attrs = [...given];
        attrs.splice(attrs.findIndex(([k]) => k === 'scope') + 1, 0, ...fill);
        const out = new Map(attrs);
        missing = missing.filter((v) => (v === 'ACTIONS_RUNTIME_TOKEN' ? !out.has('token') : !hasEndpoint));
        return out;
    });
    return {
        values: filled,
        decision: { outcome: missing.length ? `missing ${missing.join(', ')}` : 'from the runner', reason: creds.reason },
        warning: creds.warning,
        missing: missing.length ? missingCredentialsMessage(rt, missing) : undefined
    };
}

// EXTERNAL MODULE: ./src/action/names.ts
var names = __webpack_require__(2814);
;// CONCATENATED MODULE: ./src/backends/inline.ts
/** `cache: inline`: the cache travels inside the pushed image; it is read back as a registry cache. */



const inline = {
    name: 'inline',
    attributes: {
        // BuildKit's inline exporter reads no attributes; mode is accepted only as min (the only mode it has).
        mode: {
            in: E,
            check: (v) => v === 'min' ? undefined : `${(0,redact/* quoted */.TL)(v)}: inline cache supports only mode=min; use cache: registry for mode=max`
        }
    },
    required: { export: [], import: [] },
    store: 'image',
    savedInGithubCache: false,
    location: () => [],
    // BuildKit's inline exporter reads no attributes but the ones given; it has no mode of its own to set.
    exportAttrs: (options) => options,
    // There is no inline importer: the cache travels inside the pushed image and is read back as a registry cache.
    readBack: {
        reason: 'inline cache is read back from the output image as a registry cache',
        as: ({ inputs }) => ({ type: 'registry', attrs: [['ref', inputs.output.imageName]] }),
        noImporter: 'type=inline cannot be imported: BuildKit has no inline importer; import type=registry,ref=<the output image> instead'
    },
    fixedMode: {
        mode: 'min',
        reason: 'inline cache is always min',
        otherProblem: (other) => `"${other}" is not possible with cache: inline, which stores only the final image's layers (min); use cache: registry for ${other}`
    },
    writeTarget: () => 'the output image, which carries the cache',
    companions: [],
    noMounts: 'cache: inline keeps the cache inside the pushed image, which has no place for package caches; use cache: registry, which keeps them as artifacts beside its layers',
    inputProblems: ({ output }) => output?.image && output.push
        ? []
        : [
            {
                input: names/* Input */.p.Output,
                message: 'cache: inline stores the cache inside the pushed image: set output to type=image,name=<registry>/<image>:<tag>,push=true'
            }
        ]
};

;// CONCATENATED MODULE: ./src/backends/local.ts
/** `cache: local`: an OCI layout directory on the runner, which the action saves to and restores from the GitHub cache. */


function localCacheDir(inputs, rt, scope) {
    return inputs.cacheDir ?? `${rt.runnerTemp || '.'}/envd-cache/${scope}`;
}
const local = {
    name: 'local',
    attributes: {
        dest: { in: E, check: values/* nonEmpty */.hq },
        src: { in: I, check: values/* nonEmpty */.hq },
        tag: { in: EI, check: values/* nonEmpty */.hq },
        digest: { in: I, check: values/* sha256Digest */.sI },
        reset: {
            in: E,
            refused: 'needs BuildKit client v0.31 and envd v1.3.4 bundles v0.25.1, so it would be ignored; export to a fresh directory instead'
        },
        ...layerOptions
    },
    required: { export: ['dest'], import: ['src'] },
    crossChecks: layerCrossChecks,
    store: 'runner',
    savedInGithubCache: true,
    // Export into a fresh directory that replaces the restored one after the build: the stored cache
    // is always one export, never a pile of them.
    location: ({ inputs, rt, scope }, direction) => [
        [
            direction === 'export' ? 'dest' : 'src',
            `${localCacheDir(inputs, rt, scope)}${direction === 'export' ? '.new' : ''}`
        ]
    ],
    writeTarget: (_ctx, ref) => `the GitHub cache of ${ref}, where the cache directory is saved`,
    runnerDir: ({ inputs, rt, scope }) => localCacheDir(inputs, rt, scope),
    mountsHome: () => ({ store: 'github-cache' }),
    companions: ['cache-dir']
};

;// CONCATENATED MODULE: ./src/backends/none.ts
const none = {
    name: 'none',
    attributes: {},
    required: { export: [], import: [] },
    store: 'nowhere',
    savedInGithubCache: false,
    location: () => [],
    companions: [],
    noMounts: 'cache: none keeps no cache, so package caches have nowhere to go; pick a cache backend (gha, local, registry or s3)'
};

// EXTERNAL MODULE: ./src/backends/location.ts
var backends_location = __webpack_require__(3214);
;// CONCATENATED MODULE: ./src/backends/registry.ts
/** `cache: registry`: a cache image in an OCI registry, one tag per ref unless cache-ref fixes the place. */





const registry = {
    name: 'registry',
    attributes: {
        ref: { in: EI, check: imageRef },
        'registry.insecure': { in: EI, check: values/* goBool */.B7 },
        ...layerOptions
    },
    required: { export: ['ref'], import: ['ref'] },
    crossChecks: layerCrossChecks,
    store: 'shared-store',
    savedInGithubCache: false,
    // cache-ref, when given, is used exactly as given, on every branch.
    sharedLocations: (ctx) => (ctx.inputs.cacheRef ? undefined : (0,backends_location/* locations */.j2)(`buildcache-${ctx.scope}`, ctx.rt)),
    location({ inputs }, _direction, entry) {
        const ref = inputs.cacheRef || entry === undefined
            ? inputs.cacheRef
            : `${(0,image_ref/* repositoryOf */._M)(inputs.output.image)}:${entry.name}`;
        return [['ref', ref]];
    },
    writeTarget: ({ inputs }) => inputs.cacheRef ? `${inputs.cacheRef} (cache-ref, which every branch shares)` : undefined,
    probe: 'registry-manifest',
    // A missing cache image ends the import vertex with "… not found" (see report/steps.ts).
    importReportsMissing: true,
    companions: ['cache-ref'],
    mountsHome,
    inputProblems: ({ cacheRef, output }) => cacheRef === undefined && !output?.image
        ? [
            {
                input: names/* Input */.p.CacheRef,
                message: 'cache: registry needs a place for the cache: set cache-ref (e.g. ghcr.io/org/env:buildcache) or an output with name=<image>'
            }
        ]
        : []
};
/**
 * Package caches as OCI artifacts in the cache's repository: next to cache-ref's tag (fixed, as the layers are),
 * else next to the per-branch `buildcache-<scope>` tags of the output image's repository.
 */
function mountsHome({ inputs, rt, scope }) {
    const insecure = (0,values/* parseGoBool */.MY)(inputs.cacheOptions.get('registry.insecure') ?? '') === true;
    const given = inputs.cacheRef ? (0,image_ref/* parseImageRef */.Q)(inputs.cacheRef) : undefined;
    if (given?.ok) {
        const fixed = { name: given.value.tag ?? 'buildcache', owner: 'cache-ref, which every branch shares' };
        return {
            store: 'oci-artifact',
            repository: (0,image_ref/* repositoryOf */._M)(given.value),
            insecure,
            tags: { write: fixed, reads: [fixed] }
        };
    }
    return {
        store: 'oci-artifact',
        repository: (0,image_ref/* repositoryOf */._M)(inputs.output.image),
        insecure,
        tags: (0,backends_location/* locations */.j2)(`buildcache-${scope}`, rt)
    };
}

;// CONCATENATED MODULE: ./src/backends/s3.ts
/** `cache: s3`: an S3 bucket every branch shares, one name per ref; credentials may come from the AWS env. */




const s3 = {
    name: 's3',
    attributes: {
        bucket: { in: EI, check: values/* nonEmpty */.hq },
        region: { in: EI, check: values/* nonEmpty */.hq },
        prefix: { in: EI },
        blobs_prefix: { in: EI },
        manifests_prefix: { in: EI },
        name: { in: EI, check: values/* nonEmpty */.hq },
        endpoint_url: {
            in: EI,
            check: (v) => (/^https?:\/\/[^\s]+$/.test(v) ? undefined : `${(0,redact/* quoted */.TL)(v)} is not an http(s) URL`)
        },
        use_path_style: { in: EI, check: values/* goBool */.B7 },
        access_key_id: { in: EI, check: values/* nonEmpty */.hq, secret: true },
        secret_access_key: { in: EI, check: values/* nonEmpty */.hq, secret: true },
        session_token: { in: EI, check: values/* nonEmpty */.hq, secret: true },
        touch_refresh: { in: EI, check: values/* goDuration */.Lm },
        upload_parallelism: { in: EI, check: values/* positiveInteger */.Cq },
        retry_mode: { in: EI, check: (0,values/* oneOf */.yL)('standard', 'adaptive') },
        retry_max_attempts: { in: EI, check: values/* positiveInteger */.Cq },
        disable_accept_encoding: { in: EI, check: values/* goBool */.B7 },
        mode: mode,
        'ignore-error': ignoreError,
        ...ignoredByGzipOnly
    },
    required: { export: ['bucket', 'region'], import: ['bucket', 'region'] },
    crossChecks(direction, attrs) {
        if (direction === 'import' && (attrs.get('name') ?? '').includes(';'))
            return [`name=${(0,redact/* quoted */.TL)(attrs.get('name'))}: an s3 import reads only the first name; give one name`];
        return [];
    },
    store: 'shared-store',
    savedInGithubCache: false,
    sharedLocations: (ctx) => (0,backends_location/* locations */.j2)(ctx.scope, ctx.rt),
    location({ inputs, rt, scope }, _direction, entry) {
        const o = inputs.cacheOptions;
        const a = rt.aws;
        const fromEnv = [
            ['bucket', a.bucket],
            ['region', a.region],
            ['endpoint_url', a.endpointUrl],
            ['access_key_id', a.accessKeyId],
            ['secret_access_key', a.secretAccessKey],
            ['session_token', a.sessionToken]
        ];
        return [
            ['name', entry?.name ?? scope],
            ...fromEnv.filter((e) => e[1] !== undefined && !o.has(e[0]))
        ];
    },
    probe: 's3-manifest',
    // Package caches: objects under the same prefix, one directory per branch name the layers use.
    mountsHome: (ctx) => ({
        store: 's3-object',
        prefix: ctx.inputs.cacheOptions.get('prefix') ?? '',
        names: (0,backends_location/* locations */.j2)(ctx.scope, ctx.rt)
    }),
    // bucket and region may come from the AWS environment (location above): one message names both ways.
    filledByAction: ['bucket', 'region'],
    missingMessage: (key) => `cache: s3 needs ${key}: set cache-options: ${key}=… or the AWS_${key.toUpperCase()} environment variable`,
    companions: []
};

;// CONCATENATED MODULE: ./src/backends/index.ts






const BACKENDS = { gha: gha, registry: registry, inline: inline, local: local, s3: s3, none: none };
/** Every backend's name, in registry order (the order the `cache` input lists them). */
const BACKEND_NAMES = Object.keys(BACKENDS);
const CACHE_TYPES = BACKEND_NAMES.filter((n) => n !== 'none');
function backendOf(name) {
    return BACKENDS[name];
}
/** The backend a cache value's `type=` names; undefined for a type no backend has. */
function backendOfType(type) {
    return Object.hasOwn(BACKENDS, type) ? BACKENDS[type] : undefined;
}


/***/ }),

/***/ 3214:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f7: () => (/* binding */ chooseImport),
/* harmony export */   j2: () => (/* binding */ locations)
/* harmony export */ });
/* unused harmony export refSuffix */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _cache_scope_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5274);
/**
 * Where a registry or s3 cache lives, per branch. GitHub isolates refs only for its own cache; a registry
 * tag or an S3 name is shared by every branch, so the action adds the branch itself: the default branch
 * owns `<base>`, every other ref writes `<base>-<suffix>`, where the suffix is readable and ends in a hash
 * of the full ref, so no branch name can sanitize into the default branch's entry or another branch's.
 * Pure.
 */


/** Registry tags are at most 128 characters of [A-Za-z0-9_.-]; the suffix keeps well inside that. */
const MAX_SUFFIX = 40;
const hash = (ref) => (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(ref).digest('hex').slice(0, 7);
/** `feature/Login` on refs/heads → `feature-login-1a2b3c4`; a tag → `tag-v1.0-…`; PR 12 → `pr-12`. */
function refSuffix(ref) {
    const pr = /^refs\/pull\/(\d+)\//.exec(ref);
    if (pr)
        return `pr-${pr[1]}`;
    const tag = /^refs\/tags\/(.+)$/.exec(ref);
    const branch = /^refs\/heads\/(.+)$/.exec(ref);
    const words = tag ? `tag-${tag[1]}` : branch ? branch[1] : ref.replace(/^refs\//, '');
    const readable = (0,_cache_scope_js__WEBPACK_IMPORTED_MODULE_1__/* .sanitize */ .aj)(words, MAX_SUFFIX - 8);
    return readable ? `${readable}-${hash(ref)}` : hash(ref);
}
const withSuffix = (base, suffix) => (suffix ? `${base}-${suffix}` : base);
function locations(base, rt) {
    const defaultRef = rt.defaultBranch ? `refs/heads/${rt.defaultBranch}` : undefined;
    const defaultEntry = {
        name: base,
        owner: rt.defaultBranch ? `the default branch ${rt.defaultBranch}` : 'the default branch'
    };
    // A pull request's own entry is keyed by its number, whatever ref the event carries (pull_request_target runs on the base).
    const ownRef = rt.pullRequest ? `refs/pull/${rt.pullRequest.number}/merge` : rt.ref;
    const onDefault = !rt.pullRequest && defaultRef !== undefined && ownRef === defaultRef;
    if (onDefault || !ownRef)
        return { write: defaultEntry, reads: [defaultEntry] };
    const own = {
        name: withSuffix(base, refSuffix(ownRef)),
        owner: rt.pullRequest ? `pull request #${rt.pullRequest.number}` : ownRef.replace(/^refs\/(heads|tags)\//, '')
    };
    const reads = [own];
    const baseRef = rt.pullRequest?.baseRef ? `refs/heads/${rt.pullRequest.baseRef}` : undefined;
    if (baseRef && baseRef !== defaultRef)
        reads.push({
            name: withSuffix(base, refSuffix(baseRef)),
            owner: `the pull request base ${rt.pullRequest.baseRef}`
        });
    reads.push(defaultEntry);
    return { write: own, reads };
}
/** Picks the first candidate known to exist; when nothing could be checked, the default branch's entry. */
function chooseImport(reads, exists, why) {
    const found = reads.findIndex((_, i) => exists[i] === true);
    if (found >= 0) {
        const skipped = reads.slice(0, found).map((c) => c.owner);
        return {
            choice: reads[found],
            reason: `${reads[found].owner} has a cache${skipped.length ? ` (${skipped.join(', ')}: none yet)` : ''}`
        };
    }
    const last = reads[reads.length - 1];
    if (exists.every((e) => e === false))
        return {
            choice: last,
            reason: `no cache exists yet for ${reads.map((c) => c.owner).join(', ')}; importing ${last.owner}'s, which the next push there creates`
        };
    return { choice: last, reason: `existence could not be checked${why ? ` (${why})` : ''}; importing ${last.owner}'s` };
}


/***/ }),

/***/ 3586:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fj: () => (/* binding */ secretsOf),
/* harmony export */   Hf: () => (/* binding */ redactCacheSpec),
/* harmony export */   Ig: () => (/* binding */ serializeCacheSpec),
/* harmony export */   L5: () => (/* binding */ parseFields),
/* harmony export */   T4: () => (/* binding */ isBackend),
/* harmony export */   Ye: () => (/* binding */ cacheSpec),
/* harmony export */   eg: () => (/* binding */ validateCacheSpec),
/* harmony export */   fn: () => (/* binding */ parseCacheSpec)
/* harmony export */ });
/* harmony import */ var _attributes_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(832);
/* harmony import */ var _index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7399);
/* harmony import */ var _cache_csv_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9022);
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8544);
/* harmony import */ var _cache_redact_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2097);
/* harmony import */ var _cache_suggest_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4372);
/**
 * The cache-flag model: one `--export-cache` or `--import-cache` value, parsed from and serialized to
 * BuildKit's CSV grammar, and validated per backend and direction.
 */






function cacheSpec(type, attrs = []) {
    return { type, attrs: new Map(attrs) };
}
/** Parses `key=value` fields (already split from CSV) into an ordered map, refusing envd's silent traps. */
function parseFields(fields) {
    const attrs = new Map();
    for (const field of fields) {
        const eq = field.indexOf('=');
        if (eq < 0) {
            const hint = field.trim() === ''
                ? 'remove the empty field (a stray comma?)'
                : `write ${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_4__/* .echo */ .WI)((0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .redactText */ .Rd)(field.trim()))}=true or ${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_4__/* .echo */ .WI)((0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .redactText */ .Rd)(field.trim()))}=<value>`;
            return { ok: false, problem: `${(0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(field)} has no "=": ${hint}` };
        }
        const key = field.slice(0, eq).toLowerCase();
        if (attrs.has(key))
            return { ok: false, problem: `${(0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(key)} is given twice: keep one` };
        attrs.set(key, field.slice(eq + 1));
    }
    return { ok: true, value: attrs };
}
/** Parses one flag value such as `type=registry,ref=ghcr.io/org/env:cache,mode=max`. */
function parseCacheSpec(text) {
    if (text.trim() === '')
        return { ok: false, problem: 'is empty' };
    let fields;
    try {
        fields = (0,_cache_csv_js__WEBPACK_IMPORTED_MODULE_5__/* .parseCsvRecord */ .bd)(text);
    }
    catch (e) {
        if (e instanceof _cache_csv_js__WEBPACK_IMPORTED_MODULE_5__/* .CsvError */ .J$)
            return {
                ok: false,
                problem: `cannot be read as CSV (${e.message}); quote a whole field that holds a comma or quote, e.g. "name=a,b"`
            };
        throw e;
    }
    if (!text.includes('type=')) {
        return {
            ok: false,
            problem: `has no type=; envd would silently read it as a registry ref: write type=registry,ref=${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_4__/* .echo */ .WI)((0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .redactText */ .Rd)(text.trim()))} or another type`
        };
    }
    const parsed = parseFields(fields);
    if (!parsed.ok)
        return parsed;
    const attrs = parsed.value;
    const type = attrs.get('type');
    if (type === undefined)
        return { ok: false, problem: 'requires type=<type>, e.g. type=gha' };
    attrs.delete('type');
    return { ok: true, value: { type, attrs } };
}
function isBackend(type) {
    return _attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .CACHE_TYPES */ .Vz.includes(type);
}
/** Every problem with a value for one direction, in plain words; empty when valid. */
function validateCacheSpec(spec, direction, options = {}) {
    const flag = direction === 'export' ? '--export-cache' : '--import-cache';
    if (!isBackend(spec.type)) {
        const caseHint = isBackend(spec.type.toLowerCase())
            ? ` (type is case-sensitive: write "${spec.type.toLowerCase()}")`
            : (0,_cache_suggest_js__WEBPACK_IMPORTED_MODULE_3__/* .nearestHint */ .AN)(spec.type, _attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .CACHE_TYPES */ .Vz);
        return [
            `type=${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_4__/* .echo */ .WI)(spec.type)} is not a cache type this action supports${caseHint}; use one of ${_attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .CACHE_TYPES */ .Vz.join(', ')}`
        ];
    }
    const noImporter = (0,_index_js__WEBPACK_IMPORTED_MODULE_1__/* .backendOfType */ .kY)(spec.type)?.readBack?.noImporter;
    if (noImporter && direction === 'import')
        return [noImporter];
    const rules = _attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .ATTRIBUTES */ .iw[spec.type];
    const problems = [];
    for (const [key, value] of spec.attrs) {
        const rule = rules[key];
        if (!rule) {
            problems.push(`unknown attribute ${(0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(key)} for type=${spec.type}${(0,_cache_suggest_js__WEBPACK_IMPORTED_MODULE_3__/* .didYouMean */ .au)(key, Object.keys(rules))}`);
            continue;
        }
        if (rule.refused) {
            problems.push(`${key} ${rule.refused}`);
            continue;
        }
        if (!rule.in.includes(direction)) {
            problems.push(`${key} applies only to ${rule.in.includes('export') ? '--export-cache' : '--import-cache'}, not to ${flag}`);
            continue;
        }
        const problem = rule.check?.(value);
        if (problem)
            problems.push(`${key}: ${problem}`);
    }
    if (options.complete) {
        for (const key of _attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .REQUIRED */ .mw[spec.type][direction]) {
            if (!spec.attrs.has(key))
                problems.push(`type=${spec.type} needs ${key}= in ${flag}`);
        }
    }
    if (problems.length === 0)
        problems.push(...(0,_attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .crossChecks */ .KN)(spec.type, direction, spec.attrs, options.complete === true));
    return problems;
}
/** Credential attribute names of every backend, so that even a value of an unknown type is redacted. */
const SECRET_KEYS = new Set(Object.values(_attributes_js__WEBPACK_IMPORTED_MODULE_0__/* .ATTRIBUTES */ .iw).flatMap((rules) => Object.entries(rules)
    .filter(([, r]) => r.secret)
    .map(([k]) => k)));
/** A credential attribute: a backend's secret, or any name that carries one (password, sig, …). */
const isSecretKey = (key) => SECRET_KEYS.has(key) || (0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .isSecretName */ .eh)(key);
function render(spec, { redact }) {
    const fields = [`type=${spec.type}`];
    for (const [k, v] of spec.attrs)
        fields.push(`${k}=${!redact ? v : isSecretKey(k) ? _cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .REDACTED */ .XF : (0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .redactText */ .Rd)(v)}`);
    return (0,_cache_csv_js__WEBPACK_IMPORTED_MODULE_5__/* .formatCsvRecord */ .ND)(fields);
}
/** The exact value given to envd. */
function serializeCacheSpec(spec) {
    return render(spec, { redact: false });
}
/**
 * The value with every credential replaced by ***, for logs, outputs and the summary: credential
 * attributes whole, and URL userinfo and credential query parameters inside any other value.
 */
function redactCacheSpec(spec) {
    return render(spec, { redact: true });
}
/** The credential values a spec carries, to register as secrets before anything is logged. */
function secretsOf(spec) {
    const out = new Set();
    for (const [k, v] of spec.attrs) {
        if (v === '')
            continue;
        if (isSecretKey(k))
            out.add(v);
        else
            for (const s of (0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .findSecrets */ .dL)(v))
                out.add(s);
    }
    return [...out];
}


/***/ }),

/***/ 6614:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MT: () => (/* binding */ parseBuildkitVersion),
/* harmony export */   Ug: () => (/* binding */ buildkitdArgs),
/* harmony export */   g0: () => (/* binding */ splitFlags),
/* harmony export */   h2: () => (/* binding */ sudoArgs)
/* harmony export */ });
/** buildkitd command lines and flag parsing. Pure. */
/** Splits `buildkitd-flags` like a shell would (quotes, backslashes), without running one. */
function splitFlags(text) {
    const out = [];
    let cur = '';
    let quote;
    let has = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === quote)
                quote = undefined;
            else if (c === '\\' && quote === '"' && i + 1 < text.length)
                cur += text[++i];
            else
                cur += c;
        }
        else if (c === '"' || c === "'") {
            quote = c;
            has = true;
        }
        else if (c === '\\' && i + 1 < text.length) {
            cur += text[++i];
            has = true;
        }
        else if (/\s/.test(c)) {
            if (has || cur)
                out.push(cur);
            cur = '';
            has = false;
        }
        else
            cur += c;
    }
    if (quote)
        throw new Error(`an unclosed ${quote} quote`);
    if (has || cur)
        out.push(cur);
    return out;
}
function buildkitdArgs(a) {
    return [
        '--addr',
        `unix://${a.socket}`,
        ...(a.root ? ['--root', a.root] : []),
        ...(a.configFile ? ['--config', a.configFile] : []),
        ...(a.group !== undefined ? ['--group', String(a.group)] : []),
        ...a.flags
    ];
}
/** `buildctl debug info` prints `BuildKit: github.com/moby/buildkit v0.32.2 <commit>`. */
function parseBuildkitVersion(text) {
    return /github\.com\/moby\/buildkit (v\d+\.\d+\.\d+[^\s]*)/.exec(text)?.[1];
}
/**
 * The shell sudo runs buildkitd through: it writes its own pid (which `exec` hands to buildkitd) where the
 * action reads it, readable by the runner user, sets PATH (sudo's secure_path replaces the caller's, so the
 * tool directory with buildkit-runc would be lost), then becomes buildkitd. `$1` the pid file, `$2` the PATH.
 */
const SUDO_WRAPPER = '(umask 022 && echo "$$" > "$1") && PATH="$2" && export PATH && shift 2 && exec "$@"';
/** `sudo -n [--preserve-env=…] -- /bin/sh -c …`: the arguments of the sudo that starts buildkitd as root. */
function sudoArgs(s) {
    const preserve = s.preserve.length ? [`--preserve-env=${s.preserve.join(',')}`] : [];
    return ['-n', ...preserve, '--', '/bin/sh', '-c', SUDO_WRAPPER, 'sh', s.pidFile, s.path, ...s.command];
}


/***/ }),

/***/ 9022:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J$: () => (/* binding */ CsvError),
/* harmony export */   ND: () => (/* binding */ formatCsvRecord),
/* harmony export */   bd: () => (/* binding */ parseCsvRecord)
/* harmony export */ });
/**
 * BuildKit's CSV grammar for `--export-cache` / `--import-cache` values, as envd reads them with Go's
 * `encoding/csv`: comma separator, double quotes around a whole field, `""` for a literal quote inside a
 * quoted field, no trimming of spaces, one record.
 */
class CsvError extends Error {
}
/** Splits one CSV record into its fields. Throws CsvError with Go's wording for malformed quoting. */
function parseCsvRecord(text) {
    const fields = [];
    let i = 0;
    for (;;) {
        let field = '';
        if (text[i] === '"') {
            i++;
            for (;;) {
                if (i >= text.length)
                    throw new CsvError('extraneous or missing " in quoted-field');
                const c = text[i];
                if (c === '"') {
                    if (text[i + 1] === '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                field += c;
                i++;
            }
            if (i < text.length && text[i] !== ',')
                throw new CsvError('extraneous or missing " in quoted-field');
        }
        else {
            while (i < text.length && text[i] !== ',') {
                const c = text[i];
                if (c === '"')
                    throw new CsvError('bare " in non-quoted-field');
                if (c === '\n' || c === '\r')
                    throw new CsvError('a line break outside quotes ends the value early');
                field += c;
                i++;
            }
        }
        fields.push(field);
        if (i >= text.length)
            return fields;
        i++; // the comma
    }
}
/** Quotes a field the way Go's csv.Writer does, so that parseCsvRecord gives it back. */
function quoteCsvField(field) {
    const needs = field === '' ? false : /[",\r\n]/.test(field) || field[0] === ' ' || field[0] === '\t';
    return needs ? `"${field.replace(/"/g, '""')}"` : field;
}
function formatCsvRecord(fields) {
    return fields.map(quoteCsvField).join(',');
}


/***/ }),

/***/ 3715:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ parseImageRef),
/* harmony export */   _M: () => (/* binding */ repositoryOf),
/* harmony export */   jW: () => (/* binding */ isLoopbackRegistry)
/* harmony export */ });
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2097);
/** Docker image references (`[host[:port]/]path[:tag][@digest]`), enough to validate and derive cache refs. */

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
function parseImageRef(text) {
    const s = text.trim();
    if (s === '')
        return { ok: false, problem: 'is empty' };
    if (/^[a-z]+:\/\//i.test(s))
        return {
            ok: false,
            problem: `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s)} has a URL scheme; write the reference without it, e.g. ghcr.io/org/name:tag`
        };
    let rest = s;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            return { ok: false, problem: `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s)} has an invalid digest ${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(digest)}` };
    }
    let tag;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag))
            return {
                ok: false,
                problem: `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s)} has an invalid tag ${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(tag)} (at most 128 of A-Z a-z 0-9 _ . -, not starting with . or -)`
            };
    }
    const parts = rest.split('/');
    let domain;
    if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
        domain = parts.shift();
        if (!DOMAIN.test(domain))
            return { ok: false, problem: `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s)} has an invalid registry host ${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(domain)}` };
    }
    for (const p of parts) {
        if (COMPONENT.test(p))
            continue;
        if (COMPONENT.test(p.toLowerCase())) {
            return {
                ok: false,
                problem: `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s)}: repository name must be lowercase; write ${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s.replace(rest, rest.toLowerCase()))}`
            };
        }
        return { ok: false, problem: `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(s)} is not an image reference (path component ${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(p)})` };
    }
    return { ok: true, value: { domain, path: parts.join('/'), tag, digest } };
}
/** `host/path` without tag or digest. */
function repositoryOf(ref) {
    return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}
/**
 * Whether BuildKit speaks plain http to this registry host by default: a loopback host — `localhost`, an address
 * in 127.0.0.0/8 or `::1`, with or without a port — as containerd's docker.MatchLocalhost decides, the plain-http
 * rule BuildKit v0.32.2 gives its registry resolver (util/resolver/pool.go:125, util/resolver/resolver.go:38-41,
 * :169; vendor/github.com/containerd/containerd/v2/core/remotes/docker/registry.go:218-252). Pure.
 */
function isLoopbackRegistry(host) {
    if (host === '::1' || host === '[::1]')
        return true;
    let name;
    const bracketed = /^\[([^\]]*)\]:(\d+)$/.exec(host);
    const colons = host.split(':').length - 1;
    if (bracketed)
        name = bracketed[1];
    else if (colons === 0)
        name = host;
    else if (colons === 1) {
        const [h, port] = host.split(':');
        if (!/^\d+$/.test(port))
            return false;
        name = h;
    }
    else
        return false;
    if (name === 'localhost')
        return true;
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
    if (v4)
        return v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
    if (!name.includes(':'))
        return false;
    try {
        return new URL(`http://[${name}]/`).hostname === '[::1]';
    }
    catch {
        return false;
    }
}


/***/ }),

/***/ 2097:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Rd: () => (/* binding */ redactText),
/* harmony export */   TL: () => (/* binding */ quoted),
/* harmony export */   XF: () => (/* binding */ REDACTED),
/* harmony export */   dL: () => (/* binding */ findSecrets),
/* harmony export */   eh: () => (/* binding */ isSecretName),
/* harmony export */   rA: () => (/* binding */ redactKnown)
/* harmony export */ });
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8544);
/**
 * Finds secret-bearing values in text that may not parse (broken CSV, a field without `=`, `key:value`,
 * a URL with userinfo or a signed query) and replaces them by ***. Pure; used on every raw input before
 * the first line is written, on error messages, and on the attribute values the outputs and summary show.
 *
 * What counts as a secret:
 * - the value of a credential name (`token`, `ghtoken`, `secret_access_key`, `session_token`,
 *   `access_key_id`, `password`, …) after `=` or `:`, in any case;
 * - a query parameter that carries a credential (`X-Amz-Security-Token`, `X-Amz-Signature`,
 *   `X-Amz-Credential`, `sig`, `token`, …);
 * - the password of URL userinfo (`scheme://user:PASS@host` and a bare `user:PASS@host/…`), and a lone
 *   userinfo that looks like a token (`https://TOKEN@host`).
 *
 * `access_key_id` is treated as a secret: alone it grants nothing, but it names the account and is half
 * of the credential; AWS's own actions mask it too.
 */

const REDACTED = '***';
/** Names whose value is a credential, lowercase. Compared case-insensitively, `-` and `_` alike. */
const SECRET_NAMES = [
    // BuildKit cache attributes (gha, s3, azblob) and their environment variables
    'token',
    'ghtoken',
    'secret_access_key',
    'session_token',
    'access_key_id',
    'aws_secret_access_key',
    'aws_session_token',
    'aws_access_key_id',
    'actions_runtime_token',
    'github_token',
    'github-token',
    // general credential names (registries, buildkitd configuration, URLs)
    'password',
    'passwd',
    'secret',
    'client_secret',
    'api_key',
    'apikey',
    'access_token',
    'refresh_token',
    'id_token',
    'auth',
    'authorization',
    'account_key',
    'private_key',
    // signed URLs: S3 presigned, Azure SAS
    'x-amz-security-token',
    'x-amz-signature',
    'x-amz-credential',
    'sig',
    'signature'
];
const fold = (name) => name.toLowerCase().replace(/-/g, '_');
const NAMES = new Set(SECRET_NAMES.map(fold));
/** Last words that make any name a credential name: `aws_session_token`, `registry-password`, … */
const SECRET_SUFFIXES = [
    'token',
    'password',
    'passwd',
    'secret',
    'signature',
    'credential',
    'secret_access_key',
    'access_key_id'
];
/** True when a key (attribute, query parameter, TOML key) carries a credential. */
function isSecretName(name) {
    const n = fold(name.trim());
    return NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(`_${s}`) || n.endsWith(`.${s}`));
}
/** Where the value that starts at `i` ends: a quoted value to its closing quote, else at a separator. */
function valueEnd(text, i, inQuery, quotedField) {
    const q = text[i];
    if (q === '"' || q === "'") {
        // To the closing quote, or (unclosed) to the end of the line.
        let end = i + 1;
        while (end < text.length && text[end] !== q && text[end] !== '\n' && text[end] !== '\r')
            end++;
        return end > i + 1 ? { start: i + 1, end } : undefined;
    }
    // Inside a quoted CSV field ("key=a,b") the value runs to the closing quote.
    const stops = quotedField ? /["\r\n]/ : inQuery ? /[\s,"'&#;]/ : /[\s,"']/;
    let end = i;
    while (end < text.length && !stops.test(text[end]))
        end++;
    return end > i ? { start: i, end } : undefined;
}
/** Spans of `name=value` / `name: value` / `name = "value"` / `?name=value` credentials. */
function namedSpans(text) {
    const spans = [];
    const re = /[A-Za-z0-9_.-]+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
        if (!isSecretName(m[0]))
            continue;
        let i = m.index + m[0].length;
        // A quoted key, as in JSON ("token": "…").
        const before0 = text[m.index - 1];
        if ((before0 === '"' || before0 === "'") && text[i] === before0)
            i++;
        while (text[i] === ' ' || text[i] === '\t')
            i++;
        // `=` or `:`, but not `://` (a scheme is not a key).
        if (text[i] !== '=' && !(text[i] === ':' && text[i + 1] !== '/'))
            continue;
        i++;
        while (text[i] === ' ' || text[i] === '\t')
            i++;
        const before = text[m.index - 1];
        const inQuery = before === '?' || before === '&' || before === ';';
        const quotedField = before === '"' && (m.index < 2 || text[m.index - 2] === ',' || /\s/.test(text[m.index - 2]));
        const span = valueEnd(text, i, inQuery, quotedField);
        if (span)
            spans.push(span);
    }
    return spans;
}
/** Spans of URL userinfo passwords, and of a lone token-like userinfo after a scheme. */
function userinfoSpans(text) {
    const spans = [];
    // scheme://userinfo@
    // (The lookbehind keeps this linear on a long run of letters.)
    const withScheme = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#@,"']+)@/g;
    for (let m = withScheme.exec(text); m; m = withScheme.exec(text)) {
        const info = m[1];
        const start = m.index + m[0].length - 1 - info.length;
        const colon = info.indexOf(':');
        if (colon >= 0) {
            if (colon + 1 < info.length)
                spans.push({ start: start + colon + 1, end: start + info.length });
        }
        else if (info.length >= 20)
            spans.push({ start, end: start + info.length });
    }
    // A bare user:pass@host at the start of a value (after start, =, comma, space or a quote), as in
    // cache-ref or output name=. Not an image's tag@digest: the user part is not preceded by "/".
    const bare = /(^|[=,\s"'])([^\s/@:,="']+):([^\s/@,"']+)@(?!sha\d+:)[A-Za-z0-9[]/g;
    for (let m = bare.exec(text); m; m = bare.exec(text)) {
        const start = m.index + m[1].length + m[2].length + 1;
        spans.push({ start, end: start + m[3].length });
    }
    return spans;
}
function spansOf(text) {
    const all = [...namedSpans(text), ...userinfoSpans(text)].sort((a, b) => a.start - b.start || b.end - a.end);
    const merged = [];
    for (const s of all) {
        const last = merged[merged.length - 1];
        if (last && s.start <= last.end)
            last.end = Math.max(last.end, s.end);
        else
            merged.push({ ...s });
    }
    return merged;
}
/** Every secret value found in the text, as it appears there (and URL-decoded, when that differs). */
function findSecrets(text) {
    const found = new Set();
    for (const s of spansOf(text)) {
        const value = text.slice(s.start, s.end);
        if (value === REDACTED)
            continue;
        found.add(value);
        try {
            const decoded = decodeURIComponent(value);
            if (decoded !== value && decoded !== '')
                found.add(decoded);
        }
        catch {
            // not URL-encoded
        }
    }
    return [...found];
}
/** The text with every secret found in it replaced by ***. */
function redactText(text) {
    let out = '';
    let at = 0;
    for (const s of spansOf(text)) {
        out += text.slice(at, s.start) + REDACTED;
        at = s.end;
    }
    return out + text.slice(at);
}
/**
 * The text with every known secret value (longest first) replaced by ***. For text the action wrote
 * itself (an error message), where `redactText` would take words after "token:" for values.
 */
function redactKnown(text, secrets) {
    let out = text;
    for (const s of [...new Set(secrets)].filter((v) => v !== '' && v !== REDACTED).sort((a, b) => b.length - a.length))
        out = out.split(s).join(REDACTED);
    return out;
}
/**
 * A value quoted in an error: its secrets replaced by ***, then one line, control characters visible,
 * capped (`echo`), so a 100 KB input or a forged workflow command is never written whole.
 */
function quoted(value) {
    return `"${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_0__/* .echo */ .WI)(redactText(value))}"`;
}


/***/ }),

/***/ 5274:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vl: () => (/* binding */ scopeFamily),
/* harmony export */   aj: () => (/* binding */ sanitize),
/* harmony export */   tj: () => (/* binding */ platformOf),
/* harmony export */   yf: () => (/* binding */ autoScope)
/* harmony export */ });
/* unused harmony export MAX_SCOPE */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8544);
/**
 * The auto scope: one name per build, identical on every branch (GitHub isolates refs itself and BuildKit's
 * gha importer reads the same name from every readable ref) and in every workflow and job. It says what is built
 * (path/from, platform, matrix entry), not who builds it, so a pull-request workflow of its own reads what the
 * default branch's workflow wrote, and two jobs that build the same thing share one cache. Short, readable,
 * sanitized and stable.
 */


const MAX_SCOPE = 64;
/**
 * A name fit for a cache scope, key or registry tag: lowercase `[a-z0-9._-]`, runs of anything else one `-`, no
 * separator at either end; cut to `room` characters (and its separators at the cut dropped) when given.
 */
function sanitize(text, room = Infinity) {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^[-._]+|[-._]+$/g, '')
        .slice(0, room)
        .replace(/[-._]+$/, '');
}
/** The matrix entry's values in key order: {"os":"ubuntu","py":"3.11"} → ["ubuntu", "3.11"]. */
function matrixWords(matrix) {
    if (!matrix)
        return [];
    try {
        const value = JSON.parse(matrix);
        if (value !== null && typeof value === 'object' && !Array.isArray(value))
            return Object.values(value).map((v) => (typeof v === 'object' ? '' : String(v)));
        return [String(value)];
    }
    catch {
        return [matrix];
    }
}
function normalizePath(path) {
    const p = path.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '');
    return p === '' ? '.' : p;
}
/** The room the family word may take of a scope. */
const MAX_FAMILY = 24;
/**
 * The first word of an auto scope, from what is built: the build directory's name (`envd` for the workspace
 * itself), then the file and function when they are not envd's defaults. Every leg of one matrix shares it
 * (they differ in the matrix entry and platform only): the budget counts the scopes that start with it as the
 * legs of one matrix (src/budget/budget.ts legPlanFor).
 */
function scopeFamily(path, from) {
    const dir = normalizePath(path);
    const [file, func] = splitFrom(from);
    const words = [
        dir === '.' ? 'envd' : dir.slice(dir.lastIndexOf('/') + 1),
        file === 'build.envd' ? '' : file.replace(/\.envd$/, ''),
        func === 'build' ? '' : func
    ];
    return sanitize(words.filter((w) => w !== '').join('-'), MAX_FAMILY) || 'envd';
}
/** `build.envd:build` → [`build.envd`, `build`]; the function is after the last colon. */
function splitFrom(from) {
    const at = from.lastIndexOf(':');
    return at < 0 ? [from, ''] : [from.slice(0, at), from.slice(at + 1)];
}
function autoScope(parts) {
    const identity = JSON.stringify([parts.matrix ?? '', parts.platform ?? '', normalizePath(parts.path), parts.from]);
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(identity).digest('hex').slice(0, 8);
    const words = [scopeFamily(parts.path, parts.from), ...matrixWords(parts.matrix), parts.platform ?? '']
        .map((w) => sanitize(w))
        .filter((w) => w !== '');
    const readable = sanitize(words.join('-'), MAX_SCOPE - hash.length - 1) || 'envd';
    return `${readable}-${hash}`;
}
/** What envd builds when it is given no --platform, on every host (envd v1.3.4 pkg/builder/build.go:383-387). */
const ENVD_DEFAULT_PLATFORM = 'linux/amd64';
/**
 * The effective platform: an explicit `platform` input wins; otherwise the runner's (RUNNER_ARCH), because
 * envd alone compiles linux/amd64 everywhere and an arm64 runner then fails its RUN steps.
 *
 * The scope takes the effective platform, with one exception that keeps existing caches warm: the runner's
 * linux/amd64 is left out of it, exactly as before this default existed. Every build that had no platform
 * was a linux/amd64 build (envd's default), so an X64 runner's scope stays byte-identical to what it was
 * and names the same layers; an arm64 or arm runner gets its platform in the scope, so its legs never
 * share one with amd64 (its earlier, platform-less scope held amd64 layers it could not run anyway). An
 * explicit platform input is part of the scope as written, as it always was.
 */
function platformOf(input, rt) {
    if (input)
        return { envd: input, scope: input, why: `${input}, the platform input` };
    const arch = rt.runnerArch && `RUNNER_ARCH=${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_1__/* .echo */ .WI)(rt.runnerArch, 40)}`;
    if (rt.runnerPlatform === ENVD_DEFAULT_PLATFORM)
        return {
            envd: rt.runnerPlatform,
            why: `${rt.runnerPlatform} from ${arch}, envd's own default, so the scope leaves it out and stays what it was without a platform`
        };
    if (rt.runnerPlatform)
        return { envd: rt.runnerPlatform, scope: rt.runnerPlatform, why: `${rt.runnerPlatform} from ${arch}` };
    return {
        why: `none: ${arch ? `${arch} has no envd platform` : 'RUNNER_ARCH is not set'}, so envd builds its default ${ENVD_DEFAULT_PLATFORM}`
    };
}


/***/ }),

/***/ 4372:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AN: () => (/* binding */ nearestHint),
/* harmony export */   au: () => (/* binding */ didYouMean),
/* harmony export */   kp: () => (/* binding */ closest)
/* harmony export */ });
/** "Did you mean" suggestions for misspelt attribute and input values. */
function distance(a, b) {
    // Optimal string alignment distance: edits plus adjacent transpositions.
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++)
        d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}
const fold = (s) => s
    .trim()
    .toLowerCase()
    .replace(/[-_.\s]/g, '');
/** The closest candidate, when it is close enough to be what the author meant. */
function closest(word, candidates) {
    const folded = fold(word);
    const exact = candidates.find((c) => fold(c) === folded);
    if (exact)
        return exact;
    let best;
    let bestScore = Infinity;
    for (const c of candidates) {
        const score = distance(folded, fold(c));
        if (score < bestScore) {
            best = c;
            bestScore = score;
        }
    }
    const limit = Math.max(1, Math.floor(Math.max(folded.length, 3) / 3));
    return best !== undefined && bestScore <= limit ? best : undefined;
}
/** ` (did you mean "x"?)` or nothing. */
function didYouMean(word, candidates) {
    const s = closest(word, candidates);
    return s !== undefined && s !== word ? ` (did you mean "${s}"?)` : '';
}
/**
 * Words an author writes for a value under another name (folded as `fold` folds): `github` for gha, `full` for
 * max, `yes` for true. The first target that is among the candidates wins.
 */
const SYNONYMS = {
    github: ['gha'],
    githubactions: ['gha'],
    actions: ['gha'],
    actionscache: ['gha'],
    githubcache: ['gha'],
    gh: ['gha'],
    docker: ['registry', 'docker-container'],
    oci: ['registry'],
    image: ['registry'],
    ghcr: ['registry'],
    ghcrio: ['registry'],
    ecr: ['registry'],
    aws: ['s3'],
    minio: ['s3'],
    r2: ['s3'],
    dir: ['local'],
    directory: ['local'],
    disk: ['local'],
    file: ['local'],
    full: ['max'],
    all: ['max'],
    maximum: ['max'],
    everything: ['max'],
    minimal: ['min'],
    minimum: ['min'],
    final: ['min'],
    yes: ['true'],
    y: ['true'],
    on: ['true'],
    enable: ['true'],
    enabled: ['true'],
    no: ['false', 'none'],
    n: ['false', 'none'],
    off: ['false', 'none'],
    disable: ['false', 'none'],
    disabled: ['false', 'none'],
    nocache: ['none'],
    default: ['auto'],
    automatic: ['auto'],
    clean: ['prune'],
    cleanup: ['prune'],
    delete: ['prune'],
    gc: ['prune']
};
/**
 * The valid value the author most likely meant, always one of the candidates: a synonym first, then the closest
 * spelling (ties go to the earlier candidate).
 */
function nearest(word, candidates) {
    const folded = fold(word);
    const synonym = SYNONYMS[folded]?.find((s) => candidates.includes(s));
    if (synonym !== undefined)
        return synonym;
    const exact = candidates.find((c) => fold(c) === folded);
    if (exact !== undefined)
        return exact;
    let best;
    let bestScore = Infinity;
    for (const c of candidates) {
        const score = distance(folded, fold(c));
        if (score < bestScore)
            [best, bestScore] = [c, score];
    }
    return best;
}
/** ` (did you mean "x"?)` with the nearest candidate, for a value that must be one of them. */
function nearestHint(word, candidates) {
    const s = nearest(word, candidates);
    return s !== undefined && s !== word ? ` (did you mean "${s}"?)` : '';
}


/***/ }),

/***/ 3834:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Q: () => (/* binding */ goBoolOrEmpty),
/* harmony export */   B7: () => (/* binding */ goBool),
/* harmony export */   Cq: () => (/* binding */ positiveInteger),
/* harmony export */   Lm: () => (/* binding */ goDuration),
/* harmony export */   MY: () => (/* binding */ parseGoBool),
/* harmony export */   hq: () => (/* binding */ nonEmpty),
/* harmony export */   nd: () => (/* binding */ integer),
/* harmony export */   sI: () => (/* binding */ sha256Digest),
/* harmony export */   yL: () => (/* binding */ oneOf)
/* harmony export */ });
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2097);
/* harmony import */ var _suggest_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4372);
/** Value checkers shared by the cache attributes and the action's inputs. Each returns a problem or undefined. */


const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
/** Go's strconv.ParseBool, which BuildKit uses for its boolean attributes. */
function parseGoBool(value) {
    if (!GO_BOOLS.includes(value))
        return undefined;
    return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}
const goBool = (v) => parseGoBool(v) === undefined ? `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v)} is not a boolean; use true or false` : undefined;
/** force-compression: an empty value means true. */
const goBoolOrEmpty = (v) => (v === '' ? undefined : goBool(v));
const oneOf = (...allowed) => (v) => allowed.includes(v)
    ? undefined
    : `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v)} is not one of ${allowed.join(', ')}${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v).includes('***') ? '' : (0,_suggest_js__WEBPACK_IMPORTED_MODULE_1__/* .nearestHint */ .AN)(v, allowed)}`;
const integer = (v) => (/^[+-]?\d+$/.test(v) ? undefined : `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v)} is not an integer`);
const positiveInteger = (v) => /^\+?\d+$/.test(v) && Number(v) >= 1 ? undefined : `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v)} is not a positive integer`;
const DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
/** Go's time.ParseDuration grammar: 90s, 10m, 1h30m, 0. */
const goDuration = (v) => v === '0' || DURATION.test(v) ? undefined : `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v)} is not a duration such as 10m or 90s`;
const sha256Digest = (v) => /^sha256:[a-f0-9]{64}$/.test(v)
    ? undefined
    : `${(0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(v)} is not a digest: write sha256: followed by 64 lowercase hex digits`;
const nonEmpty = (v) => (v.trim() === '' ? 'is empty' : undefined);


/***/ }),

/***/ 2400:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Az: () => (/* binding */ envdBuildCall),
/* harmony export */   dc: () => (/* binding */ contextCreateArgs),
/* harmony export */   iu: () => (/* binding */ envdTag),
/* harmony export */   lS: () => (/* binding */ showArgs)
/* harmony export */ });
/* unused harmony export sanitizeImageName */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _backends_spec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3586);
/* harmony import */ var _inputs_output_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8708);
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8544);
/** envd's command lines, from the plan. Pure: global flags before the subcommand, one value per cache flag. */




function envdBuildCall(plan, options) {
    const contextDir = node_path__WEBPACK_IMPORTED_MODULE_0__.resolve(options.cwd, plan.envd.path);
    const common = [
        '--buildkitd-image',
        options.buildkitdImage,
        'build',
        '--path',
        plan.envd.path,
        '--from',
        plan.envd.from,
        '--tag',
        envdTag(plan.envd.output, node_path__WEBPACK_IMPORTED_MODULE_0__.basename(contextDir)),
        '--force',
        '--public-key',
        options.publicKeyFile
    ];
    if (plan.envd.output)
        common.push('--output', plan.envd.output);
    if (plan.envd.platform)
        common.push('--platform', plan.envd.platform);
    const flags = (render) => [
        ...(plan.export ? ['--export-cache', render(plan.export)] : []),
        ...(plan.import && options.withImport ? ['--import-cache', render(plan.import)] : [])
    ];
    return { args: [...common, ...flags(_backends_spec_js__WEBPACK_IMPORTED_MODULE_1__/* .serializeCacheSpec */ .Ig)], shown: [...common, ...flags(_backends_spec_js__WEBPACK_IMPORTED_MODULE_1__/* .redactCacheSpec */ .Hf)] };
}
/**
 * The `--tag` for envd build. envd parses its tag as an image reference on every build, output or not, and
 * without `--tag` that is `<basename(--path)>:dev` (envd v1.3.4 pkg/app/build/build.go:124-133), which fails
 * for a directory such as `.github`, `repo_` or `-x` (`failed to parse the name '.github:dev', please provide
 * a valid image name`, pkg/driver/docker/docker.go:103-105). So: the output image's (first) name where there
 * is one, else a valid name made from the directory, with envd's own `:dev`.
 */
function envdTag(output, dirName) {
    const parsed = output ? (0,_inputs_output_js__WEBPACK_IMPORTED_MODULE_2__/* .parseOutput */ .F)(output) : undefined;
    const name = parsed?.ok ? parsed.value.imageName : undefined;
    // A digest cannot take the `-<os>-<arch>` suffix envd appends for several platforms.
    if (name && !name.includes('@'))
        return name;
    return `${sanitizeImageName(dirName)}:dev`;
}
/**
 * A directory name made into one reference path component (`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`):
 * lowercased, accents dropped, every other run of characters that is no valid separator becomes `-`,
 * leading and trailing separators dropped, at most 128 characters; `envd` when nothing is left. Pure.
 */
function sanitizeImageName(dirName) {
    const ascii = dirName
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase();
    const joined = ascii.replace(/[^a-z0-9]+/g, (run) => (/^(\.|_|__|-+)$/.test(run) ? run : '-'));
    const trim = (s) => s.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
    const name = trim(trim(joined).slice(0, 128));
    return name || 'envd';
}
function contextCreateArgs(name, builder, address) {
    return ['context', 'create', '--name', name, '--builder', builder, '--builder-address', address, '--use'];
}
/** Quotes the arguments for display only (the action never runs a shell); control characters are shown as $'…' escapes. */
function showArgs(cmd, args) {
    return [cmd, ...args].map((a) => (0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .shellArg */ .JP)(a)).join(' ');
}


/***/ }),

/***/ 6417:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ STABLE_PUBLIC_KEY),
/* harmony export */   X: () => (/* binding */ DEFAULT_BUILD_OWNER)
/* harmony export */ });
/**
 * The public key baked into dev images (`envd build --public-key`). envd would otherwise generate a fresh
 * key pair on every runner and copy it into the image, so every layer from "install ssh keys" on would
 * miss the cache. This key is the same everywhere, and its private half was destroyed when it was made:
 * nobody can log in with it. Authors who want SSH access pass their own key through envd's own setup.
 */
const STABLE_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL5GdS4KENmESepf8h+XLGxiAxGmntMBe9nGsV4IQUnN envd-cache-action (no private key exists)\n';
/** The image user, the same on every runner (envd's own release job uses 1000). */
const DEFAULT_BUILD_OWNER = '1000:1000';


/***/ }),

/***/ 8708:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ parseOutput)
/* harmony export */ });
/* harmony import */ var _cache_redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2097);
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8544);
/* harmony import */ var _cache_csv_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9022);
/* harmony import */ var _cache_image_ref_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3715);
/* harmony import */ var _backends_spec_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3586);
/* harmony import */ var _cache_values_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3834);
/* harmony import */ var _cache_suggest_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4372);
/** envd's `--output` value (one CSV record, `type=` required), parsed enough to derive cache refs. */







const KNOWN = ['image', 'registry', 'local', 'tar', 'oci', 'docker'];
function parseOutput(raw) {
    let fields;
    try {
        fields = (0,_cache_csv_js__WEBPACK_IMPORTED_MODULE_5__/* .parseCsvRecord */ .bd)(raw.trim());
    }
    catch (e) {
        if (e instanceof _cache_csv_js__WEBPACK_IMPORTED_MODULE_5__/* .CsvError */ .J$)
            return { ok: false, problem: `cannot be read as CSV (${e.message}); envd takes one output` };
        throw e;
    }
    if (!fields.some((f) => /^type=/i.test(f.trim())))
        return { ok: false, problem: missingType(fields) };
    const parsed = (0,_backends_spec_js__WEBPACK_IMPORTED_MODULE_2__/* .parseFields */ .L5)(fields);
    if (!parsed.ok)
        return parsed;
    const attrs = parsed.value;
    const type = attrs.get('type');
    if (!type)
        return { ok: false, problem: missingType(fields) };
    attrs.delete('type');
    if (!KNOWN.includes(type))
        return {
            ok: false,
            problem: `type=${(0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(type)} is not an output type${(0,_cache_suggest_js__WEBPACK_IMPORTED_MODULE_4__/* .nearestHint */ .AN)(type, KNOWN)}; use one of ${KNOWN.join(', ')}`
        };
    if (attrs.has('output'))
        return {
            ok: false,
            problem: `output=${(0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(attrs.get('output'))} is not an attribute of --output; you meant dest=`
        };
    if (type === 'local' && !attrs.has('dest'))
        return { ok: false, problem: 'type=local needs dest=<directory>' };
    if ((type === 'image' || type === 'registry') && attrs.has('dest'))
        return { ok: false, problem: `type=${type} takes name=, not dest=` };
    const pushText = type === 'registry' ? 'true' : (attrs.get('push') ?? 'false');
    const push = (0,_cache_values_js__WEBPACK_IMPORTED_MODULE_3__/* .parseGoBool */ .MY)(pushText);
    if (push === undefined)
        return { ok: false, problem: `push=${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_6__/* .echo */ .WI)(pushText)} is not a boolean; use true or false` };
    const out = { raw: raw.trim(), type, attrs, push };
    const names = attrs.get('name');
    if (names !== undefined && (type === 'image' || type === 'registry')) {
        const first = names.split(',')[0].trim();
        const ref = (0,_cache_image_ref_js__WEBPACK_IMPORTED_MODULE_1__/* .parseImageRef */ .Q)(first);
        if (!ref.ok)
            return { ok: false, problem: `name ${ref.problem}` };
        out.image = ref.value;
        out.imageName = first;
    }
    if (push && !out.image)
        return { ok: false, problem: 'push=true needs name=<image>' };
    return { ok: true, value: out };
}
/**
 * What to write instead of an output without `type=`. A lone image name is the usual mistake: the fix is the
 * whole value to paste, built around that name (the error line has already quoted the value as given).
 */
function missingType(fields) {
    const lone = fields.length === 1 && !fields[0].includes('=') ? (0,_cache_image_ref_js__WEBPACK_IMPORTED_MODULE_1__/* .parseImageRef */ .Q)(fields[0].trim()) : undefined;
    if (lone?.ok)
        return `is an image name, not an output: write type=image,name=${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_6__/* .echo */ .WI)((0,_cache_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redactText */ .Rd)(fields[0].trim()))},push=true to push it (without push=true it is only built)`;
    return 'has no type=: write the whole output, e.g. type=image,name=ghcr.io/my-org/env:latest,push=true';
}


/***/ }),

/***/ 5539:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PC: () => (/* binding */ awaitBuildkitd),
  y_: () => (/* binding */ builderLogTail),
  LS: () => (/* binding */ findShared),
  _o: () => (/* binding */ newDaemonDir),
  $p: () => (/* binding */ publishShared),
  Ap: () => (/* binding */ recordsDir),
  vw: () => (/* binding */ releaseShared),
  sN: () => (/* binding */ rootViaAsync),
  yW: () => (/* binding */ spawnBuildkitd),
  YI: () => (/* binding */ startContainer),
  QP: () => (/* binding */ stopBuilder)
});

// UNUSED EXPORTS: listWorkers

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/io/exec.ts + 1 modules
var exec = __webpack_require__(6429);
// EXTERNAL MODULE: ./src/io/dirs.ts + 1 modules
var dirs = __webpack_require__(1789);
// EXTERNAL MODULE: ./src/io/grpc-list-workers.ts
var grpc_list_workers = __webpack_require__(7137);
// EXTERNAL MODULE: ./src/builder/args.ts
var builder_args = __webpack_require__(6614);
;// CONCATENATED MODULE: ./src/builder/env.ts
/**
 * The environment the buildkitd the action starts runs with: an allow-list, never the whole environment of
 * the step (which holds the GitHub token as INPUT_GITHUB-TOKEN, ACTIONS_RUNTIME_TOKEN and whatever else the
 * workflow set). The same list whether buildkitd runs as root directly or through `sudo -n`. Pure.
 */
/** Names the step may add to the list (comma or whitespace separated), e.g. for a variable a custom buildkitd reads. */
const EXTRA_ENV = 'ENVD_CACHE_ACTION_BUILDKITD_ENV';
/**
 * Read by buildkitd v0.32.2 or the libraries it uses: the proxy (Go's net/http ProxyFromEnvironment, also handed
 * to git, util/gitutil/git_cli.go:236-240), certificates (Go's crypto/x509), TMPDIR (os.TempDir) and HOME (the AWS
 * SDK's shared config, util/gitutil/git_cli.go:207 with a host git config).
 */
const NAMES = [
    'HOME',
    'TMPDIR',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    ...['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()])
];
/**
 * Whole families buildkitd reads at v0.32.2: AWS_ (the s3 cache's AWS_BUCKET and AWS_REGION,
 * cache/remotecache/s3/s3.go:79,87, and the AWS SDK's credential chain), AZURE_ (the Azure SDK's environment
 * credential for azblob), BUILDKIT_ (cache/remotecache/azblob/utils.go:47-79, the debug and log-size knobs),
 * OTEL_ (util/tracing/detect/detect.go:48,88,95).
 */
const PREFIXES = ['AWS_', 'AZURE_', 'BUILDKIT_', 'OTEL_'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * The allowed variables of `env` that are set (PATH is not among them: the caller sets buildkitd's PATH), and
 * their names in a stable order (what `sudo --preserve-env=` is given). A problem for an unusable EXTRA_ENV.
 */
function buildkitdEnv(env) {
    const extra = (env[EXTRA_ENV] ?? '').split(/[\s,]+/).filter(Boolean);
    const bad = extra.filter((n) => !NAME.test(n) || n === 'PATH');
    if (bad.length)
        return {
            problem: `${EXTRA_ENV} holds ${bad.map((n) => JSON.stringify(n)).join(', ')}: it takes names of environment variables (letters, digits, underscores; not PATH), separated by commas or spaces`
        };
    const allowed = (n) => NAMES.includes(n) || extra.includes(n) || PREFIXES.some((p) => n.startsWith(p));
    const names = Object.keys(env)
        .filter((n) => env[n] !== undefined && NAME.test(n) && allowed(n))
        .sort();
    return { env: Object.fromEntries(names.map((n) => [n, env[n]])), names };
}

;// CONCATENATED MODULE: ./src/builder/daemon.ts
/**
 * What the action makes of a buildkitd it started, beyond its arguments: the lines of its log worth showing, and
 * how often to look whether a stopped one is gone. Pure: io/buildkit/builder.ts reads the log and waits.
 */
/**
 * buildkitd prints a fatal error as `buildkitd: <text>` followed by its Go stack (`%+v` of a pkg/errors error,
 * cmd/buildkitd/main.go:487-490 at v0.32.2): pairs of a function line and a tab-indented `file:line`, 12 to 18
 * lines (observed with buildkitd v0.32.2). In a short tail they would push out the lines that say what happened.
 */
function withoutGoStacks(lines) {
    const frameAt = (i) => i < lines.length && /^\t\S+:\d+$/.test(lines[i]);
    return lines.filter((_, i) => !frameAt(i) && !frameAt(i + 1));
}
/**
 * How long to wait before looking again whether a stopped buildkitd is gone, `elapsedMs` after SIGTERM: a
 * daemon with nothing to flush goes within milliseconds, so the first looks are quick; then back off.
 */
const stopPollMs = (elapsedMs) => (elapsedMs < 1000 ? 5 : 100);

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/text/text.ts
var text_text = __webpack_require__(8544);
;// CONCATENATED MODULE: ./src/builder/shared.ts
/**
 * One buildkitd per job. The call of the action that starts buildkitd writes a small record under
 * RUNNER_TEMP; a later call in the same job (each `uses:` has its own STATE, so state cannot tell it)
 * finds the record and uses that buildkitd, with its local cache, when it is the one this call would have
 * started: same BuildKit version, same buildkitd-flags, same buildkitd-config-inline, and still answering.
 * Otherwise the later call starts its own (own root, own socket) and logs why. Pure: no I/O here.
 */



const sha256 = (text) => (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
/** Flags as buildkitd receives them (split like a shell would), so blanks and quoting do not count. */
function normalFlags(flags) {
    try {
        return JSON.stringify((0,builder_args/* splitFlags */.g0)(flags));
    }
    catch {
        return flags.trim(); // invalid flags never start a daemon; compare the text
    }
}
function sharedFingerprint(w) {
    return { version: w.version, flags: sha256(normalFlags(w.flags)), config: sha256(w.config.trim()) };
}
/** One record per version and configuration, so a CPU and a GPU variant in one job each find their own. */
function recordFileName(w) {
    const fp = sharedFingerprint(w);
    return `envd-cache-buildkitd-${sha256(`${fp.version}\n${fp.flags}\n${fp.config}`).slice(0, 16)}.json`;
}
const RECORD_PATTERN = /^envd-cache-buildkitd-[0-9a-f]{16}\.json$/;
function isRecord(r) {
    if (typeof r !== 'object' || r === null)
        return false;
    const o = r;
    const strings = ['version', 'flags', 'config', 'buildctlAddr', 'envdAddress', 'dir', 'root', 'logFile'];
    return (o.schema === 1 &&
        Number.isInteger(o.pid) &&
        o.pid > 0 &&
        typeof o.sudo === 'boolean' &&
        strings.every((k) => typeof o[k] === 'string'));
}
/** Whether this call may use the recorded buildkitd; if not, a reason for the log ("not reused: <why>"). */
function decideReuse(record, wish, live) {
    if (!isRecord(record))
        return { reuse: false, why: 'its record is not one this action version understands' };
    const fp = sharedFingerprint(wish);
    if (record.version !== fp.version)
        return { reuse: false, why: `it runs BuildKit ${(0,text_text/* echo */.WI)(record.version)} and this call wants ${(0,text_text/* echo */.WI)(wish.version)}` };
    if (record.flags !== fp.flags)
        return { reuse: false, why: 'it was started with other buildkitd-flags' };
    if (record.config !== fp.config)
        return { reuse: false, why: 'it was started with another buildkitd-config-inline' };
    if (!live.running)
        return { reuse: false, why: `its process ${record.pid} is no longer running` };
    if (!live.answers)
        return { reuse: false, why: `its socket ${(0,text_text/* echo */.WI)(record.buildctlAddr)} does not answer` };
    return { reuse: true };
}

;// CONCATENATED MODULE: ./src/io/buildkit/builder.ts
/**
 * The BuildKit daemon envd builds on: one the action starts (builder: auto, or a moby/buildkit container),
 * or a running one at an address. Start, wait until it answers, stop; nothing else.
 */










class BuilderError extends Error {
}
const tail = (file, lines = 20, stacks = false) => {
    if (!file || !external_node_fs_.existsSync(file))
        return '';
    const all = external_node_fs_.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    return (stacks ? all : withoutGoStacks(all)).slice(-lines).join('\n');
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Whether a unix socket accepts a connection (closed again at once). */
const accepts = (socket) => new Promise((resolve) => {
    const c = external_node_net_.connect(socket);
    c.once('connect', () => {
        c.destroy();
        resolve(true);
    });
    c.once('error', () => resolve(false));
});
/**
 * `buildctl debug workers` without starting buildctl: ListWorkers in-process on the unix socket
 * (`listWorkersOn`). True only for an answer with grpc-status 0. buildkitd creates its listeners before its
 * workers and serves only once they exist (cmd/buildkitd/main.go:399-448 at v0.32.2), so a request made as
 * soon as the socket accepts is answered when the daemon is ready. Anything else (no gRPC on the socket, an
 * error, no answer within `timeoutMs`) is false: the caller falls back to buildctl.
 */
async function listWorkers(socket, timeoutMs) {
    return (await (0,grpc_list_workers/* listWorkersOn */.Z)(() => external_node_net_.connect(socket), timeoutMs)).ok;
}
async function answers(buildctl, addr, env) {
    const r = await exec/* Exec */.W.run(buildctl, ['--addr', addr, 'debug', 'workers'], { env, timeoutMs: 10000 });
    return { ok: r.code === 0, detail: (r.stderr || r.stdout).trim() };
}
/** The answer of Exec.rootVia without blocking: the sudo probe runs while other work goes on (tools, the cache). */
function rootViaAsync() {
    if (process.getuid?.() === 0)
        return Promise.resolve('root');
    return exec/* Exec */.W.run('sudo', ['-n', 'true']).then((r) => (r.code === 0 ? 'sudo' : 'none'));
}
/**
 * builder: auto — buildkitd from the tool cache, as root (directly or through sudo), on a private socket. Not
 * awaited. `rootVia`: what rootViaAsync found when it was asked ahead; else it is asked here.
 */
function spawnBuildkitd(o) {
    const found = o.rootVia ?? exec/* Exec */.W.rootVia() ?? 'none';
    const via = found === 'none' ? undefined : found;
    if (!via)
        throw new BuilderError('buildkitd needs root, and this runner user has no password-less sudo. Use builder: docker-container, or the address of a running buildkitd (builder: unix:///… or tcp://…)');
    const allowed = buildkitdEnv(o.env);
    if ('problem' in allowed)
        throw new BuilderError(allowed.problem);
    external_node_fs_.mkdirSync(o.workDir, { recursive: true });
    const socket = external_node_path_.join(o.workDir, 'buildkitd.sock');
    const logFile = external_node_path_.join(o.workDir, 'buildkitd.log');
    // Its own root: the default /var/lib/buildkit is locked by whichever buildkitd came first on the machine.
    const root = external_node_path_.join(o.workDir, 'root');
    let configFile;
    if (o.configInline) {
        configFile = external_node_path_.join(o.workDir, 'buildkitd.toml');
        external_node_fs_.writeFileSync(configFile, o.configInline + '\n');
    }
    let flags;
    try {
        flags = (0,builder_args/* splitFlags */.g0)(o.flags);
    }
    catch (e) {
        throw new BuilderError(`buildkitd-flags cannot be read: ${e.message}`);
    }
    const command = [
        external_node_path_.join(o.binDir, 'buildkitd'),
        ...(0,builder_args/* buildkitdArgs */.Ug)({ socket, root, configFile, group: via === 'sudo' ? process.getgid?.() : undefined, flags })
    ];
    const handle = {
        kind: 'auto',
        envdBuilder: 'unix',
        envdAddress: socket,
        buildctlAddr: `unix://${socket}`,
        sudo: via === 'sudo',
        logFile,
        root,
        daemonDir: o.workDir
    };
    const PATH = o.env.PATH ?? '';
    if (via === 'root')
        handle.pid = exec/* Exec */.W.spawnDetached(command[0], command.slice(1), { env: { ...allowed.env, PATH }, logFile });
    else {
        // sudo's pid until buildkitd's own is read from pidFile (daemonPid): signals and liveness go to buildkitd itself.
        handle.pidFile = external_node_path_.join(o.workDir, 'buildkitd.pid');
        handle.pid = exec/* Exec */.W.spawnDetached('sudo', (0,builder_args/* sudoArgs */.h2)({ preserve: allowed.names, pidFile: handle.pidFile, path: PATH, command }), { env: { ...allowed.env, PATH }, logFile });
    }
    return handle;
}
/**
 * The pid of the buildkitd itself: for one started through sudo, what its wrapper wrote to pidFile (the pid the
 * shell `exec`s buildkitd with), else the pid recorded at the start (sudo's, before the wrapper ran).
 */
function daemonPid(h) {
    if (!h.pidFile)
        return h.pid;
    try {
        const pid = Number(external_node_fs_.readFileSync(h.pidFile, 'utf8').trim());
        return Number.isSafeInteger(pid) && pid > 0 ? pid : h.pid;
    }
    catch {
        return h.pid;
    }
}
const DAEMON_DIR_PREFIX = 'envd-bk-';
/**
 * A fresh directory for a buildkitd the action starts: under RUNNER_TEMP (emptied after the job) when its
 * path is short enough for a unix socket (builder/dirs.ts), else under the system temp directory.
 */
function newDaemonDir(env) {
    return (0,dirs/* socketDir */.dj)(env, DAEMON_DIR_PREFIX);
}
/** Where the records of this job's buildkitds live: RUNNER_TEMP is per job, so jobs never see each other's. */
const recordsDir = dirs/* runnerTemp */.X5;
/**
 * Looks for a buildkitd an earlier call of the action in this job started and this call may use. The record
 * of the same configuration is tried first; every record is checked for liveness (pid, then buildctl).
 */
async function findShared(dir, wish, binDir, env) {
    const own = recordFileName(wish);
    let files;
    try {
        files = external_node_fs_.readdirSync(dir).filter((f) => RECORD_PATTERN.test(f));
    }
    catch {
        return { notReused: [] };
    }
    files.sort((a, b) => Number(b === own) - Number(a === own));
    const notReused = [];
    for (const file of files) {
        let record;
        try {
            record = JSON.parse(external_node_fs_.readFileSync(external_node_path_.join(dir, file), 'utf8'));
        }
        catch {
            record = undefined;
        }
        const r = record;
        const pid = typeof r?.pid === 'number' ? r.pid : undefined;
        const isRunning = pid !== undefined && exec/* Exec */.W.isAlive(pid);
        const live = {
            running: isRunning,
            answers: isRunning && typeof r?.buildctlAddr === 'string'
                ? (await answers(external_node_path_.join(binDir, 'buildctl'), r.buildctlAddr, env)).ok
                : false
        };
        const decision = decideReuse(record, wish, live);
        if (!decision.reuse) {
            notReused.push({ pid, why: decision.why });
            continue;
        }
        const rec = record;
        return {
            notReused,
            handle: {
                kind: 'auto',
                envdBuilder: 'unix',
                envdAddress: rec.envdAddress,
                buildctlAddr: rec.buildctlAddr,
                version: rec.version,
                pid: rec.pid,
                sudo: rec.sudo,
                logFile: rec.logFile,
                root: rec.root,
                daemonDir: rec.dir,
                reused: true
            }
        };
    }
    return { notReused };
}
/** Writes the record that lets later calls in this job use `h` (once it answers). Sets `h.record`. */
function publishShared(h, wish, dir) {
    if (h.kind !== 'auto' || h.pid === undefined || !h.daemonDir || !h.root || !h.logFile)
        return;
    const fp = sharedFingerprint(wish);
    const record = {
        schema: 1,
        version: fp.version,
        flags: fp.flags,
        config: fp.config,
        pid: h.pid,
        sudo: h.sudo === true,
        buildctlAddr: h.buildctlAddr,
        envdAddress: h.envdAddress,
        dir: h.daemonDir,
        root: h.root,
        logFile: h.logFile
    };
    const file = external_node_path_.join(dir, recordFileName(wish));
    const temp = `${file}.${process.pid}.tmp`;
    external_node_fs_.writeFileSync(temp, JSON.stringify(record) + '\n');
    external_node_fs_.renameSync(temp, file); // whole or nothing for a reader
    h.record = file;
}
/**
 * After stopping a buildkitd this call started: removes its record (if it is still the one pointing at it)
 * and its directory (root, socket, log), through sudo when buildkitd ran as root for this user.
 * Returns a problem to warn about, or undefined.
 */
async function releaseShared(h, env = process.env) {
    if (h.reused)
        return undefined;
    if (h.record) {
        try {
            const r = JSON.parse(external_node_fs_.readFileSync(h.record, 'utf8'));
            if (r.pid === h.pid)
                external_node_fs_.rmSync(h.record, { force: true });
        }
        catch {
            // gone already, or overwritten by a call that started a buildkitd of the same configuration
        }
    }
    const dir = h.daemonDir;
    // Only a directory the action made for it (the --root inside is buildkitd's, owned by root under sudo).
    if (!dir || !external_node_path_.basename(dir).startsWith(DAEMON_DIR_PREFIX) || !external_node_fs_.existsSync(dir))
        return undefined;
    if (h.sudo) {
        const r = await exec/* Exec */.W.run('sudo', ['-n', 'rm', '-rf', '--', dir], { env });
        return r.code === 0 ? undefined : `could not remove ${dir}: ${(r.stderr || r.stdout).trim()}`;
    }
    try {
        external_node_fs_.rmSync(dir, { recursive: true, force: true });
        return undefined;
    }
    catch (e) {
        return `could not remove ${dir}: ${e.message}`;
    }
}
/** How long the in-process ListWorkers may wait for buildkitd to serve before buildctl takes over. */
const IN_PROCESS_WAIT_MS = 10_000;
/** Waits, bounded, until `buildctl debug workers` answers; stops the daemon and shows its log when it does not. */
async function awaitBuildkitd(handle, o) {
    const started = Date.now();
    const deadline = started + o.readyTimeoutMs;
    const buildctl = external_node_path_.join(o.binDir, 'buildctl');
    let last = '';
    // A socket that does not accept connections yet cannot answer buildctl: wait for it in-process first.
    if (handle.buildctlAddr.startsWith('unix://')) {
        const socket = handle.buildctlAddr.slice('unix://'.length);
        while (Date.now() < deadline && !(await accepts(socket))) {
            if (handle.pid !== undefined && !exec/* Exec */.W.isAlive(handle.pid))
                break;
            await sleep(5); // a connect attempt is cheap; every 5 ms loses little of the moment it listens
        }
    }
    // Through sudo, the wrapper wrote buildkitd's pid before it became buildkitd: from here on, the pid is its own.
    handle.pid = daemonPid(handle);
    // Asked in-process first (no buildctl to start); whatever that does not settle, buildctl decides, as always.
    if (handle.buildctlAddr.startsWith('unix://') &&
        (await listWorkers(handle.buildctlAddr.slice('unix://'.length), Math.min(IN_PROCESS_WAIT_MS, Math.max(0, deadline - Date.now())))))
        return;
    for (;;) {
        if (handle.pid !== undefined && !exec/* Exec */.W.isAlive(handle.pid))
            throw new BuilderError(`buildkitd exited while starting. Its log:\n${tail(handle.logFile)}`);
        const r = await answers(buildctl, handle.buildctlAddr, o.env);
        if (r.ok)
            return;
        last = r.detail;
        if (Date.now() >= deadline) {
            await stopBuilder(handle, o.env);
            throw new BuilderError(`buildkitd did not answer within ${Math.round(o.readyTimeoutMs / 1000)} s (buildctl: ${last || 'no answer'}). Its log:\n${tail(handle.logFile)}`);
        }
        // Poll quickly at first (a local buildkitd is usually up within a few hundred ms), then back off.
        await sleep(Date.now() - started < 2000 ? 50 : 250);
    }
}
/** builder: docker-container — the moby/buildkit image under a unique name; envd reaches it through docker exec. */
async function startContainer(o) {
    const args = ['run', '-d', '--privileged', '--name', o.name];
    if (o.configInline) {
        external_node_fs_.mkdirSync(o.workDir, { recursive: true });
        const configFile = external_node_path_.join(o.workDir, 'buildkitd.toml');
        external_node_fs_.writeFileSync(configFile, o.configInline + '\n');
        args.push('-v', `${configFile}:/etc/buildkit/buildkitd.toml:ro`);
    }
    args.push(o.image, ...(0,builder_args/* splitFlags */.g0)(o.flags));
    const run = await exec/* Exec */.W.run('docker', args, { env: o.env });
    if (run.code !== 0)
        throw new BuilderError(`docker could not start ${o.image}: ${(run.stderr || run.stdout).trim()}`);
    const handle = {
        kind: 'docker-container',
        envdBuilder: 'docker-container',
        envdAddress: o.name,
        buildctlAddr: `docker-container://${o.name}`,
        container: o.name
    };
    const deadline = Date.now() + o.readyTimeoutMs;
    for (;;) {
        const r = await exec/* Exec */.W.run('docker', ['exec', o.name, 'buildctl', 'debug', 'workers'], {
            env: o.env,
            timeoutMs: 10000
        });
        if (r.code === 0)
            return handle;
        if (Date.now() >= deadline) {
            const logs = await exec/* Exec */.W.run('docker', ['logs', '--tail', '20', o.name], { env: o.env });
            await stopBuilder(handle, o.env);
            throw new BuilderError(`the buildkit container did not answer within ${Math.round(o.readyTimeoutMs / 1000)} s. Its log:\n${logs.stdout}${logs.stderr}`);
        }
        await sleep(500);
    }
}
/** Stops what the action started; a no-op for an address builder. Waits for the process to go. */
async function stopBuilder(h, env = process.env, graceMs = 5000) {
    if (h.container) {
        await exec/* Exec */.W.run('docker', ['rm', '-f', h.container], { env });
        return;
    }
    const pid = daemonPid(h);
    if (pid === undefined)
        return;
    exec/* Exec */.W.kill(pid, 'SIGTERM', h.sudo);
    const started = Date.now();
    while (exec/* Exec */.W.isAlive(pid) && Date.now() < started + graceMs)
        await sleep(stopPollMs(Date.now() - started));
    if (exec/* Exec */.W.isAlive(pid))
        exec/* Exec */.W.kill(pid, 'SIGKILL', h.sudo);
}
function builderLogTail(h, lines = 200) {
    return tail(h.logFile, lines, true);
}


/***/ }),

/***/ 1789:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Xk: () => (/* binding */ createWorkDir),
  lt: () => (/* binding */ homeOf),
  nw: () => (/* binding */ randomHex),
  X5: () => (/* binding */ runnerTemp),
  dj: () => (/* binding */ socketDir),
  B3: () => (/* binding */ workspaceOf),
  Fq: () => (/* binding */ writeFileIn)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/builder/dirs.ts
/**
 * Where the action's private directories go. buildkitd's socket lives under them, and a unix socket's path is
 * limited to 108 bytes (`sun_path`, Linux's `struct sockaddr_un`); the action's own suffixes
 * (`envd-bk-XXXXXX/buildkitd.sock`, `envd-cache-XXXXXX/…`) take about 40 of them. Pure.
 */
/** The longest base directory whose sockets stay within the limit. */
const SOCKET_BASE_MAX = 59;
/** RUNNER_TEMP when it is set and short enough for the sockets under it; else undefined (the system temp dir). */
function socketBase(runnerTemp) {
    return runnerTemp && runnerTemp.length <= SOCKET_BASE_MAX ? runnerTemp : undefined;
}

// EXTERNAL MODULE: ./src/local/ownership.ts
var ownership = __webpack_require__(9726);
;// CONCATENATED MODULE: ./src/io/dirs.ts
/**
 * The runner's directories as the action finds them (HOME, the job's temp directory), and the private files it
 * makes there: the work dir main records for post, a daemon directory, a file written into one. Random names come
 * from here too, so that a step never reaches for `node:*` itself.
 */






/** The user's home directory: HOME, else what the system says. */
const homeOf = (env) => env.HOME || external_node_os_.homedir();
/** The workspace (GITHUB_WORKSPACE), else the directory the step runs in: where relative paths resolve. */
const workspaceOf = (env) => env.GITHUB_WORKSPACE || process.cwd();
/** The job's temp directory: RUNNER_TEMP (per job, emptied after it), else the system's. */
const runnerTemp = (env) => env.RUNNER_TEMP || external_node_os_.tmpdir();
/** A new directory `<prefix>XXXXXX` where buildkitd's socket may live (builder/dirs.ts socketBase). */
function socketDir(env, prefix) {
    const base = socketBase(env.RUNNER_TEMP) ?? external_node_os_.tmpdir();
    // A RUNNER_TEMP that names a directory not made yet (a self-hosted runner, a local run) is created.
    external_node_fs_.mkdirSync(base, { recursive: true });
    return external_node_fs_.mkdtempSync(external_node_path_.join(base, prefix));
}
/** The action's private work dir, marked as its own: post deletes only marked directories. */
function createWorkDir(env) {
    const dir = socketDir(env, 'envd-cache-');
    external_node_fs_.writeFileSync(external_node_path_.join(dir, ownership/* OWNER_MARK */.yw), ownership/* OWNER_MARK_TEXT */.g);
    return dir;
}
/** Writes `text` to `name` in `dir`; the file's path. */
function writeFileIn(dir, name, text) {
    const file = external_node_path_.join(dir, name);
    external_node_fs_.writeFileSync(file, text);
    return file;
}
/** `bytes` random bytes in hex, for names that must not collide (contexts, containers). */
const randomHex = (bytes) => (0,external_node_crypto_.randomBytes)(bytes).toString('hex');


/***/ }),

/***/ 3883:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ envdEnv),
/* harmony export */   s: () => (/* binding */ Envd)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6429);
/* harmony import */ var _envd_args_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2400);
/* harmony import */ var _envd_ssh_key_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6417);
/** envd as a subprocess: contexts and builds. Every call goes through Exec; secrets are never echoed. */




class EnvdError extends Error {
    result;
    constructor(message, result) {
        super(message);
        this.result = result;
    }
}
/** The environment envd runs with: telemetry off, a fixed image owner, plain progress, our tools first on PATH. */
function envdEnv(base, binDirs) {
    return {
        ...base,
        PATH: [...binDirs, base.PATH ?? ''].join(node_path__WEBPACK_IMPORTED_MODULE_0__.delimiter),
        ENVD_ANALYTICS: 'false',
        ENVD_BUILD_OWNER: base.ENVD_BUILD_OWNER || _envd_ssh_key_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_BUILD_OWNER */ .X,
        BUILDKIT_PROGRESS: 'plain'
    };
}
class Envd {
    binary;
    env;
    constructor(binary, env) {
        this.binary = binary;
        this.env = env;
    }
    async ok(args, what) {
        const r = await _exec_js__WEBPACK_IMPORTED_MODULE_1__/* .Exec */ .W.run(this.binary, args, { env: this.env });
        if (r.code !== 0)
            throw new EnvdError(`${what} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`, r);
        return r;
    }
    async version() {
        const r = await this.ok(['version', '--short'], 'envd version');
        return /v\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0] ?? r.stdout.trim();
    }
    async createContext(name, builder, address) {
        await this.ok((0,_envd_args_js__WEBPACK_IMPORTED_MODULE_2__/* .contextCreateArgs */ .dc)(name, builder, address), `envd context create ${name}`);
    }
    /** Switches back to the default context, then removes ours. Errors are returned, not thrown: post must go on. */
    async removeContext(name) {
        const use = await _exec_js__WEBPACK_IMPORTED_MODULE_1__/* .Exec */ .W.run(this.binary, ['context', 'use', '--name', 'default'], { env: this.env });
        const rm = await _exec_js__WEBPACK_IMPORTED_MODULE_1__/* .Exec */ .W.run(this.binary, ['context', 'rm', '--name', name], { env: this.env });
        if (rm.code === 0)
            return undefined;
        return `envd context rm ${name}: ${(rm.stderr || use.stderr).trim().split('\n').pop()}`;
    }
    /** `envd build`; when `streams.stop` is aborted envd is stopped as Ctrl-C would (SIGINT, then SIGTERM). */
    build(args, cwd, streams) {
        return _exec_js__WEBPACK_IMPORTED_MODULE_1__/* .Exec */ .W.run(this.binary, args, { env: this.env, cwd, ...streams });
    }
}


/***/ }),

/***/ 7137:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ listWorkersOn)
/* harmony export */ });
/** Errors of reaching the other end at all, before any byte of a protocol. */
const CONNECT_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ETIMEDOUT',
    'ENOENT',
    'EACCES'
]);
function outcome(seen, timedOut, timeoutMs) {
    if (seen.grpcStatus === '0')
        return { ok: true };
    const e = seen.socketError;
    if (e?.code && CONNECT_CODES.has(e.code))
        return { ok: false, stage: 'connect', code: e.code, detail: e.message };
    if (e && seen.secure && (!seen.handshook || e.code?.startsWith('ERR_SSL')))
        return { ok: false, stage: 'tls', code: e.code, detail: e.message };
    // Handshake done, then closed without a word: how a daemon refuses a client certificate under TLS 1.3 when
    // its alert does not reach the reader (observed with a Node TLS server standing in for buildkitd).
    if (seen.secure && seen.handshook && !seen.heard && !timedOut)
        return { ok: false, stage: 'tls', code: 'CLOSED_AFTER_HANDSHAKE', detail: e?.message };
    if (timedOut)
        return { ok: false, stage: 'timeout', timeoutMs };
    if (seen.grpcStatus !== undefined)
        return { ok: false, stage: 'grpc', code: seen.grpcStatus, detail: seen.grpcMessage };
    if (seen.httpStatus !== undefined && seen.httpStatus !== 200)
        return { ok: false, stage: 'grpc', detail: `HTTP status ${seen.httpStatus}` };
    return { ok: false, stage: 'grpc', code: e?.code, detail: e?.message ?? 'the connection closed without an answer' };
}
/**
 * Asks ListWorkers once over the connection `connect` opens (a net.Socket, or a tls.TLSSocket still in its
 * handshake), bounded by `timeoutMs`. Never throws; the connection is closed when it settles.
 */
async function listWorkersOn(connect, timeoutMs) {
    // Loaded here: post, which never asks, does not load node:http2.
    const http2 = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 2467, 23));
    return new Promise((resolve) => {
        const seen = { secure: false, handshook: false, heard: false };
        let settled = false;
        let session;
        let conn;
        const done = (timedOut = false) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            session?.destroy();
            // After a protocol error the session leaves its socket open: closed here, or it would keep this process alive.
            conn?.destroy();
            resolve(outcome(seen, timedOut, timeoutMs));
        };
        const timer = setTimeout(() => done(true), timeoutMs);
        const open = () => {
            const c = connect();
            conn = c;
            seen.secure = 'encrypted' in c && c.encrypted === true;
            c.on('secureConnect', () => (seen.handshook = true));
            c.on('error', (e) => {
                seen.socketError ??= e;
                done();
            });
            return c;
        };
        try {
            session = http2.connect('http://buildkitd', { createConnection: open });
        }
        catch {
            return done();
        }
        session.on('remoteSettings', () => (seen.heard = true));
        session.on('error', () => done());
        session.on('close', () => done());
        const req = session.request({
            ':method': 'POST',
            ':path': '/moby.buildkit.v1.Control/ListWorkers',
            'content-type': 'application/grpc',
            te: 'trailers'
        });
        const trailers = (h) => {
            if (h['grpc-status'] !== undefined)
                seen.grpcStatus = String(h['grpc-status']);
            if (h['grpc-message'] !== undefined)
                seen.grpcMessage = decodeURIComponent(String(h['grpc-message']));
        };
        req.on('response', (headers) => {
            seen.httpStatus = Number(headers[':status']);
            if (seen.httpStatus !== 200)
                return done();
            // A trailers-only answer (an error) carries grpc-status in the headers.
            trailers(headers);
        });
        req.on('trailers', trailers);
        req.on('error', () => done());
        req.on('data', () => undefined);
        req.on('end', () => done());
        // One gRPC message: not compressed, length 0 (an empty ListWorkersRequest).
        req.end(Buffer.alloc(5));
    });
}


/***/ }),

/***/ 7322:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $t: () => (/* binding */ placeOf),
/* harmony export */   MF: () => (/* binding */ cacheDirProblems),
/* harmony export */   ZD: () => (/* binding */ surroundingsOf),
/* harmony export */   ZI: () => (/* binding */ releaseDir),
/* harmony export */   er: () => (/* binding */ claimDir),
/* harmony export */   o2: () => (/* binding */ inspectDir)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8544);
/* harmony import */ var _local_ownership_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9726);
/**
 * The shell side of the ownership rule (ownership.ts): what is on disk, and the only deletions cache: local
 * does. Free of @actions/cache so that the preflight can use it without loading it.
 */




/** What is at a path, without following a symbolic link there. */
function inspectDir(p) {
    let st;
    try {
        st = node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(p);
    }
    catch {
        return { kind: 'absent' };
    }
    if (st.isSymbolicLink())
        return { kind: 'symlink' };
    if (st.isFile())
        return { kind: 'file' };
    if (!st.isDirectory())
        return { kind: 'other' };
    const names = node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync(p);
    return {
        kind: 'directory',
        entries: names.filter((n) => n !== _local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .OWNER_MARK */ .yw).length,
        marked: names.includes(_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .OWNER_MARK */ .yw)
    };
}
/** A path with the symbolic links of its existing part resolved. */
function placeOf(p) {
    const abs = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(p);
    let existing = abs;
    const rest = [];
    for (;;) {
        try {
            return { path: abs, real: node_path__WEBPACK_IMPORTED_MODULE_1__.join(node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync(existing), ...rest) };
        }
        catch {
            const parent = node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(existing);
            if (parent === existing)
                return { path: abs };
            rest.unshift(node_path__WEBPACK_IMPORTED_MODULE_1__.basename(existing));
            existing = parent;
        }
    }
}
function surroundingsOf(workspace, home) {
    return { workspace: placeOf(workspace), home: home ? placeOf(home) : undefined };
}
/** Preflight of an explicit cache-dir: the directory and its export twin `<cache-dir>.new`. Messages, no effects. */
function cacheDirProblems(raw, workspace, home) {
    if (/[\\/]$/.test(raw) && raw.replace(/[\\/]+$/, '') !== '')
        return [`"${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .echo */ .WI)(raw)}" ends with a slash; write it without one (the export goes to "<cache-dir>.new" beside it)`];
    const resolved = (0,_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .resolveCacheDir */ .gs)(raw, workspace);
    if ('problem' in resolved)
        return [`"${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .echo */ .WI)(raw)}" ${resolved.problem}`];
    const around = surroundingsOf(workspace, home);
    const problems = [];
    for (const [label, dir] of [
        ['', resolved.dir],
        ['.new', `${resolved.dir}.new`]
    ]) {
        const problem = (0,_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .deletionProblem */ .IG)(placeOf(dir), around, inspectDir(dir));
        if (problem)
            problems.push(`"${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .echo */ .WI)(raw)}${label}" (${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .echo */ .WI)(dir)}) ${problem}; ${_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .CACHE_DIR_FIX */ .vf}`);
    }
    return problems;
}
/** Empties `dir` for a new cache if the action may (absent, empty or marked), then creates it with the marker. */
function claimDir(dir, around) {
    const facts = inspectDir(dir);
    const problem = (0,_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .deletionProblem */ .IG)(placeOf(dir), around, facts);
    if (problem)
        throw new Error(`cache: local: ${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .echo */ .WI)(dir)} ${problem}; it was left untouched. ${_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .CACHE_DIR_FIX */ .vf}`);
    if (facts.kind === 'directory' && facts.marked)
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(dir, { recursive: true, force: true });
    node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(dir, { recursive: true });
    node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync(node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, _local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .OWNER_MARK */ .yw), _local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .OWNER_MARK_TEXT */ .g);
}
/** Deletes `dir` only when it is the action's own (marked); returns why it was kept otherwise. */
function releaseDir(dir, around) {
    const facts = inspectDir(dir);
    if (facts.kind === 'absent')
        return undefined;
    const problem = (0,_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .deletionProblem */ .IG)(placeOf(dir), around, facts) ??
        (facts.kind === 'directory' && !facts.marked ? `has no ${_local_ownership_js__WEBPACK_IMPORTED_MODULE_2__/* .OWNER_MARK */ .yw} marker` : undefined);
    if (problem)
        return `${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_3__/* .echo */ .WI)(dir)} ${problem}; it was left untouched`;
    node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(dir, { recursive: true, force: true });
    return undefined;
}


/***/ }),

/***/ 9726:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IG: () => (/* binding */ deletionProblem),
/* harmony export */   g: () => (/* binding */ OWNER_MARK_TEXT),
/* harmony export */   gs: () => (/* binding */ resolveCacheDir),
/* harmony export */   vf: () => (/* binding */ CACHE_DIR_FIX),
/* harmony export */   yw: () => (/* binding */ OWNER_MARK)
/* harmony export */ });
/* unused harmony export protectedPlace */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Which cache directories the action may delete. cache: local replaces `cache-dir` and `<cache-dir>.new`
 * wholesale, so it deletes only directories it created and marked as its own (a marker file inside), never
 * the checkout, the home directory, the root or anything above them. Pure: the shell gathers what is on disk.
 */

/** The file the action writes into every cache directory it creates. Not part of the content key. */
const OWNER_MARK = '.envd-cache-action';
const OWNER_MARK_TEXT = 'This directory was created by envd-cache-action, which replaces it on every run. Do not keep other files here.\n';
/** The directory `cache-dir` names: relative to the workspace, or a problem (`..` is never accepted). */
function resolveCacheDir(raw, workspace) {
    if (raw.split(/[\\/]/).includes('..'))
        return {
            problem: 'contains "..": give a directory inside the workspace or an absolute path without "..", or leave cache-dir empty for $RUNNER_TEMP/envd-cache/<scope>'
        };
    return { dir: node_path__WEBPACK_IMPORTED_MODULE_0__.resolve(workspace, raw) };
}
const inside = (child, parent) => {
    const rel = node_path__WEBPACK_IMPORTED_MODULE_0__.relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !node_path__WEBPACK_IMPORTED_MODULE_0__.isAbsolute(rel));
};
/** Why the action must never delete `target`: it is, or holds, the root, the workspace or the home directory. */
function protectedPlace(target, around) {
    const forms = [target.path, target.real].filter((p) => !!p);
    const named = [
        ['the workspace', around.workspace],
        ['the home directory', around.home]
    ];
    for (const form of forms) {
        if (node_path__WEBPACK_IMPORTED_MODULE_0__.resolve(form) === node_path__WEBPACK_IMPORTED_MODULE_0__.parse(node_path__WEBPACK_IMPORTED_MODULE_0__.resolve(form)).root)
            return 'is the root directory';
        for (const [what, place] of named)
            for (const p of [place?.path, place?.real])
                if (p && node_path__WEBPACK_IMPORTED_MODULE_0__.resolve(form) === node_path__WEBPACK_IMPORTED_MODULE_0__.resolve(p))
                    return `is ${what}${what === 'the workspace' ? ' (relative paths, "." included, resolve against it)' : ''}`;
    }
    for (const form of forms)
        for (const [what, place] of named)
            for (const p of [place?.path, place?.real])
                if (p && inside(p, form))
                    return `holds ${what}`;
    return undefined;
}
/** Whether the action may replace the directory at `target` (absent, empty, or marked as its own), or why not. */
function deletionProblem(target, around, facts) {
    const place = protectedPlace(target, around);
    if (place)
        return place;
    switch (facts.kind) {
        case 'absent':
            return undefined;
        case 'symlink':
            return 'is a symbolic link; the action keeps its cache only in a directory it creates';
        case 'file':
        case 'other':
            return 'exists and is not a directory';
        case 'directory':
            if (facts.marked || !facts.entries)
                return undefined;
            return `holds files the action did not put there (it has no ${OWNER_MARK} marker); the action deletes only directories it created`;
    }
}
/** The fix a problem with cache-dir calls for. */
const CACHE_DIR_FIX = 'use a new or empty directory of its own (for example .envd-cache in the workspace or a path under $RUNNER_TEMP), or leave cache-dir empty for $RUNNER_TEMP/envd-cache/<scope>';


/***/ }),

/***/ 8544:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hn: () => (/* binding */ cell),
/* harmony export */   JP: () => (/* binding */ shellArg),
/* harmony export */   Rt: () => (/* binding */ MAX_SENTENCE),
/* harmony export */   WI: () => (/* binding */ echo),
/* harmony export */   Xq: () => (/* binding */ formatSize),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   dP: () => (/* binding */ MAX_ECHO)
/* harmony export */ });
/**
 * Values the action echoes into logs, annotations and the job summary. A value can come from a hostile
 * pull request (a directory name, a branch, an input), so it is shown on one line with its control
 * characters made visible, and capped: no value can start a workflow command, break a table or flood a
 * log. Pure.
 */
/** The most characters of one value the action echoes. */
const MAX_ECHO = 200;
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;
function visible(c) {
    switch (c) {
        case '\r':
            return '\\r';
        case '\n':
            return '\\n';
        case '\t':
            return '\\t';
        default:
            return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
}
/** One line, control characters shown as escapes, at most `max` characters (then an ellipsis). */
function echo(value, max = MAX_ECHO) {
    const line = value.replace(CONTROL, visible);
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
/** A Markdown table cell: echoed, with pipes escaped. */
function cell(value, max = MAX_ECHO) {
    return echo(value, max).replace(/\|/g, '\\|');
}
/** Inline Markdown code: echoed, backticks made harmless, pipes escaped for use inside a table. */
function code(value, max = MAX_ECHO) {
    return '`' + cell(value, max).replace(/`/g, "'") + '`';
}
/** Whether a value holds a character that could end a log line or hide as one. */
function hasControl(value) {
    return new RegExp(CONTROL.source).test(value);
}
/** The most characters of one argument in a logged command line. */
const MAX_ARG = 1000;
/**
 * One argument of a logged command line, for reading only (the action never runs a shell): bare when it is
 * plain, '…' when it has spaces or quotes, $'…' with escapes when it holds control characters, so the line
 * stays one line. Capped at `max` characters.
 */
function shellArg(value, max = MAX_ARG) {
    const capped = value.length > max ? `${value.slice(0, max - 1)}…` : value;
    if (/^[\w@%+=:,./-]+$/.test(capped))
        return capped;
    if (!hasControl(capped))
        return `'${capped.replace(/'/g, `'\\''`)}'`;
    return `$'${capped.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(CONTROL, visible)}'`;
}
/** The most characters of one sentence the action composes around values (a reason, a warning, a problem). */
const MAX_SENTENCE = 1000;
/** Decimal units, as GitHub states its limits: 1.5 GB, 320 MB, 12 KB, 0 B. */
function formatSize(bytes) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = Math.abs(bytes);
    let i = 0;
    while (value >= 1000 && i < units.length - 1) {
        value /= 1000;
        i++;
    }
    const sign = bytes < 0 ? '-' : '';
    return i === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(1)} ${units[i]}`;
}


/***/ })

};

//# sourceMappingURL=990.index.js.map