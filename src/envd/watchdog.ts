/**
 * The watchdog over `envd build` and the retries after it (issue 21): when a cache import or export shows no
 * progress for `cache-timeout`, and which attempt comes next. Pure: progress lines and times (ms) in, decisions
 * out; the timer and the signals are in `io/envd.ts`.
 *
 * What the plain progress shows (BuildKit v0.32.2, printed by envd's copy of the printer):
 * - A cache import is the vertex `importing cache manifest from <id>`; it ends with `DONE` or `ERROR`. A
 *   registry or S3 service that accepts the connection and never answers leaves it open: neither importer has a
 *   client deadline (reference/buildkit-cache.md §7).
 * - A status line is printed only when BuildKit sends an update for it (util/progress/progressui/printer.go:90-137),
 *   so a stalled request prints nothing: silence is the sign. A one-off status (`writing layer <digest>`,
 *   cache/remotecache/export.go:217) prints when it ends, so an export is silent while one layer uploads.
 * - The build's output is complete when its exporter's vertex has ended with `DONE` and was not reopened: the
 *   vertex `exporting to image` (exporter/containerimage/export.go:208), `exporting to <variant> image format`
 *   (exporter/oci/export.go:118, envd's default docker output: `sending tarball`, :272), `exporting to client
 *   tarball` (exporter/tar/export.go:66) or `exporting to client directory` (exporter/local/export.go:71). A push
 *   reopens the image vertex (its finalize runs under the same vertex id, solver/llbsolver/solver.go:406-419)
 *   with `pushing layers` and `pushing manifest for <ref>` (util/push/push.go:131,141) and ends it again.
 * - The cache exporters run beside that finalize (solver.go:420-425), each under its own vertex:
 *   `exporting cache to registry` (cache/remotecache/registry/registry.go:52), `exporting to GitHub Actions
 *   Cache` (gha/gha.go:173), `exporting cache to Amazon S3` (s3/s3.go:228), `exporting cache to client
 *   directory` (local/local.go:32), `exporting cache to Azure Blob Storage` (azblob/exporter.go:64).
 * - A layer of the imported cache is pulled lazily, under the vertex of its step, reopened after `CACHED` or with no
 *   `CACHED` shown at all (the display prints a vertex's latest state at most every 100 ms; captured:
 *   progress-stalled-layer-pull-uncached.txt):
 *   `sha256:<hex> <current> / <total> <t>s` (util/pull/pullprogress/progress.go:93-125 writes the ingest's offset
 *   every 150 ms; printer.go:114-135 formats it), `... done` once it is whole, then (local work) `extracting
 *   sha256:<hex>` (cache/refs.go:1373). A pull that moves no bytes is NOT silent: the printer reprints the same status every 5 s
 *   with only its timer grown (printer.go:19 minTimeDelta, :93-103), so a reprint is not progress. Captured:
 *   `__tests__/fixtures/buildkit-v0.32.2/progress-stalled-layer-pull.txt` (`0B / 1.50MB` reprinted until SIGINT).
 * - A blob pulled under a base image's vertex (`[1/2] FROM …`, envd's `docker-image://…`, or one that printed a
 *   `resolve …` status) is the base image from its own
 *   registry, not the cache: building without `--import-cache` would pull it from the same place, so the watchdog
 *   leaves it to the job's `timeout-minutes` (docs/cache-failures.md, "A stalled base-image pull").
 */
import { classify, type KnownError } from './errors.js';

const IMPORT_VERTEX = /^importing cache manifest from /;
const OUTPUT_VERTEX =
  /^(exporting to image|exporting to \S+ image format|exporting to client tarball|exporting to client directory)$/;
const CACHE_EXPORT_VERTEX = /^(exporting cache to |exporting to GitHub Actions Cache$)/;
const ENDED = /^(DONE\b|CACHED$|ERROR\b|CANCELED$)/;
/**
 * A vertex that pulls a base image from its registry, not a layer of the imported cache: Dockerfile's `[1/2] FROM …`,
 * envd's `docker-image://…`, or one that printed a `resolve …` status (envd/progress.ts reads them alike).
 */
const IMAGE_SOURCE = /(^|\] )FROM |docker-image:\/\//;
/**
 * A blob's transfer status: `sha256:<hex> 0B / 1.50MB 5.3s`, `sha256:<hex> 1.06MB / 1.06MB 0.1s done`. Not
 * `extracting sha256:…`: that is local work after the pull (cache/refs.go:1373) and carries no bytes to compare.
 */
const BLOB_STATUS = /^(sha256:[0-9a-f]{64})((?: [\d.]+[kMGTP]?B(?: \/ [\d.]+[kMGTP]?B)?)?)(?: [\d.]+s)?( done)?$/;

/** A cache import or export that showed nothing for the timeout. */
export interface CacheStall {
  /** `layer`: a lazily pulled layer of the imported cache that moved no bytes. */
  kind: 'import' | 'export' | 'layer';
  /** The vertex as BuildKit named it, such as `importing cache manifest from ghcr.io/o/r:buildcache`. */
  vertex: string;
  /** kind `layer`: the blob and how far it got, such as `sha256:… 0B / 1.50MB`. */
  layer?: string;
  /** How long nothing was printed, in ms: `cache-timeout` (the watch notices a stall up to a poll later). */
  waitedMs: number;
}

export class CacheWatch {
  private lastAt: number;
  private readonly names = new Map<number, string>();
  private readonly open = new Set<number>();
  private readonly cached = new Set<number>();
  /** Vertices that pull a base image (IMAGE_SOURCE, or a `resolve …` status). */
  private readonly sources = new Set<number>();
  /** Per blob not yet done: its vertex and the status printed last (`sha256:… 0B / 1.50MB`). */
  private readonly pulling = new Map<string, { id: number; status: string }>();
  /** Per blob, its last status line as printed but the timer: a repeat is no progress. */
  private readonly lastStatus = new Map<string, string>();
  private pushed = false;

  /** timeoutMs 0: never stalls. `start`: when envd was started (ms, the same clock as `push` and `stall`). */
  constructor(
    private readonly timeoutMs: number,
    start: number
  ) {
    this.lastAt = start;
  }

  /** One line of envd's output (stdout or stderr): any line is progress but a blob status reprinted unchanged. */
  push(line: string, now: number): void {
    const m = /^#(\d+) (.*)$/.exec(line.trimEnd());
    if (!m || m[1] === '0') {
      if (line.trim() !== '') this.lastAt = now;
      return;
    }
    const id = Number(m[1]);
    const text = m[2];
    if (this.names.get(id) === text || text === '...') return; // the printer repeats a header when it switches vertex
    if (!this.blobStatus(id, text)) this.lastAt = now;
    if (!this.names.has(id)) {
      this.names.set(id, text);
      this.open.add(id);
      if (IMAGE_SOURCE.test(text)) this.sources.add(id);
      return;
    }
    if (text === 'CACHED') this.cached.add(id);
    if (text.startsWith('resolve ')) this.sources.add(id);
    if (ENDED.test(text)) this.end(id);
    // A line after the end reopens the vertex (a push after the image was written, a lazily pulled layer).
    else this.open.add(id);
    if (OUTPUT_VERTEX.test(this.names.get(id)!) && /^pushing (layers|manifest for )/.test(text)) this.pushed = true;
  }

  /** Records a blob status; true when it repeats the blob's last one (the same bytes: not progress). */
  private blobStatus(id: number, text: string): boolean {
    const b = BLOB_STATUS.exec(text);
    if (!b) return false;
    const [, digest, bytes, done] = b;
    const status = `${digest}${bytes}`;
    if (done) this.pulling.delete(digest);
    else this.pulling.set(digest, { id, status });
    const repeated = this.lastStatus.get(digest) === `${status}${done ?? ''}`;
    this.lastStatus.set(digest, `${status}${done ?? ''}`);
    return repeated;
  }

  private end(id: number): void {
    this.open.delete(id);
    for (const [key, p] of this.pulling) if (p.id === id) this.pulling.delete(key);
  }

  /** The build's output was written (or pushed): an output exporter vertex was seen and none is open. */
  outputComplete(): boolean {
    const outputs = [...this.names].filter(([, name]) => OUTPUT_VERTEX.test(name));
    return outputs.length > 0 && outputs.every(([id]) => !this.open.has(id));
  }

  /** The output exporter reached its push (a failure from here on is the push's, not a cached layer's). */
  pushing(): boolean {
    return this.pushed;
  }

  /**
   * A stalled import, a stalled pull of a cached layer (under a step, not a base image's vertex), or an export
   * stalled after the output is complete; undefined while anything else runs (a silent step, a base-image pull).
   */
  stall(now: number): CacheStall | undefined {
    const waitedMs = now - this.lastAt;
    if (this.timeoutMs <= 0 || waitedMs < this.timeoutMs) return undefined;
    const openNamed = (re: RegExp) => [...this.open].map((id) => this.names.get(id)!).find((name) => re.test(name));
    const importing = openNamed(IMPORT_VERTEX);
    if (importing) return { kind: 'import', vertex: importing, waitedMs: this.timeoutMs };
    // A step's layer pulled lazily from the cache, whether or not its `CACHED` was printed first: the display
    // prints at most every 100 ms the vertex's latest state, so a step that loads its layer may show the pull
    // before (or without) `CACHED` (captured: progress-stalled-layer-pull-uncached.txt). A base image's pull is not.
    const layer = [...this.pulling.values()].find(
      (p) => this.open.has(p.id) && (this.cached.has(p.id) || !this.sources.has(p.id))
    );
    if (layer)
      return { kind: 'layer', vertex: this.names.get(layer.id)!, layer: layer.status, waitedMs: this.timeoutMs };
    const exporting = this.outputComplete() ? openNamed(CACHE_EXPORT_VERTEX) : undefined;
    return exporting ? { kind: 'export', vertex: exporting, waitedMs: this.timeoutMs } : undefined;
  }
}

/** How one `envd build` ended. */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'stalled'; stall: CacheStall }
  | { kind: 'failed'; line: string; known?: KnownError; pushing: boolean };

export interface AttemptRecord {
  withImport: boolean;
  outcome: Outcome;
}

/** The next `envd build`, and why. */
export interface NextAttempt {
  withImport: boolean;
  why: 'import-stalled' | 'layer-stalled' | 'evicted-blob' | 'unreadable-layer';
}

/** Reads a failure: what it is (errors.ts) and whether it happened while pushing the output image. */
export function failedOutcome(line: string, context: { allText: string; pushing: boolean }): Outcome {
  const known = classify(line) ?? classify(context.allText);
  // A push that fails is the output's, not the cache's (exporter/containerimage/export.go:407 wraps it `failed to push <ref>`).
  const pushing = context.pushing || /failed to push /.test(line);
  return { kind: 'failed', line, known, pushing };
}

/**
 * After an attempt with the import: a stalled import, a stalled pull of a cached layer or an evicted layer → once
 * more without it; an unreadable
 * cached layer (cut short, reset, 5xx, wrong digest) → once more with the same import (likely transient), then once
 * without it. A push failure, a stalled export and any other failure: no further attempt.
 */
export function nextAttempt(tried: AttemptRecord[], hasImport: boolean): NextAttempt | undefined {
  const last = tried[tried.length - 1];
  if (!hasImport || !last?.withImport) return undefined;
  const o = last.outcome;
  if (o.kind === 'stalled') {
    if (o.stall.kind === 'export') return undefined;
    return { withImport: false, why: o.stall.kind === 'import' ? 'import-stalled' : 'layer-stalled' };
  }
  if (o.kind !== 'failed' || o.pushing) return undefined;
  if (o.known?.id === 'evicted-blob') return { withImport: false, why: 'evicted-blob' };
  if (o.known?.id !== 'unreadable-layer') return undefined;
  const unreadable = tried.filter(
    (t) => t.withImport && t.outcome.kind === 'failed' && t.outcome.known?.id === 'unreadable-layer'
  ).length;
  return { withImport: unreadable < 2, why: 'unreadable-layer' };
}

/** `cache-timeout` as the warning says it: `90 s`, `5 min`. */
export function waitText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}
