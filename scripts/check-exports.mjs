#!/usr/bin/env node
/**
 * The dead-export check of `npm test` (issue 25): every value a file under src/ exports (function, constant, class,
 * enum) is used by another file — src/, __tests__/, bench/ or scripts/ — and every exported type is used somewhere,
 * its own file included (a type that names the parameter of an exported function is part of that function's
 * interface, whether or not a caller spells it). An unused export is either dead code (delete it) or a local detail
 * (drop `export`). Usage: `node scripts/check-exports.mjs [--report]`. Exit 0 when clean, 1 with one line
 * per unused export (file:line name). References are TypeScript's own (the language service's findReferences), so
 * a namespace import's `x.name`, a re-export and a type-only use all count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = /\.(ts|mts|mjs)$/;

function filesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'fixtures' && entry.name !== 'node_modules')
      out.push(...filesUnder(full));
    else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** A language service over the repository's TypeScript and ESM JavaScript. */
function service(root, files) {
  const versions = new Map(files.map((f) => [f, '1']));
  const host = {
    getScriptFileNames: () => files,
    getScriptVersion: (f) => versions.get(f) ?? '1',
    getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => ({
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      allowJs: true,
      noEmit: true,
      skipLibCheck: true
    }),
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

/** The declarations a source file exports by name: [name, node whose name findReferences starts from]. */
function exportedNames(source) {
  const out = [];
  const exported = (node) => ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export;
  for (const node of source.statements) {
    if (ts.isVariableStatement(node) && exported(node))
      for (const d of node.declarationList.declarations)
        if (ts.isIdentifier(d.name)) out.push({ name: d.name, type: false });
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isTypeAliasDeclaration(node) ||
        ts.isEnumDeclaration(node)) &&
      exported(node) &&
      node.name
    )
      out.push({ name: node.name, type: ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) });
  }
  return out;
}

/** The unused exports of `root`'s src/ (file:line name), against its src/, __tests__/, bench/ and scripts/. */
export function unusedExports(root = ROOT) {
  const files = ['src', '__tests__', 'bench', 'scripts']
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => filesUnder(d));
  const ls = service(root, files);
  const program = ls.getProgram();
  const unused = [];
  for (const file of files.filter((f) => f.startsWith(path.join(root, 'src') + path.sep))) {
    const source = program.getSourceFile(file);
    if (!source || (file.endsWith(`${path.sep}index.ts`) && path.dirname(file) === path.join(root, 'src'))) continue;
    for (const { name, type } of exportedNames(source)) {
      const refs = (ls.findReferences(file, name.getStart(source)) ?? []).flatMap((r) => r.references);
      const used = type ? refs.some((ref) => !ref.isDefinition) : refs.some((ref) => ref.fileName !== file);
      if (!used) {
        const line = source.getLineAndCharacterOfPosition(name.getStart(source)).line + 1;
        unused.push(`${path.relative(root, file)}:${line} ${name.text}`);
      }
    }
  }
  return unused;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const unused = unusedExports();
  for (const u of unused) console.log(`${u}: exported, but no other file uses it (delete it, or drop "export")`);
  if (process.argv.includes('--report')) console.log(`exports in src/ no other file uses: ${unused.length}`);
  process.exit(unused.length ? 1 : 0);
}
