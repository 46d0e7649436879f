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
}

export type VertexKind = 'step' | 'import' | 'export' | 'internal';

export function kindOf(name: string): VertexKind {
  if (name.startsWith('importing cache manifest from')) return 'import';
  if (/^(exporting |preparing layers for inline cache|writing image|naming to|pushing )/.test(name)) return 'export';
  // BuildKit's own bookkeeping and envd's parse phase; envd names many real build steps "[internal] …".
  if (/^\[internal\] load |^load (build definition|metadata)|^resolve image config|^parse build\.envd/.test(name)) return 'internal';
  return 'step';
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
}

export class Progress {
  private readonly vertices = new Map<number, Vertex>();

  push(line: string): void {
    const m = /^#(\d+) (.*)$/.exec(line.trimEnd());
    if (!m) return;
    const id = Number(m[1]);
    // envd numbers a log line with its vertex's index when the log arrives, and a vertex not printed yet has
    // index 0 (envd v1.3.4 pkg/progress/progressui/display.go:576, printer.go:62-65, :160): `#0` is never a vertex.
    if (id === 0) return;
    const text = m[2];
    const v = this.vertices.get(id);
    if (!v) {
      this.vertices.set(id, { id, name: text, cached: false, done: false, pulled: false, ran: false, resolved: false });
      return;
    }
    if (text === 'CACHED') v.cached = true;
    else if (/^DONE\b/.test(text)) v.done = true;
    else if (text.startsWith('ERROR:')) v.error = text.slice('ERROR:'.length).trim();
    else if (text.startsWith('ERROR ')) v.error = text.slice('ERROR'.length).trim();
    else if (/^(extracting )?sha256:[0-9a-f]{64}\b/.test(text)) v.pulled = true;
    else if (text.startsWith('resolve ')) v.resolved = true;
    // BuildKit prints a log line's time with a decimal point (%.3f/%.2f/%.1f, display.go:568-576).
    else if (/^\d+\.\d+ /.test(text)) v.ran = true;
  }

  figures(): ProgressFigures {
    const all = [...this.vertices.values()];
    const steps = all.filter((v) => kindOf(v.name) === 'step');
    const failed = steps.filter((v) => v.error);
    const fromCache = (v: Vertex) =>
      v.cached || (v.done && !v.error && v.pulled && !v.ran && !v.resolved && !/docker-image:\/\//.test(v.name));
    return {
      totalSteps: steps.length,
      cachedSteps: steps.filter(fromCache).length,
      // envd adds its own importer for dev images (…/python-cache:envd-<version>); its misses are routine.
      imports: all
        .filter((v) => kindOf(v.name) === 'import' && !/\/python-cache:envd-/.test(v.name))
        .map((v) => ({ name: v.name, error: v.error })),
      exports: all.filter((v) => kindOf(v.name) === 'export' && v.name !== 'exporting to image').map((v) => ({ name: v.name, error: v.error, done: v.done })),
      stepError: failed.length ? failed[failed.length - 1].error : undefined
    };
  }
}
