/**
 * Reads BuildKit's plain progress as envd prints it (envd-cli.md §8): steps, which were CACHED, the cache
 * import and export vertices and their errors. Pure: lines in, figures out.
 */

interface Vertex {
  id: number;
  name: string;
  cached: boolean;
  done: boolean;
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
  totalSteps: number;
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
    const text = m[2];
    const v = this.vertices.get(id);
    if (!v) {
      this.vertices.set(id, { id, name: text, cached: false, done: false });
      return;
    }
    if (text === 'CACHED') v.cached = true;
    else if (/^DONE\b/.test(text)) v.done = true;
    else if (text.startsWith('ERROR:')) v.error = text.slice('ERROR:'.length).trim();
    else if (text.startsWith('ERROR ')) v.error = text.slice('ERROR'.length).trim();
  }

  figures(): ProgressFigures {
    const all = [...this.vertices.values()];
    const steps = all.filter((v) => kindOf(v.name) === 'step');
    const failed = steps.filter((v) => v.error);
    return {
      totalSteps: steps.length,
      cachedSteps: steps.filter((v) => v.cached).length,
      // envd adds its own importer for dev images (…/python-cache:envd-<version>); its misses are routine.
      imports: all
        .filter((v) => kindOf(v.name) === 'import' && !/\/python-cache:envd-/.test(v.name))
        .map((v) => ({ name: v.name, error: v.error })),
      exports: all.filter((v) => kindOf(v.name) === 'export' && v.name !== 'exporting to image').map((v) => ({ name: v.name, error: v.error, done: v.done })),
      stepError: failed.length ? failed[failed.length - 1].error : undefined
    };
  }
}
