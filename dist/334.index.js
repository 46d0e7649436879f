export const id = 334;
export const ids = [334];
export const modules = {

/***/ 9334:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Log: () => (/* binding */ Log),
/* harmony export */   safeLog: () => (/* binding */ safeLog),
/* harmony export */   stopToken: () => (/* binding */ stopToken)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _report_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5655);
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
    static write = (text) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.info(text);
    static async fenced(run, token = stopToken()) {
        Log.write(`::stop-commands::${token}`);
        try {
            return await run({ line: (text) => Log.write(text) });
        }
        finally {
            Log.write(`::${token}::`);
        }
    }
}
/**
 * A logger for lines that carry values from outside (cache keys from the GitHub cache, which any pull
 * request run can write; refs; error texts): each line is echoed, so it cannot start a workflow command.
 */
const safeLog = {
    info: (message) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.info((0,_report_text_js__WEBPACK_IMPORTED_MODULE_2__/* .echo */ .WI)(message, _report_text_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_SENTENCE */ .Rt)),
    debug: (message) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.debug((0,_report_text_js__WEBPACK_IMPORTED_MODULE_2__/* .echo */ .WI)(message, _report_text_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_SENTENCE */ .Rt))
};


/***/ })

};

//# sourceMappingURL=334.index.js.map