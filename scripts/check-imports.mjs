#!/usr/bin/env node
/**
 * The import check of `npm test` (issue 25): no file-level import cycle in src/, and every import between folders
 * points down LAYERS below. Usage: `node scripts/check-imports.mjs [--report] [ROOT]` (ROOT defaults to src/).
 * Exit 0 when clean, 1 with one line per problem: a cycle, an import up or sideways that KNOWN_UPWARD does not list, a
 * KNOWN_UPWARD line whose import is gone, a folder LAYERS does not name. `--report` prints the figures (files,
 * imports, cycles, files in cycles, imports against the layering) whether or not it passes.
 *
 * Every static `import`/`export … from` and every `import('…')` with a literal counts, type-only ones too: an
 * `import type` is still a file a reader has to open to understand this one, and a type cycle is the first step of
 * a value cycle. Only relative specifiers are followed (packages and `node:*` are not part of the tree).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layering of CONTRIBUTING.md ("Layers"), top first. A file may import files of its own folder and of any group
 * further down the list; the folders of one group are peers and do not import each other. A name is a folder under
 * src/ or a file directly in it. A new folder must be placed here (the check fails until it is).
 */
export const LAYERS = [
  ['index.ts'],
  ['steps'],
  ['io'],
  ['report'],
  ['envd'],
  ['plan'],
  ['budget'],
  ['inputs'],
  ['mounts'],
  ['fleet', 'builder'],
  ['backends'],
  ['cache'],
  ['runtime', 'local', 'tools'],
  ['action', 'text', 'http'],
  ['state.ts', 'types']
];

/**
 * Imports against LAYERS allowed as known exceptions, each with what would remove it. Empty since issue 25 removed
 * the last four; an import not listed fails, and so does a listed one that is gone (delete its line).
 */
export const KNOWN_UPWARD = {};

/** Relative specifiers a file imports, statically or by a literal dynamic import, type-only ones included. */
export function importsOf(text, fileName) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.'));
}

function listFiles(root, dir = '') {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return listFiles(root, rel);
    return /\.(m|c)?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** `./x.js` from `a/b.ts` → `a/x.ts` when that file exists (NodeNext's .js → .ts mapping), else undefined. */
function resolve(from, specifier, files) {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const base = joined.replace(/\.(m|c)?js$/, '');
  return [`${base}.ts`, `${base}.mts`, `${base}.cts`, joined, `${joined}/index.ts`].find((c) => files.has(c));
}

/** The import graph of every TypeScript file under root: file (relative, posix) → the files it imports. */
export function importGraph(root) {
  const files = new Set(listFiles(root));
  const graph = new Map();
  for (const file of [...files].sort()) {
    const targets = importsOf(fs.readFileSync(path.join(root, file), 'utf8'), file)
      .map((s) => resolve(file, s, files))
      .filter(Boolean);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself), by Tarjan's algorithm. */
export function cycles(graph) {
  let counter = 0;
  const index = new Map(),
    low = new Map(),
    stack = [],
    onStack = new Set(),
    found = [];
  const connect = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    for (let w = stack.pop(); ; w = stack.pop()) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One way round a component, for the message: a → b → … → a. */
function cyclePath(graph, component) {
  const inside = new Set(component);
  const start = component[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const route = [start];
        for (let u = v; u !== start; u = previous.get(u)) route.splice(1, 0, u);
        return [...route, start];
      }
      if (inside.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The group index of a file's folder in layers (0 = top), or undefined when the layering does not name it. */
export function layerOf(file, layers) {
  const unit = file.split('/')[0];
  const at = layers.findIndex((group) => group.includes(unit));
  return at < 0 ? undefined : at;
}

/** Imports between folders that do not point down: [from, to, why]. Files the layering does not name are problems. */
export function upwardImports(graph, layers) {
  const problems = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from, layers);
    if (a === undefined) {
      problems.push([
        from,
        undefined,
        'its folder is not in the layering (add it to LAYERS in scripts/check-imports.mjs and to CONTRIBUTING.md)'
      ]);
      continue;
    }
    for (const to of targets) {
      const b = layerOf(to, layers);
      if (b === undefined || from.split('/')[0] === to.split('/')[0]) continue;
      if (b < a) problems.push([from, to, 'imports from a higher layer']);
      else if (b === a) problems.push([from, to, 'imports a peer folder of the same layer']);
    }
  }
  return problems;
}

/** Everything the check finds under root, with the figures `--report` prints. */
export function check(root, { layers = LAYERS, known = KNOWN_UPWARD } = {}) {
  const graph = importGraph(root);
  const found = cycles(graph);
  const upward = upwardImports(graph, layers);
  const name = ([from, to]) => `${from} → ${to}`;
  const seen = new Set(upward.map(name));
  const fresh = upward.filter((u) => u[1] === undefined || !Object.hasOwn(known, name(u)));
  const stale = Object.keys(known).filter((k) => !seen.has(k));
  const figures = {
    files: graph.size,
    imports: [...graph.values()].reduce((n, t) => n + t.length, 0),
    cycles: found.length,
    filesInCycles: found.reduce((n, c) => n + c.length, 0),
    upwardImports: upward.filter(([, to]) => to !== undefined).length,
    knownUpward: upward.filter((u) => u[1] !== undefined && Object.hasOwn(known, name(u))).length,
    unlayered: upward.filter(([, to]) => to === undefined).length
  };
  const problems = [
    ...found.map(
      (c) =>
        `import cycle (${c.length} files): ${cyclePath(graph, c).join(' → ')}${c.length > 2 ? ` (all: ${c.join(', ')})` : ''}`
    ),
    ...fresh.map(([from, to, why]) => (to === undefined ? `${from}: ${why}` : `${from} → ${to}: ${why}`)),
    ...stale.map((k) => `${k}: listed in KNOWN_UPWARD but no longer imported; delete its line`)
  ];
  return { graph, cycles: found, upward, figures, problems };
}

function main(argv) {
  const report = argv.includes('--report');
  const root =
    argv.find((a) => !a.startsWith('--')) ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const result = check(root);
  for (const line of result.problems) console.error(line);
  if (report) {
    const f = result.figures;
    const shown = path.relative(process.cwd(), root);
    console.log(
      `imports in ${shown.startsWith('..') ? root : shown || '.'}: ${f.files} files, ${f.imports} imports; ${f.cycles} cycles, ${f.filesInCycles} files in cycles; ${f.upwardImports} imports against the layering (${f.knownUpward} of them known, KNOWN_UPWARD); ${f.unlayered} files outside it`
    );
  }
  if (result.problems.length > 0) {
    console.error(
      `check-imports: ${result.problems.length} problems. The layering (top first) is LAYERS in scripts/check-imports.mjs and CONTRIBUTING.md's folder map: move a shared type or constant down, never import up.`
    );
    return 1;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
