// `npm run docs`: writes the inputs and outputs tables of README.md and docs/reference.md from action.yml.
// `npm run docs -- --check` (and __tests__/docs/tables.test.ts) fails when a table drifted from action.yml.
// A table lives between `<!-- generated: NAME … -->` and `<!-- end generated -->`; the text around it is prose.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionYml, ROOT } from './harness.mjs';

/** The inputs and outputs a user touches first: the README's tables. docs/reference.md has all of them. */
const FIRST_INPUTS = [
  'path',
  'from',
  'output',
  'cache',
  'cache-ref',
  'cache-options',
  'cache-write',
  'cache-budget',
  'command',
  'dry-run'
];
const FIRST_OUTPUTS = [
  'cache-backend',
  'cache-scope',
  'cache-mode',
  'export-cache',
  'cached-steps',
  'total-steps',
  'cache-hit-ratio',
  'plan',
  'digest',
  'image'
];

/** Every generated table: the file, the block's name, and what it lists. */
export const BLOCKS = [
  { file: 'README.md', name: 'first inputs', kind: 'inputs', names: FIRST_INPUTS },
  { file: 'README.md', name: 'first outputs', kind: 'outputs', names: FIRST_OUTPUTS },
  { file: 'docs/reference.md', name: 'inputs', kind: 'inputs' },
  { file: 'docs/reference.md', name: 'outputs', kind: 'outputs' }
];

const cell = (text) => String(text).replace(/\|/g, '\\|');
const code = (text) => '`' + text + '`';

/** A Markdown table of action.yml's inputs or outputs, in action.yml's order; `names` picks some. */
export function renderTable(yml, kind, names) {
  const specs = yml[kind];
  const picked = names ?? Object.keys(specs);
  for (const n of picked) if (!(n in specs)) throw new Error(`docs: action.yml has no ${kind.slice(0, -1)} named ${n}`);
  const order = Object.keys(specs).filter((n) => picked.includes(n));
  if (kind === 'inputs') {
    const rows = order.map((n) => {
      const d = specs[n].default;
      return `| ${code(n)} | ${code(d === undefined || d === '' ? "''" : cell(d))} | ${cell(specs[n].description)} |`;
    });
    return ['| Input | Default | Description |', '|---|---|---|', ...rows].join('\n');
  }
  const rows = order.map((n) => `| ${code(n)} | ${cell(specs[n].description)} |`);
  return ['| Output | Description |', '|---|---|', ...rows].join('\n');
}

const begin = (name) => `<!-- generated: ${name} (from action.yml by npm run docs; do not edit) -->`;
const END = '<!-- end generated -->';

/** The file's text with the block replaced; throws when the file lacks the block's markers. */
export function withBlock(text, block, table) {
  const start = text.indexOf(begin(block.name));
  const end = start < 0 ? -1 : text.indexOf(END, start);
  if (start < 0 || end < 0) throw new Error(`docs: ${block.file} has no "${begin(block.name)}" … "${END}" block`);
  return text.slice(0, start) + begin(block.name) + '\n' + table + '\n' + text.slice(end);
}

/** Each file whose generated blocks differ from action.yml, with its fresh text. */
export function staleFiles(root = ROOT) {
  const yml = actionYml(root);
  const fresh = new Map();
  for (const block of BLOCKS) {
    const file = path.join(root, block.file);
    const text = fresh.get(file) ?? fs.readFileSync(file, 'utf8');
    fresh.set(file, withBlock(text, block, renderTable(yml, block.kind, block.names)));
  }
  return [...fresh]
    .filter(([file, text]) => fs.readFileSync(file, 'utf8') !== text)
    .map(([file, text]) => ({ file, text }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stale = staleFiles();
  if (process.argv.includes('--check')) {
    for (const { file } of stale)
      console.error(`${path.relative(ROOT, file)}: the inputs/outputs tables differ from action.yml; run npm run docs`);
    process.exitCode = stale.length ? 1 : 0;
  } else {
    for (const { file, text } of stale) fs.writeFileSync(file, text);
    console.log(
      stale.length ? `wrote ${stale.map((s) => path.relative(ROOT, s.file)).join(', ')}` : 'the tables are up to date'
    );
  }
}
