/**
 * Reads BuildKit's plain progress as envd prints it (envd-cli.md §8): steps, which came from the cache, the
 * cache import and export vertices and their errors. Pure: lines in, figures out.
 *
 * What a step was is said by its last terminal line (`CACHED`, `DONE`, `ERROR`, `CANCELED`) and by what it printed
 * since the one before, its last segment (BuildKit v0.32.2; envd's plain printer is a fork of the same one):
 * - `CACHED`: its result was loaded from a cache (solver/jobs.go:1036-1052, notifyStarted with Cached=true), or
 *   it was marked cached as an input of a step that started (solver/progress.go:110-122). Cached.
 * - `ERROR`: the step failed, or its cached result could not be loaded: loading checks every blob of the chain
 *   (worker/base/worker.go:641-653), so an evicted layer's entry reads `blob sha256:…: not found` (jobs.go:
 *   1376-1386). The record is dropped and the edge loads another or runs the step (solver/edge.go:621-631,
 *   :923-943), so a later `CACHED` or `DONE` ends the error (__tests__/fixtures/buildkit-v0.32.2/progress-evicted-*).
 * - `DONE`: the step ran (jobs.go:1242, Cached=false), or its progress controller reopened it to materialise a
 *   result loaded from the cache for a later step or the exporter (util/progress/controller/controller.go:30-75,
 *   which writes the vertex without Cached). A reopening always prints a status, never a log line: the layer
 *   download `sha256:<hex> …` (cache/remote.go:353-356, util/pull/pullprogress/progress.go:119), `extracting
 *   sha256:<hex>` (cache/refs.go:1371-1373), `merging`/`diffing` (cache/refs.go:1292-1304). So a `DONE` segment
 *   with a status and no log line keeps what the step was before it: cached after `CACHED`, built after a run;
 *   after nothing or an `ERROR`, cached when it pulled a layer and resolved no image (a base image pulled from its
 *   registry is fetched, not cached: `resolve …` status, `docker-image://` name). Any other `DONE` is a run.
 * The plain display prints at most every 100 ms the latest state of a vertex (util/progress/progressui/
 * display.go:82-92, :258-266, :683-685; printer.go:183-205), so a state between two prints may never show: a
 * load and its reopening without `CACHED`, a failed load without `ERROR` (`CACHED` then a bare `DONE`: it ran).
 * Over a cache service slower than that, the steps below the top one print `CACHED` (marked as its inputs) before
 * their own load fails and they run: built (issue 20; captured: __tests__/fixtures/buildkit-v0.32.2/progress-
 * evicted-slow-service.txt).
 *
 * Per step it also keeps its seconds and the tail of its own log (for the step table and the failing step's log,
 * `src/report/steps.ts`).
 * - Seconds: BuildKit's `#N DONE 1.2s` is the sum of the vertex's merged intervals, printed again in full when
 *   a reopened vertex completes (v0.32.2 util/progress/progressui/printer.go:191-205), so the last one counts.
 *   `#N CACHED` and `#N ERROR: …` carry no time (printer.go:183-190): a cached step has 0 s, a failed one the
 *   offset of its last log line (seconds since the vertex started, envd v1.3.4 display.go:565-576), else 0.
 * - Log lines: `#N <t> <text>` belongs to vertex N. A `#0 <t> <text>` line is attributed to the vertex whose
 *   block is open when it is printed: envd formats a log line with its vertex's index when it arrives (0 before
 *   the vertex is first printed, display.go:576) but prints it only inside that vertex's block, after the
 *   header `printVtx` writes when it switches to the vertex (printer.go:62-89, :156-171). A block ends with
 *   `#N DONE|CACHED|ERROR|CANCELED` or `#N ...` (printer.go:67-76, :183-214). A `#0` line outside any open
 *   block cannot be attributed and is dropped.
 * - After the build envd repeats the last 10 log lines of each failed vertex between `------` lines
 *   (`printErrorLogs`, display.go:586-609, called at :101); those repeats are skipped, not counted twice.
 */

/** What a vertex was, by its terminal lines so far (see above). */
type State = 'none' | 'cached' | 'built' | 'error' | 'canceled';

/** What a vertex printed since its last terminal line. */
interface Segment {
  /** A status line: a layer download or extraction, a merge, a transfer (anything but a log line). */
  status: boolean;
  /** A layer download or extraction (`sha256:<hex> …`, `extracting sha256:<hex>`). */
  pulled: boolean;
  /** A log line (`#N 0.512 text`): something ran. */
  logged: boolean;
}

interface Vertex {
  id: number;
  name: string;
  state: State;
  segment: Segment;
  /** It printed `DONE` at least once. */
  done: boolean;
  /** It resolved an image reference: a base image from a registry. */
  resolved: boolean;
  /** The text of its last `ERROR`, while that is its state. */
  error?: string;
  /** The last `ERROR` a later `CACHED` or `DONE` ended: its cached result could not be loaded. */
  loadError?: string;
  /** From its last `DONE <t>s`. */
  seconds?: number;
  /** The offset of its last log line. */
  lastLogAt?: number;
  /** The last LOG_TAIL lines it printed (text only, without `#N <t> `). */
  logs: string[];
}

const NO_SEGMENT: Segment = { status: false, pulled: false, logged: false };

/** How many of a step's last log lines are kept. */
const LOG_TAIL = 30;

export type VertexKind = 'step' | 'import' | 'export' | 'internal';

function kindOf(name: string): VertexKind {
  if (name.startsWith('importing cache manifest from')) return 'import';
  if (/^(exporting |preparing layers for inline cache|writing image|naming to|pushing )/.test(name)) return 'export';
  // BuildKit's own bookkeeping and envd's parse phase; envd names many real build steps "[internal] …".
  if (/^\[internal\] load |^load (build definition|metadata)|^resolve image config|^parse build\.envd/.test(name))
    return 'internal';
  return 'step';
}

export type StepStatus = 'cached' | 'built' | 'failed';

export interface StepFigure {
  /** The vertex name as envd/BuildKit printed it. */
  name: string;
  /** `cached` as counted in `cachedSteps`; `failed` for `ERROR` (and `CANCELED`, see `canceled`); else `built`. */
  status: StepStatus;
  seconds: number;
  /** Stopped because another step failed (`#N CANCELED`), or never finished. */
  canceled?: boolean;
  /** A base image pulled from its registry (`docker-image://…`): fetched, not a step of the cache chain. */
  source: boolean;
  /** BuildKit could not load its cached result (`ERROR`, then loaded another way or run): the error it printed. */
  loadError?: string;
}

export interface ProgressFigures {
  /** Build steps shown (vertices other than BuildKit's bookkeeping, cache imports and exports, and `#0` logs). */
  totalSteps: number;
  /** Of those, the steps that came from a cache, by their last terminal line (see above): never one that ran. */
  cachedSteps: number;
  imports: { name: string; error?: string }[];
  exports: { name: string; error?: string; done: boolean }[];
  /** The last ERROR line of a step, when the build failed in one. */
  stepError?: string;
  /** Every step in the order BuildKit first printed it (the same steps `totalSteps` counts). */
  steps: StepFigure[];
  /** The failing step (the one `stepError` came from) and the last lines it printed. */
  failedLog?: { step: string; lines: string[] };
}

export class Progress {
  private readonly vertices = new Map<number, Vertex>();
  /** The vertex whose block is open: a `#0` log line belongs to it. */
  private current?: Vertex;
  /** Inside envd's closing recap of failed vertices (`------` … `------`). */
  private inRecap = false;

  push(line: string): void {
    const trimmed = line.trimEnd();
    if (trimmed === '------') {
      this.inRecap = !this.inRecap;
      this.current = undefined;
      return;
    }
    if (this.inRecap) return;
    const m = /^#(\d+) (.*)$/.exec(trimmed);
    if (!m) return;
    const id = Number(m[1]);
    const text = m[2];
    // envd numbers a log line with its vertex's index when the log arrives, and a vertex not printed yet has
    // index 0 (envd v1.3.4 pkg/progress/progressui/display.go:576, printer.go:62-65, :160): `#0` is never a vertex.
    if (id === 0) {
      if (this.current) this.log(this.current, text);
      return;
    }
    const v = this.vertices.get(id);
    if (!v) {
      const created: Vertex = {
        id,
        name: text,
        state: 'none',
        segment: { ...NO_SEGMENT },
        done: false,
        resolved: false,
        logs: []
      };
      this.vertices.set(id, created);
      this.current = created;
      return;
    }
    this.current = v;
    if (text === 'CACHED') this.end(v, 'cached');
    else if (/^DONE\b/.test(text)) {
      v.done = true;
      const t = /^DONE (\d+(?:\.\d+)?)s$/.exec(text);
      if (t) v.seconds = Number(t[1]);
      this.end(v, doneState(v));
    } else if (/^ERROR[: ]/.test(text)) {
      this.end(v, 'error');
      v.error = text.slice('ERROR'.length).replace(/^:/, '').trim();
    } else if (text === 'CANCELED') this.end(v, 'canceled');
    else if (text === '...') {
      // printVtx switches to another vertex (printer.go:67-76); the block is not over
    } else if (text.startsWith('WARN: ')) {
      // a warning of the step (printer.go:140-143), not a status of a reopening
    } else if (/^\d+\.\d+( |$)/.test(text)) {
      // BuildKit prints a log line's time with a decimal point (%.3f/%.2f/%.1f, display.go:568-576).
      this.log(v, text);
    } else {
      v.segment.status = true;
      if (/^(extracting )?sha256:[0-9a-f]{64}\b/.test(text)) v.segment.pulled = true;
      else if (text.startsWith('resolve ')) v.resolved = true;
    }
    if (text === '...') this.current = undefined;
  }

  /** A terminal line: the vertex's block is over, and with it the segment. */
  private end(v: Vertex, state: State): void {
    if (v.state === 'error' && (state === 'cached' || state === 'built')) v.loadError = v.error;
    if (state !== 'error') v.error = undefined;
    v.state = state;
    v.segment = { ...NO_SEGMENT };
    this.current = undefined;
  }

  private log(v: Vertex, text: string): void {
    const m = /^(\d+\.\d+)(?: (.*))?$/.exec(text);
    if (!m) return;
    v.segment.logged = true;
    v.lastLogAt = Number(m[1]);
    v.logs.push(m[2] ?? '');
    if (v.logs.length > LOG_TAIL) v.logs.shift();
  }

  figures(): ProgressFigures {
    const all = [...this.vertices.values()];
    const steps = all.filter((v) => kindOf(v.name) === 'step');
    const failed = steps.filter((v) => v.error);
    const last = failed[failed.length - 1];
    return {
      totalSteps: steps.length,
      cachedSteps: steps.filter((v) => v.state === 'cached').length,
      // envd adds its own importer for dev images (…/python-cache:envd-<version>); its misses are routine.
      imports: all
        .filter((v) => kindOf(v.name) === 'import' && !/\/python-cache:envd-/.test(v.name))
        .map((v) => ({ name: v.name, error: v.error })),
      exports: all
        .filter((v) => kindOf(v.name) === 'export' && v.name !== 'exporting to image')
        .map((v) => ({ name: v.name, error: v.error, done: v.done })),
      stepError: last?.error,
      steps: steps.map(stepOf),
      failedLog: last ? { step: last.name, lines: [...last.logs] } : undefined
    };
  }
}

const isSource = (v: Vertex) => v.resolved || /docker-image:\/\//.test(v.name);

/** What a `DONE` says the vertex was, from what it printed since its last terminal line (see the header). */
function doneState(v: Vertex): State {
  const { status, pulled, logged } = v.segment;
  if (logged || !status) return 'built';
  if (v.state === 'cached' || v.state === 'built') return v.state;
  return pulled && !isSource(v) ? 'cached' : 'built';
}

function stepOf(v: Vertex): StepFigure {
  const source = isSource(v);
  const load = v.loadError ? { loadError: v.loadError } : {};
  if (v.state === 'error') return { name: v.name, status: 'failed', seconds: v.seconds ?? v.lastLogAt ?? 0, source };
  if (v.state === 'cached') return { name: v.name, status: 'cached', seconds: v.seconds ?? 0, source, ...load };
  // Stopped because another step failed, or never finished (envd ended first).
  if (v.state !== 'built')
    return { name: v.name, status: 'failed', seconds: v.seconds ?? v.lastLogAt ?? 0, canceled: true, source };
  return { name: v.name, status: 'built', seconds: v.seconds ?? 0, source, ...load };
}
