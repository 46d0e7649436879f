/**
 * The replay's own count of a build's steps, from BuildKit's plain progress (`buildctl build --progress plain`,
 * as the envd shim prints it). Independent of the action's counting (src/envd/progress.ts), which is what the
 * replay checks. Pure.
 *
 * A step is a Dockerfile instruction: a vertex named `[i/n] …`, or `[stage i/n] …` in a multi-stage build (BuildKit
 * v0.32.2 dockerfile2llb names each one so; `[internal] …`, `importing cache manifest …` and `exporting …` are not
 * steps). Per vertex, over all its
 * blocks (a vertex may be printed several times under the same `#N`):
 * - `#N ERROR: …` → built, when the build went on and succeeded: BuildKit marks a step whose cached layer it could
 *   not load (an evicted blob) ERROR and then runs it (fixtures/buildkit-v0.32.2/progress-evicted-*.txt);
 * - else `#N CACHED` → cached;
 * - else it ended `DONE` having shown only a layer download (`#N sha256:<hex> …`) or `extracting sha256:…`, and no
 *   log line of its own: cached, loaded from the imported cache so a later step could run (the display may never
 *   print CACHED for such a vertex: v0.32.2 solver/jobs.go:1036-1047, util/progress/progressui/printer.go:183-205);
 * - else (DONE) → built.
 * A job may run several builds (a retry, or a second build of the same context): a step counts as built when any
 * of them built it.
 */

export interface StepCount {
  /** Step names (`[3/7] RUN …`, `[base 2/3] RUN …`) in the order BuildKit first printed them. */
  steps: string[];
  built: Set<string>;
  cached: Set<string>;
  /** Steps marked ERROR and then run (an evicted or missing layer). */
  errored: Set<string>;
}

interface VertexState {
  name: string;
  cached: boolean;
  pulled: boolean;
  logged: boolean;
  done: boolean;
  error: boolean;
}

const HEADER = /^#(\d+) (\[[^\]]*\] .*)$/;
const STEP = /^\[(?:[\w.-]+ )?\d+\/\d+\] /;
const LINE = /^#(\d+) (.*)$/;
const LOG_LINE = /^\d+\.\d+ /;
const PULL = /^(?:sha256:[0-9a-f]{64} |extracting sha256:[0-9a-f]{64})/;

function readVertices(text: string): Map<number, VertexState> {
  const vertices = new Map<number, VertexState>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const header = HEADER.exec(line);
    if (header) {
      const id = Number(header[1]);
      if (!vertices.has(id))
        vertices.set(id, { name: header[2], cached: false, pulled: false, logged: false, done: false, error: false });
      continue;
    }
    const m = LINE.exec(line);
    const v = m ? vertices.get(Number(m[1])) : undefined;
    if (!m || !v) continue;
    const rest = m[2];
    if (rest === 'CACHED') v.cached = true;
    else if (rest.startsWith('ERROR')) v.error = true;
    else if (/^DONE\b/.test(rest)) v.done = true;
    else if (PULL.test(rest)) v.pulled = true;
    else if (LOG_LINE.test(rest)) v.logged = true;
  }
  return vertices;
}

/** One build's steps. */
export function countBuild(progress: string): StepCount {
  const out: StepCount = { steps: [], built: new Set(), cached: new Set(), errored: new Set() };
  for (const v of readVertices(progress).values()) {
    if (!STEP.test(v.name)) continue;
    out.steps.push(v.name);
    if (v.error) {
      out.errored.add(v.name);
      out.built.add(v.name);
    } else if (v.cached || (v.pulled && !v.logged)) out.cached.add(v.name);
    else out.built.add(v.name);
  }
  return out;
}

/** A job's steps over its builds: built when any build built it, cached when every build that had it cached it. */
export function countJob(builds: readonly string[]): StepCount {
  const out: StepCount = { steps: [], built: new Set(), cached: new Set(), errored: new Set() };
  for (const b of builds.map(countBuild)) {
    for (const s of b.steps) if (!out.steps.includes(s)) out.steps.push(s);
    for (const s of b.built) out.built.add(s);
    for (const s of b.errored) out.errored.add(s);
  }
  for (const s of out.steps) if (!out.built.has(s)) out.cached.add(s);
  return out;
}
