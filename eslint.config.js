import tseslint from 'typescript-eslint';

/** What keeps a stand-in tool runnable both as ESM (here) and as CommonJS (copied as a release asset). */
const selfContained = [
  { selector: 'ImportDeclaration', message: 'A fake must be self-contained: load built-ins with await import() inside main().' },
  { selector: 'ExportNamedDeclaration, ExportDefaultDeclaration, ExportAllDeclaration', message: 'A fake is an executable, not a module: no exports.' },
  { selector: "MetaProperty[meta.name='import']", message: 'import.meta does not exist in CommonJS, where a copied fake runs.' },
  { selector: "CallExpression[callee.name='require']", message: 'require does not exist in ESM, where the fake runs inside this repository.' },
  { selector: 'AwaitExpression:not(:function AwaitExpression), ForOfStatement[await=true]:not(:function ForOfStatement)', message: 'No top-level await: CommonJS cannot run it.' }
];

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // The stand-in envd, buildkitd and buildctl (bin/<tool> links to them). Type-checked by tsconfig.fakes.json.
    files: ['__tests__/support/fakes/*.js'],
    languageOptions: { sourceType: 'module', ecmaVersion: 2022 },
    rules: { 'no-restricted-syntax': ['error', ...selfContained] }
  }
);
