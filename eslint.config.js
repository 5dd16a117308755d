// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import importPlugin from 'eslint-plugin-import';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const LIBRARY_MESSAGE =
  'is a library: it never imports server/. Take what you need as a parameter (an authorize callback, a persistence adapter, config); only server/main.ts wires folders together.';

const CLIENT_MESSAGE =
  'The browser may import only the pure contracts (server/contracts, collab/contracts, media/contracts). Move what you need there, or call the API.';

const CONTRACTS_MESSAGE =
  'contracts/ folders are pure TypeScript shared with the browser: no Node APIs and nothing outside contracts/ except zod.';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'stream',
  'events',
  'url',
  'util',
  'buffer',
  'worker_threads',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tools/**',
      'data/**',
      'dist/**',
      'coverage/**',
      'tests/.tmp/**',
      'infra/local/bootstrap.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        project: ['./tsconfig.server.json', './tsconfig.client.json', './tsconfig.tests.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    plugins: { import: importPlugin },
    settings: {
      // Plain Node resolution is enough: imports are relative and extensionless.
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs', '.vue', '.json'] } },
      'import/extensions': ['.ts', '.js', '.mjs', '.vue'],
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Import cycles are checked by infra/lint/import-cycles.ts (much faster than import/no-cycle).
      'import/ignore': ['\\.vue$'],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      // Mongoose schema definitions and Date values from lean() documents trip this rule.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'import/no-self-import': 'error',
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './collab', from: './server', message: `collab/ ${LIBRARY_MESSAGE}` },
            { target: './media', from: './server', message: `media/ ${LIBRARY_MESSAGE}` },
            {
              target: './client',
              from: './server',
              except: ['./contracts'],
              message: CLIENT_MESSAGE,
            },
            {
              target: './client',
              from: './collab',
              except: ['./contracts'],
              message: CLIENT_MESSAGE,
            },
            {
              target: './client',
              from: './media',
              except: ['./contracts'],
              message: CLIENT_MESSAGE,
            },
            { target: './client', from: './infra', message: CLIENT_MESSAGE },
            {
              target: ['./server', './collab', './media', './infra'],
              from: './client',
              message: 'Servers never import the browser app (client/).',
            },
            {
              target: ['./server', './collab', './media'],
              from: './tests',
              message: 'Production code never imports tests/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        project: ['./tsconfig.client.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['server/contracts/**', 'collab/contracts/**', 'media/contracts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: CONTRACTS_MESSAGE },
            {
              regex: '^\\.\\./(?!\\.\\./[a-z]+/contracts/)',
              message: CONTRACTS_MESSAGE,
            },
          ],
        },
      ],
    },
  },
  {
    // Domain modules reach collab/ and media/ only through types and contracts; the live
    // instances are handed to them by server/main.ts.
    files: ['server/**/*.ts'],
    ignores: ['server/main.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(collab|media)/(?!contracts/)',
              allowTypeImports: true,
              message:
                'Only server/main.ts wires collab/ and media/ in; elsewhere in server/ import their types (import type) or their contracts/, and take the instance as a parameter.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['collab/**/*.ts', 'media/**/*.ts'],
    ignores: ['collab/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Libraries take config as parameters; only entry files read process.env.',
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration from the Config object (server/config.ts parses env once).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
