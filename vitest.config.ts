import { defineConfig } from 'vitest/config';

// Every database test starts real PostgreSQL processes; keep parallelism low on 2 cores
// and give cluster start-up room. Tests assert behaviour, never milliseconds.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 2,
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    reporters: ['default'],
  },
});
