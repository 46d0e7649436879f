export const id = 594;
export const ids = [594];
export const modules = {

/***/ 6594:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cancelledLine: () => (/* binding */ cancelledLine),
/* harmony export */   cancelledSummary: () => (/* binding */ cancelledSummary)
/* harmony export */ });
/* harmony import */ var _text_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8544);
/** What a cancelled main step writes: one line and the job summary (issue 21 item 4). Pure. */

const duringText = (c) => (c.during ? (0,_text_text_js__WEBPACK_IMPORTED_MODULE_0__/* .echo */ .WI)(c.during) : 'the start (inputs, budget, plan)');
function cancelledLine(c) {
    return `Cancelled (${c.signal}) after ${c.seconds} s, during ${duringText(c)}: envd and every tool this step ran were stopped; the post step stops buildkitd and removes what main made.`;
}
function cancelledSummary(c) {
    return [
        '### envd build: cancelled',
        '',
        `Cancelled after ${c.seconds} s, during ${(0,_text_text_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(duringText(c))} (${c.signal}). envd was stopped as Ctrl-C would stop it, which ends its build in buildkitd; nothing was built or exported after that. The post step stops buildkitd.`,
        ''
    ].join('\n');
}


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

//# sourceMappingURL=594.index.js.map