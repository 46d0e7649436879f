/**
 * The build, outside dry-run: tools, builder, envd context, `envd build` with progress under the watchdog of
 * `cache-timeout`, and the attempts after a stalled import or an unreadable or evicted cached layer (attempts.ts). Everything started is recorded in state for the post step.
 */
import type { Runner } from '../io/runner.js';
import * as path from 'node:path';
import {
  awaitBuildkitd,
  type BuilderHandle,
  publishShared,
  recordsDir,
  rootViaAsync,
  type RootVia,
  spawnBuildkitd,
  startContainer,
  stopBuilder
} from '../io/buildkit/builder.js';
import { startRemote } from './fleet.js';
import type { FleetChoice } from '../fleet/choice.js';
import { type BuildCallOptions, envdBuildCall, showArgs } from '../envd/args.js';
import { homeOf, randomHex, workspaceOf, writeFileIn } from '../io/dirs.js';
import { Envd, envdEnv } from '../io/envd.js';
import { envdErrorLine } from '../envd/errors.js';
import { CacheWatch, failedOutcome } from '../envd/watchdog.js';
import { watched, watchEvery } from '../io/watchdog.js';
import { type Attempt, runAttempts } from './attempts.js';
import { Progress } from '../envd/progress.js';
import { STABLE_PUBLIC_KEY } from '../envd/ssh-key.js';
import type { Inputs } from '../inputs/inputs.js';
import { buildkitFloorMisses } from '../backends/buildkit.js';
import type { Plan } from '../plan/plan.js';
import type { Runtime } from '../runtime/runtime.js';
import { annotationText, failureLog } from '../report/steps.js';
import { echo, MAX_SENTENCE } from '../text/text.js';
import type { StepContext } from './context.js';
import { StateKey, type StateStore } from '../state.js';
import type { LocalSave } from '../io/local/local-cache.js';
import type { OciServer } from '../io/local/oci-server.js';
import { servedLocalCache } from '../plan/local-serve.js';
import { installTools, logTools, type Tools } from './tools.js';
import { inPhases, type WriteGate } from './write.js';
import { type AutoStart, type CachedBuilderStart, readyTimeoutOf, startAuto, workDir } from './prepare.js';
import type { BuildReport } from '../report/build-report.js';
import { beginMounts, type Mounts, restoreMounts, saveMounts } from './mounts.js';

export type { BuildReport };

export class BuildFailure extends Error {
  constructor(
    readonly report: BuildReport,
    message: string
  ) {
    super(message);
  }
}

/** What the build is given besides the step's context: the plan, and `state`, where everything started is recorded for the post step. */
export interface BuildRequest {
  plan: Plan;
  inputs: Inputs;
  rt: Runtime;
  state: StateStore;
  /**
   * What main started while the budget was read (`startCachedBuilder`): its work dir, tools and buildkitd are used
   * here, with the same groups and lines as when the build does the work itself.
   */
  prepared?: CachedBuilderStart;
  /** Issue 20: build with the import only, then ask this whether and how to write (steps/write.ts). */
  writeGate?: WriteGate;
}

export async function build(
  step: StepContext,
  { plan: planned, inputs, rt, state, prepared, writeGate }: BuildRequest
): Promise<BuildReport> {
  const { env, out } = step;
  const dir = prepared?.dir ?? workDir(env, state);
  // cache-mounts: the saved package caches download while the tools are found and buildkitd starts.
  const mounts = beginMounts(planned, { env, mask: (secret) => out.setSecret(secret) });
  // Whether buildkitd can run as root (sudo -n on a hosted runner) is asked now and answered while the tools
  // are found and a local cache restored, not in the way of the start.
  const rootVia = prepared?.rootVia ?? (inputs.builder.kind === 'auto' ? rootViaAsync() : undefined);
  const tools = await out.group('Install envd and BuildKit', async () =>
    prepared ? logTools(out, prepared.tools) : installTools(step, inputs, rt, dir)
  );
  const toolEnv = envdEnv(env, [tools.envd.dir, tools.buildkit.dir]);
  const readyTimeoutMs = readyTimeoutOf(env);

  // cache: local — restore the directory and serve it, so BuildKit imports it as a registry cache.
  let plan = planned;
  let configInline = inputs.buildkitdConfigInline;
  let restoredKey: string | undefined;
  let server: OciServer | undefined;
  // builder: auto started by main (prepared) or, for cache: local, before the restore below.
  let early: Promise<AutoStart> | undefined = prepared?.start;
  // What runs only while the build does (the TLS relay to a remote builder), closed when it ends.
  const closers: (() => Promise<void>)[] = [];
  try {
    if (plan.local) {
      // Relative directories resolve against the workspace, as envd resolves the export's dest.
      const workspace = workspaceOf(env);
      const local = {
        ...plan.local,
        dir: path.resolve(workspace, plan.local.dir),
        exportDir: path.resolve(workspace, plan.local.exportDir)
      };
      // Loaded only for cache: local: @actions/cache and the Azure SDK are most of the bundle's start-up time.
      const { claimLocal, hasLayout, restoreLocal, serveLocal, surroundingsOf } =
        await import('../io/local/local-cache.js');
      // The directories are checked before anything starts; the server listens on the (still empty) directory
      // first, so that buildkitd, told its address, starts while the restore runs.
      claimLocal(local, surroundingsOf(workspace, homeOf(env)));
      server = await serveLocal(local);
      const served = servedLocalCache({ plan, configInline, host: server.host });
      configInline = served.configInline;
      if (inputs.builder.kind === 'auto') {
        early = startAuto({ tools, inputs, env, toolEnv, configInline, readyTimeoutMs, rootVia, state });
        early.catch(() => undefined); // awaited (and its error reported) after the restore
      }
      const host = server.host;
      await out.group('Restore the local cache', async () => {
        restoredKey = await restoreLocal(out, local);
        if (hasLayout(local)) out.info(`Serving ${echo(local.dir)} read-only at http://${host} for the import`);
      });
      if (hasLayout(local)) {
        plan = served.plan;
        if (inputs.builder.kind === 'docker-container')
          out.warning(
            "cache: local with builder: docker-container: the container cannot reach the cache served on the runner's 127.0.0.1, so the import will miss. Use builder: auto"
          );
      } else {
        await server.close();
        server = undefined;
      }
    }
    return await buildWith({
      step,
      request: { plan, inputs, rt, state, writeGate },
      builder: { dir, tools, toolEnv, readyTimeoutMs, configInline, rootVia, early, closers },
      restored: { localKey: restoredKey, mounts }
    });
  } finally {
    for (const close of closers) await close();
    await server?.close();
  }
}

/** The builder to start or reuse: its directory, tools and configuration, and what was begun for it already. */
interface BuilderSetup {
  /** The run's private directory (socket, config, log, public key). */
  dir: string;
  tools: Tools;
  toolEnv: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  configInline: string;
  /** builder: auto — rootViaAsync, asked at the start of the build. */
  rootVia?: Promise<RootVia>;
  /** builder: auto with cache: local — the buildkitd found or spawned before the restore. */
  early?: Promise<AutoStart>;
  /** Called when the build is over: what startBuilder keeps open for it. */
  closers: (() => Promise<void>)[];
}

/**
 * Everything the build needs once the tools are installed and a local cache is served: the step, the request
 * (its plan the one that imports from the served cache), the builder, and what the caches restored.
 */
interface BuildRun {
  step: StepContext;
  request: BuildRequest;
  builder: BuilderSetup;
  restored: { localKey?: string; mounts?: Mounts };
}

async function buildWith(run: BuildRun): Promise<BuildReport> {
  const { env, out, clock } = run.step;
  const { plan: planned, inputs, rt, state, writeGate } = run.request;
  const { dir, tools, toolEnv } = run.builder;
  const { localKey, mounts } = run.restored;
  const envd = new Envd(path.join(tools.envd.dir, 'envd'), toolEnv);
  state.save(StateKey.EnvdBinary, envd.binary);
  state.save(StateKey.EnvdPath, toolEnv.PATH ?? '');
  const envdVersion = tools.envd.tag === 'system' ? await envd.version() : tools.envd.tag;
  const keyFile = writeFileIn(dir, 'envd-public-key.pub', STABLE_PUBLIC_KEY);
  const context = `envd-cache-action-${rt.runId || 'local'}-${randomHex(3)}`;
  const createContext = async (h: BuilderHandle) => {
    await envd.createContext(context, h.envdBuilder, h.envdAddress);
    state.save(StateKey.Context, context);
  };

  const { h: builder, choice, restart } = await out.group('Start the builder', () => startBuilder(run, createContext));
  for (const miss of buildkitFloorMisses([planned.export?.type, planned.import?.type], builder.version || undefined)) {
    if (miss.status === 'too-old') throw new Error(miss.floor.builderProblem(builder.buildctlAddr, builder.version!));
    out.warning(miss.floor.unknownWarning(builder.buildctlAddr));
  }
  out.info(`envd ${envdVersion}: context ${context} → ${builder.envdBuilder}://${builder.envdAddress}`);
  const buildctl = { buildctl: path.join(tools.buildkit.dir, 'buildctl'), addr: builder.buildctlAddr, env: toolEnv };
  if (mounts) await restoreMounts(out, mounts, buildctl);

  const started = clock.now();
  const call = {
    publicKeyFile: keyFile,
    buildkitdImage: `docker.io/moby/buildkit:${tools.buildkit.tag}`,
    cwd: workspaceOf(env)
  };
  const { attempt, retried, plan } = await inPhases(run.step, planned, writeGate, (p) =>
    runAttempts(
      out,
      p,
      (withImport, withExport) =>
        runOnce(out, envd, withExport ? p : { ...p, export: undefined }, {
          ...call,
          withImport,
          cacheTimeoutMs: inputs.cacheTimeoutMs
        }),
      restart
    )
  );
  const report: BuildReport = {
    plan,
    envdVersion,
    buildkitVersion: builder.version,
    builder: builder.kind,
    fleet: choice,
    reusedBuilder: builder.reused,
    figures: attempt.figures,
    seconds: (clock.now() - started) / 1000,
    retriedWithoutImport: retried,
    failure: attempt.failure
  };
  reportAttempt(out, report, state);
  if (mounts) report.mounts = await saveMounts(out, mounts, buildctl, report);
  if (plan.local && plan.export) {
    const save: LocalSave = {
      ...plan.local,
      restoredKey: localKey,
      workspace: workspaceOf(env),
      home: homeOf(env)
    };
    state.save(StateKey.LocalSave, JSON.stringify(save));
  }
  return report;
}

/** The builder the inputs ask for: a running one at an address, buildkitd on the runner (found or spawned), or a container. */
async function startBuilder(
  run: BuildRun,
  createContext: (h: BuilderHandle) => Promise<void>
): Promise<{ h: BuilderHandle; choice?: FleetChoice; restart?: () => Promise<void> }> {
  const { env, out } = run.step;
  const { inputs, state } = run.request;
  const { dir, tools, toolEnv, readyTimeoutMs, configInline, rootVia, early } = run.builder;
  const b = inputs.builder;
  let h: BuilderHandle;
  let choice: FleetChoice | undefined;
  let restart: (() => Promise<void>) | undefined;
  if (b.kind === 'address') {
    const remote = await startRemote({
      addresses: b.addresses,
      tls: b.tls,
      scope: run.request.plan.scope,
      dir,
      binDir: tools.buildkit.dir,
      env: toolEnv,
      cwd: workspaceOf(env),
      out
    });
    if (remote.relay) run.builder.closers.push(remote.relay.close);
    ({ h, choice } = remote);
    await createContext(h);
  } else if (b.kind === 'auto') {
    const start = await (early ??
      startAuto({ tools, inputs, env, toolEnv, configInline, readyTimeoutMs, rootVia, state }));
    h = start.h;
    if (!start.own) {
      out.info(
        `Reusing the buildkitd ${echo(h.version ?? '')} (pid ${h.pid}) an earlier call in this job started, with its local cache; that call's post step stops it`
      );
      await createContext(h);
    } else {
      for (const n of start.notReused)
        out.info(
          `Starting a buildkitd of its own: not the one (pid ${n.pid ?? 'unknown'}) an earlier call in this job started, because ${n.why}`
        );
      // The context needs only the address: create it while buildkitd comes up.
      await Promise.all([awaitBuildkitd(h, start.own), createContext(h)]);
      // Only an answering buildkitd is offered to later calls.
      publishShared(h, start.wish, recordsDir(env));
      state.save(StateKey.Builder, JSON.stringify(h));
      const own = start.own;
      restart = () => restartOwn(run, h, { ...start, own });
    }
  } else {
    const common = {
      binDir: tools.buildkit.dir,
      workDir: dir,
      configInline,
      flags: inputs.buildkitdFlags,
      readyTimeoutMs,
      env: toolEnv
    };
    h = await startContainer({
      ...common,
      image: `moby/buildkit:${tools.buildkit.tag}`,
      name: `envd-cache-${randomHex(4)}`
    });
    h.version = tools.buildkit.tag;
    state.save(StateKey.Builder, JSON.stringify(h));
    await createContext(h);
  }
  out.info(
    `${h.kind === 'address' || h.reused ? 'Using' : 'Started'} buildkitd ${h.version ?? '(version unknown)'} at ${h.buildctlAddr}`
  );
  return { h, choice, restart };
}

/**
 * Restarts the buildkitd this call spawned, in place (the same socket, root and local cache), before the attempt
 * after a stalled cache request: BuildKit v0.32.2 runs no further solve once a stalled gha import was cancelled.
 * A builder this call did not start (an address, an earlier call's, a container) is left as it is.
 */
async function restartOwn(
  { step, request: { state }, builder }: BuildRun,
  h: BuilderHandle,
  start: AutoStart & { own: NonNullable<AutoStart['own']> }
): Promise<void> {
  const old = h.pid;
  await stopBuilder(h, builder.toolEnv);
  const fresh = spawnBuildkitd({ ...start.own, rootVia: await builder.rootVia });
  Object.assign(h, { pid: fresh.pid, pidFile: fresh.pidFile, logFile: fresh.logFile });
  state.save(StateKey.Builder, JSON.stringify(h));
  await awaitBuildkitd(h, start.own);
  // Through sudo the pid recorded above is sudo's until buildkitd answers: record its own, as the first start does.
  state.save(StateKey.Builder, JSON.stringify(h));
  publishShared(h, start.wish, recordsDir(step.env));
  step.out.info(
    `Restarted buildkitd (pid ${old ?? 'unknown'} → ${h.pid ?? 'unknown'}): a stalled cache request leaves BuildKit unable to run another build`
  );
}

/** Warns of each failed import and export, and stops on a failed build (recorded for post, annotated with its log). */
function reportAttempt(out: Runner, report: BuildReport, state: StateStore): void {
  const { figures, failure } = report;
  for (const i of figures.imports.filter((x) => x.error))
    out.warning(`${echo(i.name)} failed: ${echo(i.error ?? '', MAX_SENTENCE)}. The build went on without that cache.`);
  for (const e of figures.exports.filter((x) => x.error))
    out.warning(`${echo(e.name)} failed: ${echo(e.error ?? '', MAX_SENTENCE)}`);
  if (!failure) return;
  state.save(StateKey.BuildFailed, 'true');
  const known = failure.known;
  out.error(annotationText({ line: failure.line, advice: known?.advice, log: failure.log }), {
    title: known ? `envd build failed: ${known.title}` : 'envd build failed'
  });
  throw new BuildFailure(report, `envd build failed: ${failure.line}`);
}

async function runOnce(
  out: Runner,
  envd: Envd,
  plan: Plan,
  { cacheTimeoutMs, ...callOptions }: BuildCallOptions & { cacheTimeoutMs: number }
): Promise<Attempt> {
  const { cwd, withImport } = callOptions;
  const call = envdBuildCall(plan, callOptions);
  const progress = new Progress();
  const watch = new CacheWatch(cacheTimeoutMs, Date.now());
  const { result, stall } = await out.group(`envd build${withImport ? '' : ' (without --import-cache)'}`, async () => {
    out.info(showArgs('envd', call.shown));
    // envd's output (and the build steps' output inside it) is shown, but it cannot issue workflow commands.
    return out.fenced((fence) =>
      watched(
        (stop) =>
          envd.build(call.args, cwd, {
            onStdout: (line) => {
              progress.push(line);
              watch.push(line, Date.now());
              fence.line(line);
            },
            onStderr: (line) => {
              watch.push(line, Date.now());
              fence.line(line);
            },
            stop
          }),
        (now) => watch.stall(now),
        watchEvery(cacheTimeoutMs)
      )
    );
  });
  const figures = progress.figures();
  if (stall) return { figures, failure: undefined, outcome: { kind: 'stalled', stall } };
  if (result.code === 0) return { figures, failure: undefined, outcome: { kind: 'ok' } };
  const line =
    figures.stepError && !/level=fatal/.test(result.stderr) ? figures.stepError : envdErrorLine(result.stderr);
  const outcome = failedOutcome(line, { allText: result.stdout + result.stderr, pushing: watch.pushing() });
  const known = outcome.kind === 'failed' ? outcome.known : undefined;
  return { figures, failure: { line, known, log: failureLog(figures, result.stderr) }, outcome };
}
