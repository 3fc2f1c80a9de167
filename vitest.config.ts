import { defineConfig } from 'vitest/config';

// Every database test starts real PostgreSQL processes; keep parallelism low on 2 cores
// and give cluster start-up room. Tests assert behaviour, never milliseconds: the timeouts are
// safety nets sized for a loaded CI machine (a 2-core box at load 18 ran one generate test in 101 s).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    testTimeout: 300_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 2,
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    reporters: ['default'],
  },
});
