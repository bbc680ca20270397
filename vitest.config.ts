import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts', 'test-support/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'e2e/**/*.spec.ts'],
    // Real sharp/SQLite/ONNX work on 2 cores: forks keep native modules isolated per file.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
