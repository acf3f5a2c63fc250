// Lint enforces the layering of DESIGN.md §3: core is pure, render sees only core types,
// adapters never reach into render/tui/commands.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'process', 'stream', 'util'];
const heavy = ['@kubernetes/client-node', 'ink', 'react', 'yargs', 'yaml'];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/out/', 'release/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (STYLE.md).' },
        {
          selector: "CallExpression[callee.property.name='localeCompare']",
          message:
            'localeCompare follows LANG: sort names with textOrder (src/core/text-order.ts).',
        },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      ...restrict(
        [
          ...nodeBuiltins,
          ...heavy,
          '**/adapters/**',
          '**/render/**',
          '**/commands/**',
          '**/tui/**',
          '**/cli*',
        ],
        'src/core is pure: no I/O, no process, no heavy libraries (STYLE.md).',
      ),
      'no-restricted-globals': ['error', 'process', 'Date', 'setTimeout', 'fetch', 'console'],
    },
  },
  {
    files: ['src/render/**/*.ts'],
    ignores: ['src/render/**/*.test.ts'],
    rules: restrict(
      [
        ...nodeBuiltins,
        '@kubernetes/client-node',
        'ink',
        'react',
        'yargs',
        '**/adapters/**',
        '**/commands/**',
        '**/tui/**',
      ],
      'render turns core data into text and imports core only (STYLE.md).',
    ),
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/adapters/**/*.test.ts'],
    rules: restrict(
      ['**/render/**', '**/commands/**', '**/tui/**', '**/cli.js'],
      'adapters read facts and never decide or print (STYLE.md).',
    ),
  },
  {
    files: ['src/tui/**/*.ts', 'src/tui/**/*.tsx'],
    ignores: ['src/tui/**/*.test.ts', 'src/tui/**/*.test.tsx'],
    rules: restrict(
      ['@kubernetes/client-node', 'yargs', '**/adapters/**', '**/commands/**', '**/cli*'],
      'the TUI gets its data from the command that starts it, never from a source (STYLE.md).',
    ),
  },
  {
    files: ['**/*.js', '**/*.mjs', 'vitest*.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
    rules: { 'no-console': 'off', 'no-restricted-syntax': 'off' },
  },
  { files: ['vitest*.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  // benchmarks report on stdout
  { files: ['bench/**/*.ts'], rules: { 'no-console': 'off' } },
);
