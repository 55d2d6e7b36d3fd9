import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } },
  },
  {
    // The core is plain Node: it must run (and be tested) without Electron.
    files: ['src-main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src-main/core never imports electron; put it in src-main/electron/.' }],
          patterns: ['electron/*', '**/electron/**'],
        },
      ],
    },
  },
  {
    // The renderer sees the contract's types only; values would drag main-process code into the bundle.
    files: ['src-renderer/**'],
    // Component tests may stand a real core behind the bridge; the app itself may not.
    ignores: ['src-renderer/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**', '!**/src-main/contract*'], message: 'The renderer talks to the core through lib/api.ts only.' },
            { group: ['**/src-main/contract*'], allowTypeImports: true, message: 'Import the contract with `import type`.' },
          ],
        },
      ],
    },
  },
);
