// Lint exists here mainly to enforce the layer rules of DESIGN.md §1 (tsconfig references enforce
// them a second time). Style is left to review; correctness rules that catch real bugs stay on.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'stream', 'url', 'util'];

// One no-restricted-imports config per file set: a later config for the same file REPLACES the rule,
// so a folder's own restrictions are listed together with the engine-wide one.
const layer = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: Array.isArray(patterns) && typeof patterns[0] === 'object' ? patterns : [typeof patterns === 'string' ? { regex: patterns, message } : { group: patterns, message }] }],
  },
});

const ENGINE_OUTSIDE = {
  regex: '^(electron|react|react-dom)(/.*)?$|(^|/)(shell|server|src-renderer)(/|$)',
  message: 'engine/ never imports electron, React, shell/, server/ or the renderer (DESIGN §1 rule 2).',
};

/** Import specifiers that reach an engine folder (or the engine's root files), by folder name. */
const reaching = (folders, rootFiles = true) => `(^|/)(${folders.join('|')})/${rootFiles ? '|(^|/)engine(-types)?\\.ts$' : ''}`;
const STAGES = ['ingest', 'media', 'analysis', 'recipes', 'render', 'immich', 'care'];
const ABOVE_STAGES = ['services', 'wiring', 'api'];
const below = (folder, folders, why) => [folder, { regex: reaching(folders), message: `engine/${folder}/ ${why} (docs/ARCHITECTURE.md).` }];

/** Each engine folder and the folders above it that it may not import. */
const ENGINE_BELOW = Object.fromEntries([
  below('base', ['library', 'jobs', 'doctor', ...STAGES, ...ABOVE_STAGES], 'is the bottom: it imports only contract/'),
  below('api', ['base', 'library', 'jobs', 'doctor', ...STAGES, 'services', 'wiring'], 'is transport-neutral dispatch: it imports only contract/'),
  below('library', ['jobs', 'doctor', ...STAGES, ...ABOVE_STAGES], 'imports only base/'),
  below('jobs', ['doctor', ...STAGES, ...ABOVE_STAGES], 'imports only library/ and base/'),
  below('recipes', ['library', 'jobs', 'doctor', ...STAGES.filter((s) => s !== 'recipes'), ...ABOVE_STAGES], 'is pure recipe logic: it imports only base/'),
  ...['doctor', ...STAGES.filter((s) => s !== 'recipes')].map((stage) => below(stage, ABOVE_STAGES, 'is an I/O stage: it never imports services/, wiring/, api/ or engine.ts')),
  below('services', ['wiring', 'api'], 'are the use cases: they never import wiring/, api/ or engine.ts'),
  ['wiring', { regex: '(^|/)engine(-types)?\\.ts$|(^|/)api/', message: 'engine/wiring/ is wired by engine.ts, never the reverse (docs/ARCHITECTURE.md).' }],
]);
const ENGINE_TESTS = ['**/*.test.ts', '**/test-*.ts', '**/*-test-*.ts', '**/testing/**'];

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
  layer(['src-main/engine/**/*.ts'], [ENGINE_OUTSIDE]),
  // Inside engine/, a folder imports only the layers below it (docs/ARCHITECTURE.md). Tests are free to
  // reach up (an integration test starts the whole engine), so these rules skip them.
  ...Object.entries(ENGINE_BELOW).map(([folder, rule]) => ({
    ...layer([`src-main/engine/${folder}/**/*.ts`], [ENGINE_OUTSIDE, rule]),
    ignores: ENGINE_TESTS,
  })),
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
