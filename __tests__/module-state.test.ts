/**
 * No module-level mutable state in src/ (issue 25 item 3): what a step learns while it runs lives in its context
 * (src/steps/context.ts), made once per step and handed down, so that one process can run step after step (the
 * tests do) and nothing one leaves behind reaches the next. This reads every file under src/ with TypeScript's
 * parser and fails on a top-level `let` or `var`, a top-level constant collection or object the file mutates, a
 * top-level instance of a class (its fields are state), and a static class field that is not a readonly value.
 * An AsyncLocalStorage is allowed: it holds no value of its own, only the one of the async context it runs in
 * (io/deadlines.ts, io/exec.ts).
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { sourceFiles } from './support/source-files.js';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

/** Constructors whose instance is a value, not state (a collection is checked by whether the file mutates it). */
const VALUES = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'RegExp', 'URL', 'Error', 'AsyncLocalStorage']);
const MUTATORS = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'add',
  'delete',
  'clear'
]);

const unwrap = (e: ts.Expression): ts.Expression =>
  ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) ? unwrap(e.expression) : e;

/** The identifier an access chain starts from: `a` for `a.b[c].d`. */
function rootName(e: ts.Expression): string | undefined {
  const x = unwrap(e);
  if (ts.isIdentifier(x)) return x.text;
  if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) return rootName(x.expression);
  return undefined;
}

const isAssignment = (k: ts.SyntaxKind) => k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;

/** The names of top-level bindings the file changes: assigned through, deleted from, or called a mutator on. */
function mutatedNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind) && !ts.isIdentifier(n.left)) {
      const r = rootName(n.left);
      if (r) names.add(r);
    } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && !ts.isIdentifier(n.operand)) {
      const r = rootName(n.operand);
      if (r && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken))
        names.add(r);
    } else if (ts.isDeleteExpression(n)) {
      const r = rootName(n.expression);
      if (r) names.add(r);
    } else if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      MUTATORS.has(n.expression.name.text)
    ) {
      const r = rootName(n.expression.expression);
      if (r) names.add(r);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return names;
}

const isStatic = (m: ts.ClassElement) =>
  ts.canHaveModifiers(m) && !!ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
const isReadonly = (m: ts.ClassElement) =>
  ts.canHaveModifiers(m) && !!ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword);

/** Static fields that hold state: not readonly, or readonly but a collection or object (its contents change). */
function staticState(c: ts.ClassDeclaration): string[] {
  return c.members
    .filter((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && isStatic(m))
    .filter((m) => {
      const init = m.initializer && unwrap(m.initializer);
      const holder =
        !!init && (ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init) || ts.isNewExpression(init));
      return !isReadonly(m) || holder;
    })
    .map((m) => `static ${c.name?.text ?? 'class'}.${m.name.getText()}`);
}

/** Each top-level binding of `code` that is state, as `let x`, `const x (mutated)`, `const x = new C`, `static C.f`. */
function moduleState(code: string, fileName = 'probe.ts'): string[] {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const mutated = mutatedNames(file);
  const found: string[] = [];
  for (const s of file.statements) {
    if (ts.isClassDeclaration(s)) found.push(...staticState(s));
    if (!ts.isVariableStatement(s)) continue;
    const list = s.declarationList;
    const kind = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
    for (const d of list.declarations) {
      const name = d.name.getText(file);
      if (kind !== 'const') {
        found.push(`${kind} ${name}`);
        continue;
      }
      const init = d.initializer && unwrap(d.initializer);
      if (!init) continue;
      if (ts.isNewExpression(init)) {
        const ctor = init.expression.getText(file);
        if (!VALUES.has(ctor)) found.push(`const ${name} = new ${ctor}`);
        else if (mutated.has(name)) found.push(`const ${name} (mutated)`);
      } else if ((ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init)) && mutated.has(name))
        found.push(`const ${name} (mutated)`);
    }
  }
  return found;
}

describe('module-level state', () => {
  test.each([
    ['a top-level let', 'let cancelled = false;\nexport const stop = () => (cancelled = true);\n', ['let cancelled']],
    [
      'a map the module fills',
      'const readers = new Map<string, number>();\nexport const f = (k: string) => readers.set(k, 1);\n',
      ['const readers (mutated)']
    ],
    [
      'an array the module pushes to',
      "const open: string[] = [];\nexport const f = () => open.push('x');\n",
      ['const open (mutated)']
    ],
    [
      'an array emptied by length',
      'const cut: string[] = [];\nexport const f = () => (cut.length = 0);\n',
      ['const cut (mutated)']
    ],
    [
      'an object whose field is assigned',
      'const seen = { n: 0 };\nexport const f = () => seen.n++;\n',
      ['const seen (mutated)']
    ],
    ['a module-level instance', 'class S { n = 0; }\nexport const summary = new S();\n', ['const summary = new S']],
    [
      'a static field, assignable or a collection',
      'export class Log {\n  static write = (t: string) => t;\n  private static readonly open: string[] = [];\n  static readonly MAX = 3;\n}\n',
      ['static Log.write', 'static Log.open']
    ]
  ])('is found: %s', (_, code, expected) => {
    expect(moduleState(code)).toEqual(expected);
  });

  test.each([
    [
      'a constant table',
      "const KNOWN = ['image', 'registry'];\nexport const known = (s: string) => KNOWN.includes(s);\n"
    ],
    ['a constant set that is only read', "const S = new Set(['a']);\nexport const has = (x: string) => S.has(x);\n"],
    [
      'an async context carrier',
      "import { AsyncLocalStorage } from 'node:async_hooks';\nconst scope = new AsyncLocalStorage<number>();\nexport const get = () => scope.getStore();\n"
    ],
    [
      'a local collection inside a function',
      'export function f() {\n  const xs: number[] = [];\n  xs.push(1);\n  return xs;\n}\n'
    ]
  ])('is not state: %s', (_, code) => {
    expect(moduleState(code)).toEqual([]);
  });

  test('src/ holds none: per-run state lives in the step context (src/steps/context.ts)', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) =>
      moduleState(fs.readFileSync(f, 'utf8'), f).map((s) => `${path.relative(SRC, f)}: ${s}`)
    );
    expect(found).toEqual([]);
  });
});
