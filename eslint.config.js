// Lint exists here mainly to enforce the layer rules of DESIGN.md §1 (tsconfig references enforce
// them a second time). Style is left to review; correctness rules that catch real bugs stay on.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'stream', 'url', 'util'];

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [typeof patterns === 'string' ? { regex: patterns, message } : { group: patterns, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'models/cache/**', 'models/weights/**', '**/*.d.ts'] },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-unreachable': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  layer(['src-main/contract/**/*.ts'], '^(?!zod$)(?!\\./)', 'contract/ imports only zod (DESIGN §1 rule 1).'),
  layer(
    ['src-main/engine/**/*.ts'],
    ['electron', 'electron/*', 'react', 'react-dom', '**/shell/**', '**/server/**', '**/src-renderer/**', '../../shell/*', '../../server/*'],
    'engine/ never imports electron, React, shell/, server/ or the renderer (DESIGN §1 rule 2).',
  ),
  layer(['src-main/server/**/*.ts'], ['electron', 'electron/*', '**/shell/**', '../shell/*'], 'server/ and shell/ never import each other (DESIGN §1 rule 4).'),
  layer(['src-main/shell/**/*.ts'], ['**/server/**', '../server/*'], 'server/ and shell/ never import each other (DESIGN §1 rule 4).'),
  {
    files: ['src-main/shell/preload.cts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!electron$)(?!\\.\\./contract/)', message: 'The preload imports electron and types from contract only (DESIGN §1 rule 5).' },
            { regex: '^\\.\\./contract/', allowTypeImports: true, message: 'Only `import type` from contract in the preload.' },
          ],
        },
      ],
    },
  },
  layer(['src-renderer/**/*.{ts,tsx}'], [...nodeBuiltins, 'electron', 'electron/*', '**/engine/**', '**/shell/**', '**/server/**'], 'src-renderer/ imports only contract/ (DESIGN §1 rule 6).'),
);
