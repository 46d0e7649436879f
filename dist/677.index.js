export const id = 677;
export const ids = [677];
export const modules = {

/***/ 2677:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post),
/* harmony export */   realPostIo: () => (/* binding */ realPostIo)
/* harmony export */ });
/* harmony import */ var _io_buildkit_builder_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5539);
/* harmony import */ var _io_dirs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1789);
/* harmony import */ var _io_envd_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3883);
/* harmony import */ var _io_local_owned_dirs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7322);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2462);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9056);
/**
 * The post step: always runs, also after a failed main step. Stops what main started, shows buildkitd's log
 * when the build failed, removes the envd context and the private directory. Never fails the job itself.
 *
 * It loads only what its path needs: the runner's protocol (io/runner.ts, small), the builder and envd; the
 * local cache save (with @actions/cache) only when there is one.
 */






const realPostIo = {
    builderLogTail: (h) => (0,_io_buildkit_builder_js__WEBPACK_IMPORTED_MODULE_0__/* .builderLogTail */ .y_)(h),
    stopBuilder: (h, env) => (0,_io_buildkit_builder_js__WEBPACK_IMPORTED_MODULE_0__/* .stopBuilder */ .QP)(h, env),
    releaseShared: (h, env) => (0,_io_buildkit_builder_js__WEBPACK_IMPORTED_MODULE_0__/* .releaseShared */ .vw)(h, env),
    removeContext: (binary, env, context) => new _io_envd_js__WEBPACK_IMPORTED_MODULE_2__/* .Envd */ .s(binary, env).removeContext(context)
};
function post(ctx, deps) {
    return (0,_context_js__WEBPACK_IMPORTED_MODULE_5__/* .inStep */ .q)(ctx, () => postStep(ctx, deps));
}
async function postStep({ env: stepEnv, out }, { state, io }) {
    const getState = (name) => state.get(name);
    const jsonState = (name, consequence) => savedJson(out, getState(name), name, consequence);
    const builder = jsonState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.Builder, 'buildkitd is not stopped by this step');
    const failed = getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.BuildFailed) === 'true';
    if (builder && failed) {
        const log = io.builderLogTail(builder);
        if (log) {
            // buildkitd's log quotes what the build did: fenced, so no line of it can issue a workflow command.
            await out.group('buildkitd log (the build failed)', () => out.fenced(async (fence) => log.split('\n').forEach((l) => fence.line(l))));
        }
    }
    const context = getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.Context);
    const envdBinary = getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.EnvdBinary);
    // The envd context is a file of envd's (ContextRemove edits its contexts file, pkg/home/context.go:120-132 at
    // v1.3.4; it never calls the builder), so it and the daemon are undone at once, reported in the same order as always.
    const stopping = builder && !builder.reused && builder.kind !== 'address' ? io.stopBuilder(builder, stepEnv) : undefined;
    if (context && envdBinary) {
        const env = { ...stepEnv, PATH: getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.EnvdPath) || stepEnv.PATH, ENVD_ANALYTICS: 'false' };
        const problem = await io.removeContext(envdBinary, env, context);
        if (problem)
            out.warning(problem);
        else
            out.info(`Removed envd context ${context}`);
    }
    if (builder?.reused) {
        // Post steps run in reverse order: the call that started it runs its post step after this one.
        out.info(`Left buildkitd (pid ${builder.pid}) running for the call that started it; its post step stops it`);
    }
    else if (builder && stopping) {
        await stopping;
        out.info(builder.container ? `Removed container ${builder.container}` : `Stopped buildkitd (pid ${builder.pid})`);
        const problem = await io.releaseShared(builder, stepEnv);
        if (problem)
            out.warning(problem);
    }
    const localSave = jsonState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.LocalSave, 'the local cache is not saved');
    if (localSave) {
        const { saveLocal } = await __webpack_require__.e(/* import() */ 930).then(__webpack_require__.bind(__webpack_require__, 1930));
        await out.group('Save the local cache', () => saveLocal(out, localSave));
    }
    const dir = getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .StateKey */ .z.WorkDir);
    if (dir) {
        // Only the private directory main created and marked: never a path state could point elsewhere.
        const kept = (0,_io_local_owned_dirs_js__WEBPACK_IMPORTED_MODULE_3__/* .releaseDir */ .ZI)(dir, (0,_io_local_owned_dirs_js__WEBPACK_IMPORTED_MODULE_3__/* .surroundingsOf */ .ZD)((0,_io_dirs_js__WEBPACK_IMPORTED_MODULE_1__/* .workspaceOf */ .B3)(stepEnv), (0,_io_dirs_js__WEBPACK_IMPORTED_MODULE_1__/* .homeOf */ .lt)(stepEnv)));
        if (kept)
            out.warning(`The action's private directory was not removed: ${kept}`);
    }
}
/**
 * A record main saved as JSON. The runner hands it back as it was written, so text that does not parse is a
 * defect: post says what it cannot do and carries on with the rest of its clean-up instead of stopping there.
 */
function savedJson(out, text, name, consequence) {
    if (!text)
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        out.warning(`The state main saved as ${name} is not JSON (${text.length} characters): ${consequence}`);
        return undefined;
    }
}


/***/ })

};

//# sourceMappingURL=677.index.js.map