import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../src/demo/main.ts', import.meta.url));

describe('pnpm demo', () => {
  it('runs end to end: routed reads, a refused key-less query, a fan-out, exit 0', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', demo], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/shard 0: \d+ users/);
    expect(run.stdout).toMatch(/shard 1: \d+ users/);
    expect(run.stdout).toContain('SHARD_KEY_MISSING');
    expect(run.stdout).toMatch(/'paid'\s*│\s*400/);
  });
});
