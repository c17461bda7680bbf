// Lint: typescript-eslint's recommended rules, plus the project's architectural rules:
// src/engine is plain Node and never imports the VS Code API, and the rooms below the report
// (the SpAtten model, the hardware model, model discovery, runtime, ONNX I/O, the Trace,
// tokenizers, file I/O) own their types: they never import the report, which maps them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.test-cache/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Type-aware rules that catch real faults: a promise nobody awaits or catches (a lost error, a
  // write that races the exit), a promise where a callback's result is ignored, awaiting a
  // non-promise, and a switch over a union that misses a member (a new export format, view or
  // message handled nowhere).
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    // One program for the whole tree (tsconfig.json covers src, test and scripts): faster than a
    // project service per file.
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/cli/**/*.ts', 'src/webview/**/*.ts', 'src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/engine, src/cli, src/worker and src/webview must not depend on the VS Code API.' }] }],
    },
  },
  {
    files: ['src/engine/{spatten,hardware,model,runtime,onnx,trace,tokenize,files}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/engine must not depend on the VS Code API.' }],
          patterns: [{ group: ['**/report/*', '**/report'], message: 'a lower room owns its types; src/engine/report maps them into the report (ARCHITECTURE.md).' }],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
