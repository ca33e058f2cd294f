import js from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Node's built-in modules under both spellings ("fs" and "node:fs"), for the layering rules below.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: 'Only src-main/electron/ may import electron: everything else runs in plain Node.' };
const nodeOnlyPackages = ['better-sqlite3', '@aws-sdk/*', '@smithy/*', 'electron'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'bench/results/', '.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  // The one rule of the house: electron only in src-main/electron.
  {
    files: ['src-main/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'bin/**/*.mjs'],
    ignores: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  // src-shared: contracts only, no Node, no other layer.
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'src-shared runs in the renderer too: no Node modules.' })),
        patterns: [
          { group: ['**/src-main/**', '**/src-renderer/**', '../src-main*', '../src-renderer*'], message: 'src-shared imports no other layer.' },
          { group: nodeOnlyPackages, message: 'src-shared imports no Node-only package.' },
        ],
      }],
    },
  },
  // src-renderer: React and src-shared only.
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer has no Node: ask main through the API contract in src-shared.' })),
        patterns: [
          { group: ['**/src-main/**', '../src-main*', '../../src-main*'], message: 'src-renderer imports only src-shared; call main through the typed client.' },
          { group: nodeOnlyPackages, message: 'src-renderer imports no Node-only package.' },
        ],
      }],
    },
  },
);
