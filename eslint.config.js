import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** What keeps a stand-in tool runnable both as ESM (here) and as CommonJS (copied as a release asset). */
const selfContained = [
  {
    selector: 'ImportDeclaration',
    message: 'A fake must be self-contained: load built-ins with await import() inside main().'
  },
  {
    selector: 'ExportNamedDeclaration, ExportDefaultDeclaration, ExportAllDeclaration',
    message: 'A fake is an executable, not a module: no exports.'
  },
  {
    selector: "MetaProperty[meta.name='import']",
    message: 'import.meta does not exist in CommonJS, where a copied fake runs.'
  },
  {
    selector: "CallExpression[callee.name='require']",
    message: 'require does not exist in ESM, where the fake runs inside this repository.'
  },
  {
    selector:
      'AwaitExpression:not(:function AwaitExpression), ForOfStatement[await=true]:not(:function ForOfStatement)',
    message: 'No top-level await: CommonJS cannot run it.'
  }
];

/** The pure core: decisions only. Effects live under src/io/, orchestration under src/steps/ (CONTRIBUTING.md). */
const CORE = [
  'src/{action,backends,budget,builder,cache,envd,fleet,http,inputs,local,mounts,plan,report,runtime,text,tools}/**/*.ts',
  'src/state.ts'
];
const EFFECTS =
  'an effect belongs under src/io/ (and is called from src/steps/); the core takes facts in and gives decisions out';

/**
 * Orchestration only sequences: a step asks the core for a decision and calls src/io/ to carry it out. Node's
 * built-ins are effects (files, processes, sockets, randomness) except `node:path`, which is pure.
 */
const STEPS_EFFECTS =
  'a step only sequences: the effect belongs in a function under src/io/ that the step calls (node:path is pure and may stay)';
const NOT_IN_STEPS = builtinModules
  .filter((m) => !/^_/.test(m) && m !== 'path' && !m.startsWith('path/'))
  .flatMap((m) => [m, `node:${m}`])
  .map((name) => ({ name, message: `${name} in src/steps/: ${STEPS_EFFECTS}.` }));

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // More than four positional parameters: pass an options record or a small context type instead. A function
    // longer than a screenful is split at the seams its section comments mark.
    files: ['src/**/*.ts'],
    rules: {
      'max-params': ['error', 4],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }]
    }
  },
  {
    files: CORE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'fs/promises',
            'child_process',
            'net',
            'http',
            'http2',
            'https',
            'os',
            'dgram',
            'tls',
            'worker_threads'
          ]
            .flatMap((m) => [m, `node:${m}`])
            .map((name) => ({ name, message: `${name}: ${EFFECTS}.` })),
          patterns: [
            { group: ['@actions/*', '@octokit/*'], message: `The runner's and GitHub's clients: ${EFFECTS}.` },
            {
              group: ['**/io/*', '**/io/**', '**/steps/*'],
              message: `The core does not import the shell: ${EFFECTS}. Move a shared record's type into the core.`
            }
          ]
        }
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: EFFECTS },
        { name: 'process', message: `process: ${EFFECTS}; pass the environment in.` }
      ]
    }
  },
  {
    files: ['src/steps/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: NOT_IN_STEPS }] }
  },
  {
    // The stand-in envd, buildkitd and buildctl (bin/<tool> links to them). Type-checked by tsconfig.fakes.json.
    files: ['__tests__/support/fakes/*.js'],
    languageOptions: { sourceType: 'module', ecmaVersion: 2022 },
    rules: { 'no-restricted-syntax': ['error', ...selfContained] }
  }
);
