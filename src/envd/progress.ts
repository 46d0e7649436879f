/**
 * Reads BuildKit's plain progress as envd prints it (envd-cli.md §8): steps, which came from the cache, the
 * cache import and export vertices and their errors. Pure: lines in, figures out.
 *
 * A step counts as cached when
 * - BuildKit printed `#N CACHED` for it (its result was found in the local or an imported cache), or
 * - it ran nothing and only pulled its layer: a step whose result comes from the remote cache so that a later
 *   step can run is loaded as cached (BuildKit v0.32.2 solver/jobs.go:1036-1047), and when the later step
 *   needs the layer it is downloaded through that step's own progress controller (solver/jobs.go:1186-1191,
 *   worker/base/worker.go:656-666): the vertex reopens with `sha256:<hex> … done` (the blob, id = its digest,
 *   util/pull/pullprogress/progress.go:119) and `extracting sha256:<hex>` (cache/refs.go:1373) status lines
 *   and ends with `DONE`; the display overwrites Cached, so `CACHED` may never be printed for it. Such a
 *   vertex has no log line (nothing ran) and no `resolve …` status (that is an image pulled from a registry,
 *   not from the cache).
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

interface Vertex {
  id: number;
  name: string;
  cached: boolean;
  done: boolean;
  /** It showed a layer download or extraction (`sha256:<hex> …`, `extracting sha256:<hex>`). */
  pulled: boolean;
  /** It printed log output (`#N 0.512 text`): it ran. */
  ran: boolean;
  /** It resolved an image reference: a base image from a registry. */
  resolved: boolean;
  error?: string;
  /** `#N CANCELED`: stopped because another vertex failed. */
  canceled: boolean;
  /** From its last `DONE <t>s`. */
  seconds?: number;
  /** The offset of its last log line. */
  lastLogAt?: number;
  /** The last LOG_TAIL lines it printed (text only, without `#N <t> `). */
  logs: string[];
}

/** How many of a step's last log lines are kept. */
const LOG_TAIL = 30;

export type VertexKind = 'step' | 'import' | 'export' | 'internal';

function kindOf(name: string): VertexKind {
  if (name.startsWith('importing cache manifest from')) return 'import';
  if (/^(exporting |preparing layers for inline cache|writing image|naming to|pushing )/.test(name)) return 'export';
  // BuildKit's own bookkeeping and envd's parse phase; envd names many real build steps "[internal] …".
  if (/^\[internal\] load |^load (build definition|metadata)|^resolve image config|^parse build\.envd/.test(name)) return 'internal';
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
}

export interface ProgressFigures {
  /** Build steps shown (vertices other than BuildKit's bookkeeping, cache imports and exports, and `#0` logs). */
  totalSteps: number;
  /** Of those, the steps that came from a cache: `CACHED`, or loaded from the remote cache (see above). */
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
      const created: Vertex = { id, name: text, cached: false, done: false, pulled: false, ran: false, resolved: false, canceled: false, logs: [] };
      this.vertices.set(id, created);
      this.current = created;
      return;
    }
    this.current = v;
    // A later CACHED or DONE ends an ERROR: BuildKit marks a step whose cached layer was evicted ERROR, rebuilds
    // it and finishes it (seen with buildkitd v0.32.2; __tests__/fixtures/buildkit-v0.32.2/progress-evicted-*).
    if (text === 'CACHED') {
      v.cached = true;
      v.error = undefined;
    } else if (/^DONE\b/.test(text)) {
      v.done = true;
      v.error = undefined;
      const t = /^DONE (\d+(?:\.\d+)?)s$/.exec(text);
      if (t) v.seconds = Number(t[1]);
    } else if (text.startsWith('ERROR:')) v.error = text.slice('ERROR:'.length).trim();
    else if (text.startsWith('ERROR ')) v.error = text.slice('ERROR'.length).trim();
    else if (text === 'CANCELED') v.canceled = true;
    else if (text === '...') {
      // printVtx switches to another vertex (printer.go:67-76)
    } else if (/^(extracting )?sha256:[0-9a-f]{64}\b/.test(text)) v.pulled = true;
    else if (text.startsWith('resolve ')) v.resolved = true;
    // BuildKit prints a log line's time with a decimal point (%.3f/%.2f/%.1f, display.go:568-576).
    else if (/^\d+\.\d+( |$)/.test(text)) this.log(v, text);
    if (text === 'CACHED' || /^DONE\b/.test(text) || /^ERROR[: ]/.test(text) || text === 'CANCELED' || text === '...') this.current = undefined;
  }

  private log(v: Vertex, text: string): void {
    const m = /^(\d+\.\d+)(?: (.*))?$/.exec(text);
    if (!m) return;
    v.ran = true;
    v.lastLogAt = Number(m[1]);
    v.logs.push(m[2] ?? '');
    if (v.logs.length > LOG_TAIL) v.logs.shift();
  }

  figures(): ProgressFigures {
    const all = [...this.vertices.values()];
    const steps = all.filter((v) => kindOf(v.name) === 'step');
    const failed = steps.filter((v) => v.error);
    const fromCache = (v: Vertex) =>
      v.cached || (v.done && !v.error && v.pulled && !v.ran && !v.resolved && !/docker-image:\/\//.test(v.name));
    const last = failed[failed.length - 1];
    return {
      totalSteps: steps.length,
      cachedSteps: steps.filter(fromCache).length,
      // envd adds its own importer for dev images (…/python-cache:envd-<version>); its misses are routine.
      imports: all
        .filter((v) => kindOf(v.name) === 'import' && !/\/python-cache:envd-/.test(v.name))
        .map((v) => ({ name: v.name, error: v.error })),
      exports: all.filter((v) => kindOf(v.name) === 'export' && v.name !== 'exporting to image').map((v) => ({ name: v.name, error: v.error, done: v.done })),
      stepError: last?.error,
      steps: steps.map((v) => stepOf(v, fromCache(v))),
      failedLog: last ? { step: last.name, lines: [...last.logs] } : undefined
    };
  }
}

function stepOf(v: Vertex, cached: boolean): StepFigure {
  const source = v.resolved || /docker-image:\/\//.test(v.name);
  if (v.error) return { name: v.name, status: 'failed', seconds: v.seconds ?? v.lastLogAt ?? 0, source };
  if (cached) return { name: v.name, status: 'cached', seconds: v.seconds ?? 0, source };
  // Stopped because another step failed, or never finished (envd ended first).
  if (v.canceled || !v.done) return { name: v.name, status: 'failed', seconds: v.seconds ?? v.lastLogAt ?? 0, canceled: true, source };
  return { name: v.name, status: 'built', seconds: v.seconds ?? 0, source };
}
