export const id = 736;
export const ids = [736];
export const modules = {

/***/ 6736:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   onCancel: () => (/* binding */ onCancel)
/* harmony export */ });
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1068);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9867);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9334);
/**
 * The main step's answer to cancellation. The runner sends a cancelled step (a cancelled run, `timeout-minutes`)
 * SIGINT, then SIGTERM 7.5 s later and SIGKILL 2.5 s after that, to the step's own process only
 * (actions/runner src/Runner.Sdk/ProcessInvoker.cs, `_sigintTimeout`, `_sigtermTimeout`). Without a handler Node
 * ends at once and envd, a child in its own right, goes on building. Here: every child the step ran is stopped as
 * Ctrl-C would (Exec.stopAll), the open fenced block is ended, one line and the job summary are written, and the
 * process exits, well inside the 7.5 s.
 */



/** The latest the process exits after the signal, whatever is still running (post stops buildkitd). */
const HARD_EXIT_MS = 7000;
function onCancel(report, startedAt = Date.now()) {
    let cancelling = false;
    const handle = (signal) => {
        if (cancelling)
            return;
        cancelling = true;
        setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
        const c = {
            signal,
            seconds: Math.round((Date.now() - startedAt) / 1000),
            during: _runner_js__WEBPACK_IMPORTED_MODULE_0__.currentGroup()
        };
        const stopped = _exec_js__WEBPACK_IMPORTED_MODULE_1__/* .Exec */ .W.stopAll();
        _log_js__WEBPACK_IMPORTED_MODULE_2__/* .Log */ .tG.resumeAll();
        _runner_js__WEBPACK_IMPORTED_MODULE_0__.setFailed(report.line(c));
        void stopped
            .then(() => (process.env.GITHUB_STEP_SUMMARY ? _runner_js__WEBPACK_IMPORTED_MODULE_0__.appendSummary(report.summary(c)) : undefined))
            .catch(() => undefined)
            .finally(() => process.exit(1));
    };
    process.on('SIGINT', () => handle('SIGINT'));
    process.on('SIGTERM', () => handle('SIGTERM'));
}


/***/ }),

/***/ 9867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ Exec)
/* harmony export */ });
/* unused harmony export STOP_GRACE_MS */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
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
/** Every child `run` started that has not ended, for `stopAll`. */
const running = new Set();
let cancelled = false;
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
        if (cancelled)
            return new Promise(() => undefined);
        return new Promise((resolve) => {
            const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, args, {
                env: options.env ?? process.env,
                cwd: options.cwd,
                stdio: ['ignore', 'pipe', 'pipe']
            });
            running.add(child);
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
                running.delete(child);
                options.stop?.removeEventListener('abort', onStop);
                if (timer)
                    clearTimeout(timer);
                return !cancelled;
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
    /**
     * The step is cancelled: every child `run` started is stopped as Ctrl-C would (SIGINT, SIGTERM, SIGKILL,
     * `graceMs` apart), nothing new starts, and no stopped call returns. Resolves when all have ended.
     */
    static stopAll(graceMs = STOP_GRACE_MS) {
        cancelled = true;
        const children = [...running];
        return Promise.all(children.map((child) => new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null)
                return resolve();
            child.once('close', () => resolve());
            stopChild(child, graceMs);
        }))).then(() => undefined);
    }
    /** Starts a long-running process that outlives this step; its output goes to logFile. Returns its pid. */
    static spawnDetached(cmd, args, options) {
        const fd = node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync(options.logFile, 'a');
        try {
            const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, args, { env: options.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
            if (child.pid === undefined)
                throw new Error(`could not start ${cmd}`);
            child.unref();
            return child.pid;
        }
        finally {
            node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync(fd);
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
            return !/^\d+ \(.*\) Z/.test(node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(`/proc/${pid}/stat`, 'utf8'));
        }
        catch {
            return true; // no /proc (macOS): the signal check is all there is
        }
    }
    /** Signals a process (through sudo when it was started with sudo). */
    static kill(pid, signal, sudo = false) {
        if (sudo)
            (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawnSync)('sudo', ['-n', 'kill', `-${signal}`, String(pid)], { stdio: 'ignore' });
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
        return (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawnSync)('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? 'sudo' : undefined;
    }
}


/***/ }),

/***/ 9334:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   tG: () => (/* binding */ Log)
/* harmony export */ });
/* unused harmony exports stopToken, safeLog */
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1068);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8544);
/**
 * Output of a tool, streamed into the step's log without letting it issue workflow commands. The runner
 * stops reading `::command::` lines after `::stop-commands::<token>` and starts again at `::<token>::`; the
 * token is random, so the tool cannot end the block itself. The action writes nothing else inside the block
 * (an annotation there would be inert too), and always resumes, also when the tool throws.
 */



/** A token the runner accepts: not a command name, not guessable by the tool whose output it fences. */
function stopToken() {
    return `envd-cache-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomBytes)(16).toString('hex')}`;
}
class Log {
    /** Where the block's lines go; a seam for tests. */
    static write = (text) => _runner_js__WEBPACK_IMPORTED_MODULE_0__.info(text);
    /** The tokens of the blocks open now: a cancelled step resumes them before its last line (`resumeAll`). */
    static open = [];
    static async fenced(run, token = stopToken()) {
        Log.write(`::stop-commands::${token}`);
        Log.open.push(token);
        try {
            return await run({ line: (text) => Log.write(text) });
        }
        finally {
            Log.resume(token);
        }
    }
    /** Ends every open block, so that the lines after it are workflow commands again; no tool line follows. */
    static resumeAll() {
        for (const token of [...Log.open].reverse())
            Log.resume(token);
        Log.write = () => undefined;
    }
    static resume(token) {
        const i = Log.open.indexOf(token);
        if (i < 0)
            return;
        Log.open.splice(i, 1);
        Log.write(`::${token}::`);
    }
}
/**
 * A logger for lines that carry values from outside (cache keys from the GitHub cache, which any pull
 * request run can write; refs; error texts): each line is echoed, so it cannot start a workflow command.
 */
const safeLog = {
    info: (message) => _runner_js__WEBPACK_IMPORTED_MODULE_0__.info((0,_text_text_js__WEBPACK_IMPORTED_MODULE_2__/* .echo */ .WI)(message, _text_text_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_SENTENCE */ .Rt)),
    debug: (message) => _runner_js__WEBPACK_IMPORTED_MODULE_0__.debug((0,_text_text_js__WEBPACK_IMPORTED_MODULE_2__/* .echo */ .WI)(message, _text_text_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_SENTENCE */ .Rt))
};


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

//# sourceMappingURL=736.index.js.map