export const id = 736;
export const ids = [736];
export const modules = {

/***/ 6736:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   onCancel: () => (/* binding */ onCancel)
/* harmony export */ });
/** The latest the process exits after the signal, whatever is still running (post stops buildkitd). */
const HARD_EXIT_MS = 7000;
function onCancel({ out, children }, report, startedAt = Date.now()) {
    let cancelling = false;
    const handle = (signal) => {
        if (cancelling)
            return;
        cancelling = true;
        setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
        const c = {
            signal,
            seconds: Math.round((Date.now() - startedAt) / 1000),
            during: out.currentGroup()
        };
        const stopped = children.stopAll();
        out.resumeFences();
        out.setFailed(report.line(c));
        void stopped
            .then(() => (out.hasSummary() ? out.appendSummary(report.summary(c)) : undefined))
            .catch(() => undefined)
            .finally(() => process.exit(1));
    };
    process.on('SIGINT', () => handle('SIGINT'));
    process.on('SIGTERM', () => handle('SIGTERM'));
}


/***/ })

};

//# sourceMappingURL=736.index.js.map