import './sourcemap-register.cjs';import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 4196:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   PQ: () => (/* binding */ POLICIES),
/* harmony export */   cP: () => (/* binding */ DEADLINE_SCALE_ENV),
/* harmony export */   rR: () => (/* binding */ deadlineScale),
/* harmony export */   vK: () => (/* binding */ scaled)
/* harmony export */ });
/**
 * Every deadline, retry, wait and pace of the action's own requests, in one table (issue 21 item 1; issue 25: the
 * numbers in one place, `__tests__/http/policies.test.ts` finds any written elsewhere in src/). Pure: the rules
 * that read them are src/http/retry.ts; the shell (io/http/, io/deadlines.ts, io/github/) applies them.
 *
 * The promise they keep: a GitHub API, cache service, registry or S3 endpoint that accepts connections and never
 * answers costs a job at most ~30 s of the action's own time, and one that refuses or answers 5xx costs a few
 * seconds. How the numbers add up:
 *  - A request that gets no answer within its deadline marks its service silent for the rest of the job
 *    (io/deadlines.ts): every later request to it fails at once, so a silent service costs ONE request deadline,
 *    not one per attempt, page, phase or step. The phase that met it goes on without its figure and says so in one
 *    warning; later phases skip that service quietly.
 *  - The requests of a phase that go out together (the budget reading sends usage, the storage limit, the listing,
 *    the run's jobs and the open pull requests at once) time out together: 10 s for the GitHub API, not 5 × 10 s.
 *  - A phase budget bounds a service that answers, but slowly (a listing of many pages, each just under its
 *    deadline): past it the phase's requests are cancelled and the phase goes on with what it has.
 *  - Worst cases, silent: GitHub API 10 s (budget reading; the prune then skips), cache service 10 s (index reads;
 *    the history then skips), registry 5 s (the probe; the digest read then skips), S3 5 s (the probe).
 *    Never more than one request deadline each, and at most the sum of the phase budgets a build step runs
 *    (budget reading 20 s + probes 10 s + prune 20 s) when every service is slow at once.
 */
const POLICIES = {
    /**
     * TCP connect (and TLS) to any endpoint. A runner reaches GitHub, a registry or S3 in well under a second; a SYN
     * left unanswered for 5 s is a dead route, not a slow one.
     */
    connectMs: 5_000,
    /**
     * GitHub's REST API (usage, storage limit, listing pages, the run's jobs, pull requests, deletes). It answers in
     * well under a second (a page of 100 caches included); 10 s is far past any healthy answer. Three attempts at
     * 300 ms, 600 ms: a 503 or a reset costs about a second before the figure is given up.
     */
    rest: { requestMs: 10_000, attempts: 3, backoffMs: 300 },
    /**
     * The cache service (twirp lookups) and its blob store (an index download: JSON of a few KB to a few MB, the
     * history entry). As REST: 10 s is far past a healthy answer; three attempts at 500 ms, 1 s.
     */
    cacheService: { requestMs: 10_000, attempts: 3, backoffMs: 500 },
    /**
     * An existence probe or digest read: a HEAD on a registry manifest or an S3 object, and a registry's token
     * request. A HEAD is answered from metadata; 5 s each, one attempt (a probe that fails is "unknown", and the
     * import is kept as planned: the build decides).
     */
    probe: { requestMs: 5_000, attempts: 1, backoffMs: 0 },
    /** A request whose client names none of the kinds here. */
    otherRequestMs: 10_000,
    /** The release API read for a tool (a JSON of a few KB). */
    release: { requestMs: 10_000, attempts: 4, backoffMs: 1_000 },
    /**
     * A tool's download (tens of MB): no whole-request deadline (a slow link takes what it takes), but no byte for
     * 15 s ends it; four attempts from the start at 1 s, 2 s, 4 s for a cut connection or a 5xx.
     */
    download: { idleMs: 15_000, attempts: 4, backoffMs: 1_000 },
    /**
     * cache-mounts beside the layers (registry artifacts, s3 objects). The small requests (a manifest, a blob check,
     * an upload's start) as the cache service: 10 s, three attempts at 500 ms, 1 s. An archive (up to cache-mounts-max,
     * 2 GB by default) moves like a download: no whole-request deadline, but no byte for 15 s ends it. A timeout is not
     * tried again: a store that went silent is given up for the job, with one warning.
     */
    mountStore: { requestMs: 10_000, attempts: 3, backoffMs: 500, idleMs: 15_000 },
    /** Phase budgets: past one, the phase's requests are cancelled and it goes on without what it had not read. */
    phases: {
        /** Usage, storage limit, listing, the run's jobs, open pull requests and the live indexes, before the plan. */
        budgetRead: 20_000,
        /** The import candidates' existence probes (registry HEAD with its token request, S3 HEAD), before the build. */
        probes: 10_000,
        /** A prune inside a build step (before or after the build): listing, pull requests, index reads and deletes. */
        prune: 20_000,
        /** `command: prune`: the step exists to prune, and its deletes are paced by GitHub's limits; 10 minutes. */
        pruneCommand: 600_000,
        /**
         * Saving the hit-ratio history after the build (reserve, one Put Blob of a few KB, finalize: three requests that
         * each take well under a second). Its read goes out as the build starts and costs the job nothing.
         */
        history: 10_000
    },
    /*
     * Not scaled by DEADLINE_SCALE_ENV from here on: the waits a server asks for, the pace of requests, the time a
     * build step gives its deletes, and the builder probe's deadline.
     */
    /**
     * Rate limits (GitHub's REST docs, "Rate limits for the REST API"): a secondary limit that does not say how long
     * to wait means "at least one minute". A retried request waits at most a minute in all on what servers ask
     * (`retry-after`, a primary limit's reset); a longer wait ends its tries, and the caller goes on without it.
     */
    rateLimit: { defaultWaitMs: 60_000, maxWaitMs: 60_000 },
    /** Requests to one service in flight at once. */
    concurrency: {
        /** The cache listing's pages after the first (GitHub asks integrators for few concurrent requests). */
        listingPages: 4,
        /** Index reads from the cache service (a lookup and a download each). */
        indexReads: 8
    },
    /**
     * Deletes, paced within GitHub's documented secondary limits for REST (2026): at most 100 concurrent requests and
     * 900 points a minute per endpoint group, a DELETE costing 5 (180 deletes a minute). Each is sent once
     * (io/github/deletes.ts retries it itself): `attempts` per entry, rate-limited or failed; `failuresInARow` that
     * are not rate limits stop the rest. A build step gives its deletes `stepBudgetMs` (superseded layers, a prune
     * before or after the build); `command: prune` has the phase budget alone.
     */
    deletes: {
        concurrency: 4,
        pointsPerMinute: 900,
        pointsPerDelete: 5,
        attempts: 2,
        failuresInARow: 3,
        stepBudgetMs: 2_000
    },
    /** A builder given by address (`builder`): connect and answer ListWorkers within this, or the next is asked. */
    builderProbeMs: 10_000
};
/**
 * The environment variable only tests set: every request deadline and phase budget of the table (the `…Ms` before
 * `rateLimit`, as io/deadlines.ts's `ms()` reads them) multiplied by it (0.05: 10 s → 500 ms).
 */
const DEADLINE_SCALE_ENV = 'ENVD_CACHE_ACTION_DEADLINE_SCALE';
/** The scale `DEADLINE_SCALE_ENV` asks for: a positive number, at most 1; anything else (unset included) is 1. */
function deadlineScale(text) {
    const n = Number(text);
    return text !== undefined && text.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 1 ? n : 1;
}
/** `ms` scaled, never below 1 ms. */
const scaled = (ms, scale) => Math.max(1, Math.round(ms * scale));


/***/ }),

/***/ 9407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2462);
/* harmony import */ var _steps_context_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9056);
/**
 * Entry of the bundle, for both phases: the runner calls it as main, then again as post. Each phase is a
 * chunk of its own, loaded here on demand, so that post does not load (parse, evaluate) what only main needs.
 * The runner's protocol is our own small module (io/runner.ts), not @actions/core and its HTTP client.
 * The step's context (steps/context.ts) is made here, once, and handed to the step.
 */


async function run() {
    const ctx = (0,_steps_context_js__WEBPACK_IMPORTED_MODULE_1__/* .stepContext */ .e)(process.env);
    const { out } = ctx;
    const isPost = out.getState(_state_js__WEBPACK_IMPORTED_MODULE_0__/* .StateKey */ .z.IsPost) === 'true';
    try {
        if (isPost) {
            const { post, realPostIo } = await Promise.all(/* import() */[__nccwpck_require__.e(990), __nccwpck_require__.e(677)]).then(__nccwpck_require__.bind(__nccwpck_require__, 2677));
            await post(ctx, { state: (0,_state_js__WEBPACK_IMPORTED_MODULE_0__/* .stateFromEnv */ .J)(ctx.env), io: realPostIo });
        }
        else {
            // Before anything starts: a cancelled main stops what it ran and says so (io/cancel.ts).
            const [{ main }, { onCancel }, { cancelledLine, cancelledSummary }] = await Promise.all([
                Promise.all(/* import() */[__nccwpck_require__.e(844), __nccwpck_require__.e(292), __nccwpck_require__.e(990), __nccwpck_require__.e(928)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9928)),
                __nccwpck_require__.e(/* import() */ 736).then(__nccwpck_require__.bind(__nccwpck_require__, 6736)),
                __nccwpck_require__.e(/* import() */ 594).then(__nccwpck_require__.bind(__nccwpck_require__, 6594))
            ]);
            onCancel(ctx, { line: cancelledLine, summary: cancelledSummary });
            out.saveState(_state_js__WEBPACK_IMPORTED_MODULE_0__/* .StateKey */ .z.IsPost, 'true');
            await main(ctx, {
                input: (name) => out.getInput(name),
                state: { get: (name) => out.getState(name), save: (name, value) => out.saveState(name, value) }
            });
        }
    }
    catch (error) {
        // One line for the author; the stack only in debug logs.
        const e = error instanceof Error ? error : new Error(String(error));
        out.debug(e.stack ?? e.message);
        out.setFailed(e.message);
    }
}
await run();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 8193:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Qk: () => (/* binding */ Deadlines),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   hk: () => (/* binding */ currentPhase),
/* harmony export */   kF: () => (/* binding */ markDown),
/* harmony export */   kz: () => (/* binding */ downFor),
/* harmony export */   ms: () => (/* binding */ ms)
/* harmony export */ });
/* harmony import */ var node_async_hooks__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6698);
/* harmony import */ var node_async_hooks__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_async_hooks__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _http_policies_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(4196);
/**
 * The deadlines of the action's own requests, carried out (the numbers: src/http/policies.ts).
 *
 * - `ms(n)`: a deadline of the table, scaled by ENVD_CACHE_ACTION_DEADLINE_SCALE (tests only; read once).
 * - Phases: `withinPhase(name, work)` runs `work` with a budget. Every request the HTTP client (io/http/client.ts) sends
 *   from inside it (through async context, however deep) ends by the phase's end at the latest, and is cancelled
 *   when the budget runs out; the work then goes on with the failures it gets back, as it does with any failure.
 * - Silence: a service that left a request unanswered past its deadline, or failed every attempt of a retried one
 *   with a network error or 5xx, is down for the rest of the job. Later requests to it fail at once, without a
 *   round trip, so that one silent service costs one deadline per job. `takeWarnings()` gives one warning per
 *   service that went down (and per phase cut short), each once: the steps print them.
 *
 * What a step learns (which services are down, which phases were cut short) is a `Deadlines` of its own, part of
 * the step's context (steps/context.ts): the steps call it directly; the HTTP client, deep below them, reaches the
 * one of the step it runs in through async context (`run`), as it reaches the phase. Outside any step (a unit
 * test of the client) nothing is remembered: every request is tried.
 */


const scale = (0,_http_policies_js__WEBPACK_IMPORTED_MODULE_1__/* .deadlineScale */ .rR)(process.env[_http_policies_js__WEBPACK_IMPORTED_MODULE_1__/* .DEADLINE_SCALE_ENV */ .cP]);
/** A deadline or budget of the table, in ms, as this process applies it. */
const ms = (n) => (0,_http_policies_js__WEBPACK_IMPORTED_MODULE_1__/* .scaled */ .vK)(n, scale);
/** Seconds for a message: `10 s`, `0.5 s`. */
const seconds = (n) => `${Number((n / 1000).toFixed(n < 1000 ? 2 : 1))} s`;
const scope = new node_async_hooks__WEBPACK_IMPORTED_MODULE_0__.AsyncLocalStorage();
/** The phase the caller runs in, if any. */
const currentPhase = () => scope.getStore()?.phase;
/** What each phase is called in a warning. */
const PHASE_WORDS = {
    budgetRead: 'Reading the cache budget',
    probes: 'Checking which cache entry to import',
    prune: 'Pruning',
    pruneCommand: 'Pruning',
    history: 'Saving the hit-ratio history'
};
/** What the action goes without when a phase is cut short. */
const PHASE_LOSS = {
    budgetRead: 'what it had not read yet is left out (usage, the listing or the export estimate)',
    probes: 'the import is kept as planned, unchecked',
    prune: 'what it had not deleted waits for the next run',
    pruneCommand: 'what it had not deleted waits for the next run',
    history: 'this run is not added to the history'
};
const originOf = (url) => {
    try {
        return new URL(url).origin;
    }
    catch {
        return undefined;
    }
};
/** Records that `service` at `url`'s origin is down for the step the caller runs in (the first reason is kept). */
function markDown(url, service, why) {
    scope.getStore()?.deadlines.markDown(url, service, why);
}
/** Why the service at `url`'s origin is down for the step the caller runs in, in words, if it is. */
function downFor(url) {
    return scope.getStore()?.deadlines.downFor(url);
}
/** One step's deadlines: the services that went down, the phases cut short, and which of them were warned about. */
class Deadlines {
    down = new Map();
    cutShort = [];
    /** Runs `work` (a whole step) so that every request it sends, however deep, reports to and asks this one. */
    run(work) {
        return scope.run({ deadlines: this }, work);
    }
    markDown(url, service, why) {
        const origin = originOf(url);
        if (origin && !this.down.has(origin))
            this.down.set(origin, { service, origin, why, warned: false });
    }
    downFor(url) {
        const origin = originOf(url);
        const d = origin ? this.down.get(origin) : undefined;
        return d && `${d.service.name} (${d.origin}) ${d.why} earlier in this job`;
    }
    /**
     * Runs `work` within the budget of phase `name` (POLICIES.phases, scaled): past it the phase's requests are
     * cancelled. Resolves with what `work` resolves with; a phase cut short adds one warning (takeWarnings)
     * unless a service it used went down meanwhile (that one's warning says it).
     */
    async withinPhase(name, work) {
        const budget = ms(_http_policies_js__WEBPACK_IMPORTED_MODULE_1__/* .POLICIES */ .PQ.phases[name]);
        const controller = new AbortController();
        const downBefore = this.down.size;
        const end = () => controller.signal.aborted ||
            controller.abort(Object.assign(new Error(`${PHASE_WORDS[name]} ran out of its ${seconds(budget)} budget`), {
                code: 'EPHASEBUDGET'
            }));
        const timer = setTimeout(end, budget);
        try {
            const phase = { name, signal: controller.signal, until: Date.now() + budget, end };
            return await scope.run({ deadlines: this, phase }, work);
        }
        finally {
            clearTimeout(timer);
            if (controller.signal.aborted && this.down.size === downBefore)
                this.cutShort.push(`${PHASE_WORDS[name]} took longer than its ${seconds(budget)} budget and was cut short: ${PHASE_LOSS[name]}. The build is not affected.`);
        }
    }
    /** The warnings not given yet: one per service that went down, one per phase cut short. */
    takeWarnings() {
        const out = [];
        for (const d of this.down.values()) {
            if (d.warned)
                continue;
            d.warned = true;
            out.push(`${d.service.name} (${d.origin}) ${d.why}: ${d.service.without}; the action goes on without it for the rest of this job. The build is not affected.`);
        }
        out.push(...this.cutShort.splice(0));
        return out;
    }
}


/***/ }),

/***/ 6429:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  y: () => (/* binding */ Children),
  W: () => (/* binding */ Exec)
});

// EXTERNAL MODULE: external "node:async_hooks"
var external_node_async_hooks_ = __nccwpck_require__(6698);
;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: ./src/io/exec.ts
/**
 * The one seam for subprocesses. Nothing is echoed by itself: callers log a redacted command line, because
 * cache flags carry credentials. Static methods, so tests can spy on them under ESM.
 */



/** The grace between SIGINT, SIGTERM and SIGKILL: the runner itself gives a cancelled step 7.5 s before SIGTERM. */
const STOP_GRACE_MS = 2000;
/**
 * SIGINT as Ctrl-C would, SIGTERM when it still runs after `graceMs`, SIGKILL after as long again. envd v1.3.4
 * sets no handler of its own for either signal (its only signal.Notify is pkg/syncthing/syncthing.go:186), so Go's
 * default ends it at SIGINT; its gRPC connection closes, and buildkitd cancels the solve of the client gone.
 */
function stopChild(child, graceMs) {
    if (child.exitCode !== null || child.signalCode !== null)
        return;
    child.kill('SIGINT');
    const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), 2 * graceMs);
    child.once('close', () => {
        clearTimeout(term);
        clearTimeout(kill);
    });
}
/**
 * The children one step started: every child `Exec.run` started in it that has not ended, and whether the step
 * was cancelled. Part of the step's context (steps/context.ts); `Exec.run`, called deep below the steps, finds
 * the one of the step it runs in through async context (`run`). A child started outside any step is not tracked.
 */
class Children {
    running = new Set();
    stopped = false;
    /** Whether the step was cancelled (`stopAll`). */
    get cancelled() {
        return this.stopped;
    }
    /** Runs `work` (a whole step) so that every child `Exec.run` starts in it is one of these. */
    run(work) {
        return steps.run(this, work);
    }
    /**
     * The step is cancelled: every child is stopped as Ctrl-C would (SIGINT, SIGTERM, SIGKILL, `graceMs` apart),
     * nothing new starts, and no stopped call returns. Resolves when all have ended.
     */
    stopAll(graceMs = STOP_GRACE_MS) {
        this.stopped = true;
        return Promise.all([...this.running].map((child) => new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null)
                return resolve();
            child.once('close', () => resolve());
            stopChild(child, graceMs);
        }))).then(() => undefined);
    }
}
const steps = new external_node_async_hooks_.AsyncLocalStorage();
function lines(onLine) {
    let buffered = '';
    return {
        feed(chunk) {
            if (!onLine)
                return;
            buffered += chunk;
            const parts = buffered.split('\n');
            buffered = parts.pop() ?? '';
            for (const p of parts)
                onLine(p.replace(/\r$/, ''));
        },
        flush() {
            if (onLine && buffered)
                onLine(buffered);
            buffered = '';
        }
    };
}
class Exec {
    static run(cmd, args, options = {}) {
        // Once the step is cancelled nothing new starts, and nothing that was stopped reports back: the cancel
        // handler writes the step's last line and ends the process.
        const children = steps.getStore();
        if (children?.cancelled)
            return new Promise(() => undefined);
        return new Promise((resolve) => {
            const child = (0,external_node_child_process_namespaceObject.spawn)(cmd, args, {
                env: options.env ?? process.env,
                cwd: options.cwd,
                stdio: ['ignore', 'pipe', 'pipe']
            });
            children?.running.add(child);
            const onStop = () => stopChild(child, STOP_GRACE_MS);
            options.stop?.addEventListener('abort', onStop, { once: true });
            if (options.stop?.aborted)
                onStop();
            let stdout = '';
            let stderr = '';
            const out = lines(options.onStdout);
            const err = lines(options.onStderr);
            child.stdout.setEncoding('utf8').on('data', (d) => {
                stdout += d;
                out.feed(d);
            });
            child.stderr.setEncoding('utf8').on('data', (d) => {
                stderr += d;
                err.feed(d);
            });
            const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
            const ended = () => {
                children?.running.delete(child);
                options.stop?.removeEventListener('abort', onStop);
                if (timer)
                    clearTimeout(timer);
                return !children?.cancelled;
            };
            child.on('error', (e) => {
                if (ended())
                    resolve({ code: 127, stdout, stderr: stderr + e.message });
            });
            child.on('close', (code, signal) => {
                if (!ended())
                    return;
                out.flush();
                err.flush();
                resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
            });
        });
    }
    /** Starts a long-running process that outlives this step; its output goes to logFile. Returns its pid. */
    static spawnDetached(cmd, args, options) {
        const fd = external_node_fs_.openSync(options.logFile, 'a');
        try {
            const child = (0,external_node_child_process_namespaceObject.spawn)(cmd, args, { env: options.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
            if (child.pid === undefined)
                throw new Error(`could not start ${cmd}`);
            child.unref();
            return child.pid;
        }
        finally {
            external_node_fs_.closeSync(fd);
        }
    }
    /** Whether a process runs; a zombie (exited, not yet reaped by whoever adopted it) does not. */
    static isAlive(pid) {
        try {
            process.kill(pid, 0);
        }
        catch (e) {
            return e.code === 'EPERM';
        }
        try {
            return !/^\d+ \(.*\) Z/.test(external_node_fs_.readFileSync(`/proc/${pid}/stat`, 'utf8'));
        }
        catch {
            return true; // no /proc (macOS): the signal check is all there is
        }
    }
    /** Signals a process (through sudo when it was started with sudo). */
    static kill(pid, signal, sudo = false) {
        if (sudo)
            (0,external_node_child_process_namespaceObject.spawnSync)('sudo', ['-n', 'kill', `-${signal}`, String(pid)], { stdio: 'ignore' });
        else {
            try {
                process.kill(pid, signal);
            }
            catch {
                // already gone
            }
        }
    }
    /** Whether this process may run commands as root: it is root, or sudo works without a password. */
    static rootVia() {
        if (process.getuid?.() === 0)
            return 'root';
        return (0,external_node_child_process_namespaceObject.spawnSync)('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? 'sudo' : undefined;
    }
}


/***/ }),

/***/ 2462:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ stateFromEnv),
/* harmony export */   z: () => (/* binding */ StateKey)
/* harmony export */ });
/** Keys of the state saved by the main step for the post step (read back as STATE_<key>). */
var StateKey;
(function (StateKey) {
    StateKey["IsPost"] = "isPost";
    /** JSON of the BuilderHandle the main step started. */
    StateKey["Builder"] = "builder";
    StateKey["EnvdBinary"] = "envdBinary";
    StateKey["EnvdPath"] = "envdPath";
    StateKey["Context"] = "context";
    StateKey["WorkDir"] = "workDir";
    StateKey["BuildFailed"] = "buildFailed";
    /** JSON of the local cache to swap in and save (cache: local, after a successful export). */
    StateKey["LocalSave"] = "localSave";
})(StateKey || (StateKey = {}));
/** The state the runner hands the post step: STATE_<key> in its environment (what core.getState reads). */
function stateFromEnv(env) {
    return { get: (name) => env[`STATE_${name}`] || '' };
}


/***/ }),

/***/ 9056:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  q: () => (/* binding */ inStep),
  e: () => (/* binding */ stepContext)
});

// EXTERNAL MODULE: ./src/io/deadlines.ts
var deadlines = __nccwpck_require__(8193);
// EXTERNAL MODULE: ./src/io/exec.ts + 1 modules
var exec = __nccwpck_require__(6429);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: ./src/io/runner.ts
/**
 * The runner's protocol, the part this action uses, written from the runner's contract (workflow commands on
 * stdout, file commands in the files the runner creates before each step) instead of loading @actions/core,
 * whose OIDC client pulls @actions/http-client and undici (about 1 MB of bundle, tens of ms of start-up) into
 * every step. Only node:fs, node:os, node:path and node:crypto are imported: keep it that way.
 *
 * The names and signatures are those of @actions/core for what it has in common with it, so a call site reads
 * the same; `__tests__/io/runner.test.ts` compares the bytes written with core's for the same calls.
 *
 * Chosen: no fallback to the stdout commands `::set-output`, `::save-state`, `::set-env`, `::add-path`. The
 * runner creates GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY before every step
 * (since runner v2.297.0; this action needs node24, so v2.327.1 or later), and the stdout forms are deprecated.
 * A missing variable is therefore a broken environment, and the call throws an error naming it rather than
 * writing a command that a runner may ignore.
 */




/** What a command or file command carries: a string as is, nothing as '', anything else as JSON. */
function runner_text(value) {
    if (value === undefined || value === null)
        return '';
    if (typeof value === 'string' || value instanceof String)
        return String(value);
    return JSON.stringify(value);
}
/** A command's data: `%`, CR and LF encoded, so that a message is one line and cannot end early. */
function escapeData(value) {
    return runner_text(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** A command's property value: as data, and `:` and `,` too (they end the value and the property list). */
function escapeProperty(value) {
    return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/**
 * One workflow command line, `::name key=value,…::data`. Properties without a value are left out; when
 * properties were given but all are empty, the space before `::` stays (the runner reads both forms).
 */
function command(name, properties, data) {
    const props = Object.keys(properties).length
        ? ' ' +
            Object.entries(properties)
                .filter(([, v]) => v)
                .map(([k, v]) => `${k}=${escapeProperty(v)}`)
                .join(',')
        : '';
    return `::${name}${props}::${escapeData(data)}`;
}
/** The annotation properties under the names the runner reads (`line`, `col`). */
function annotation(p) {
    if (!Object.keys(p).length)
        return {};
    return {
        title: p.title,
        file: p.file,
        line: p.startLine,
        endLine: p.endLine,
        col: p.startColumn,
        endColumn: p.endColumn
    };
}
const newDelimiter = () => `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
/**
 * A name/value block for a file command: `name<<DELIM`, the value, `DELIM`. The delimiter is random per
 * block; a name or value that holds it would end the block early and let the rest be read as more entries,
 * so that is refused.
 */
function keyValueBlock(name, value, delimiter = newDelimiter()) {
    const v = runner_text(value);
    if (name.includes(delimiter))
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    if (v.includes(delimiter))
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    return `${name}<<${delimiter}${external_node_os_.EOL}${v}${external_node_os_.EOL}${delimiter}`;
}
/** The sink of a step the runner runs: this process's stdout, the files named in `env`, `process.exitCode`. */
function processSink(env) {
    const fileOf = (file) => {
        const variable = `GITHUB_${file}`;
        const name = env[variable];
        if (name)
            return name;
        throw new Error(file === 'STEP_SUMMARY'
            ? 'GITHUB_STEP_SUMMARY is not set: this runner offers no job summary'
            : `${variable} is not set: the runner sets it for every step (runner v2.297.0 or later); ` +
                'run the action under the GitHub Actions runner or set it to a file');
    };
    return {
        write: (text) => void process.stdout.write(text),
        append: (file, text) => external_node_fs_.appendFileSync(fileOf(file), text, { encoding: 'utf8' }),
        appendSummary: async (markdown) => external_node_fs_.promises.appendFile(fileOf('STEP_SUMMARY'), markdown, { encoding: 'utf8' }),
        hasSummary: () => !!env.GITHUB_STEP_SUMMARY,
        fail: () => void (process.exitCode = 1)
    };
}
/** A token the runner accepts: not a command name, not guessable by the tool whose output it fences. */
function stopToken() {
    return `envd-cache-${(0,external_node_crypto_.randomBytes)(16).toString('hex')}`;
}
const messageOf = (m) => (m instanceof Error ? m.toString() : m);
/**
 * The runner's protocol for one step: what it logs, the outputs, state and summary it writes, its exit code,
 * and what it keeps while it runs (the log groups open now, the fenced blocks open now). One per step, made in
 * `src/index.ts` and handed down; nothing of it lives in the module.
 */
class Runner {
    env;
    sink;
    /** The groups open now, innermost last: what a cancelled step says it was doing. */
    openGroups = [];
    /** The tokens of the fenced blocks open now: a cancelled step resumes them before its last line. */
    openFences = [];
    /** Set once the fences were resumed for good (a cancelled step): no tool line follows. */
    fencesClosed = false;
    /** The part of @actions/core's `summary` this action's API mirrors. */
    summary = new Summary(this);
    constructor(
    /** The step's environment: inputs (INPUT_*), state (STATE_*), RUNNER_DEBUG. */
    env = process.env, sink = processSink(env)) {
        this.env = env;
        this.sink = sink;
    }
    issue(name, properties, data) {
        this.sink.write(command(name, properties, data) + external_node_os_.EOL);
    }
    // ---- inputs, outputs, state, environment ----
    /** An input: `INPUT_<NAME>` with spaces as `_` and upper case (hyphens kept), trimmed unless told not to. */
    getInput(name, options = {}) {
        const value = this.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
        if (options.required && !value)
            throw new Error(`Input required and not supplied: ${name}`);
        return options.trimWhitespace === false ? value : value.trim();
    }
    setOutput(name, value) {
        this.sink.append('OUTPUT', `${keyValueBlock(name, value)}${external_node_os_.EOL}`);
    }
    /** State for a later phase of this action, where it reads as STATE_<name>. */
    saveState(name, value) {
        this.sink.append('STATE', `${keyValueBlock(name, value)}${external_node_os_.EOL}`);
    }
    getState(name) {
        return this.env[`STATE_${name}`] || '';
    }
    /** An environment variable for this step and the job's later steps. */
    exportVariable(name, value) {
        const v = runner_text(value);
        this.sink.append('ENV', `${keyValueBlock(name, v)}${external_node_os_.EOL}`);
        this.env[name] = v;
    }
    /** A directory in front of PATH, for this step and the job's later steps. */
    addPath(dir) {
        if (/[\r\n]/.test(dir))
            throw new Error('Unexpected input: a path added to PATH cannot contain a line break');
        this.sink.append('PATH', `${dir}${external_node_os_.EOL}`);
        this.env.PATH = `${dir}${external_node_path_.delimiter}${this.env.PATH ?? ''}`;
    }
    // ---- log ----
    /** The runner replaces this value with *** in every later line of the job's log. */
    setSecret(secret) {
        this.issue('add-mask', {}, secret);
    }
    info(message) {
        this.sink.write(message + external_node_os_.EOL);
    }
    debug(message) {
        this.issue('debug', {}, message);
    }
    /** Whether the run has step debug logging on (RUNNER_DEBUG=1). */
    isDebug() {
        return this.env.RUNNER_DEBUG === '1';
    }
    error(message, properties = {}) {
        this.issue('error', annotation(properties), messageOf(message));
    }
    warning(message, properties = {}) {
        this.issue('warning', annotation(properties), messageOf(message));
    }
    notice(message, properties = {}) {
        this.issue('notice', annotation(properties), messageOf(message));
    }
    startGroup(name) {
        this.issue('group', {}, name);
    }
    endGroup() {
        this.issue('endgroup', {}, '');
    }
    /** The innermost group open now, if any. */
    currentGroup() {
        return this.openGroups[this.openGroups.length - 1];
    }
    /** Runs `fn` inside a foldable group of the log; the group is closed also when `fn` throws. */
    async group(name, fn) {
        this.startGroup(name);
        this.openGroups.push(name);
        try {
            return await fn();
        }
        finally {
            this.openGroups.splice(this.openGroups.lastIndexOf(name), 1);
            this.endGroup();
        }
    }
    /** An error annotation, and the step's exit code 1 (the process is not ended). */
    setFailed(message) {
        this.sink.fail();
        this.error(message);
    }
    /**
     * A tool's output streamed into the log without letting it issue workflow commands. The runner stops reading
     * `::command::` lines after `::stop-commands::<token>` and starts again at `::<token>::`; the token is random,
     * so the tool cannot end the block itself. Nothing else is written inside the block (an annotation there would
     * be inert too), and the block always ends, also when the tool throws.
     */
    async fenced(run, token = stopToken()) {
        this.fenceLine(`::stop-commands::${token}`);
        this.openFences.push(token);
        try {
            return await run({ line: (t) => this.fenceLine(t) });
        }
        finally {
            this.resume(token);
        }
    }
    /** Ends every open block, so that the lines after it are workflow commands again; no tool line follows. */
    resumeFences() {
        for (const token of [...this.openFences].reverse())
            this.resume(token);
        this.fencesClosed = true;
    }
    fenceLine(line) {
        if (!this.fencesClosed)
            this.info(line);
    }
    resume(token) {
        const i = this.openFences.indexOf(token);
        if (i < 0)
            return;
        this.openFences.splice(i, 1);
        this.fenceLine(`::${token}::`);
    }
    // ---- job summary ----
    /** Whether the runner offers a job summary (GITHUB_STEP_SUMMARY). */
    hasSummary() {
        return this.sink.hasSummary();
    }
    /** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
    async appendSummary(markdown) {
        await this.sink.appendSummary(markdown);
    }
}
/** The part of @actions/core's `summary` this action uses: text buffered by addRaw, appended by write. */
class Summary {
    runner;
    buffer = '';
    constructor(runner) {
        this.runner = runner;
    }
    addRaw(text, addEOL = false) {
        this.buffer += text + (addEOL ? external_node_os_.EOL : '');
        return this;
    }
    async write() {
        await this.runner.appendSummary(this.buffer);
        this.buffer = '';
        return this;
    }
}

;// CONCATENATED MODULE: ./src/steps/context.ts



/** A fresh context over `env`; `out` writes the runner's workflow and file commands unless a test hands its own. */
function stepContext(env, out = new Runner(env)) {
    return {
        out,
        env,
        clock: { now: () => Date.now() },
        deadlines: new deadlines/* Deadlines */.Qk(),
        children: new exec/* Children */.y(),
        readers: new Map(),
        histories: new Map(),
        openPrs: new WeakMap()
    };
}
/** Runs a step's `work` so that the requests and children it starts, however deep, report to its context. */
function inStep(ctx, work) {
    return ctx.deadlines.run(() => ctx.children.run(work));
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 5574:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(9407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

//# sourceMappingURL=index.js.map