import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../src/demo/main.ts', import.meta.url));

/** The value cells of a stage's summary row: "stage │ metric │ before │ after". */
function summaryRow(stdout: string, stage: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith(stage) && l.split('│').length === 4);
  expect(line, `summary row for ${stage}`).toBeDefined();
  return line!.split('│').map((c) => c.trim());
}

describe('pnpm demo --scale tiny', () => {
  it('walks the seed stages end to end with measured figures, exit 0', { timeout: 240_000 }, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', demo, '--scale', 'tiny'], {
      encoding: 'utf8',
      timeout: 230_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/shard 0: \d+ users/);
    expect(out).toContain('SHARD_KEY_MISSING');
    expect(out).toContain('new=1000, paid=2000');
    // 1: the direct burst hits max_connections; PgBouncer serves everyone.
    const [, , directErrors, pooledErrors] = summaryRow(out, '1. PgBouncer');
    expect(Number(directErrors)).toBeGreaterThan(0);
    expect(pooledErrors).toBe('0');
    // 2: reads leave the primaries.
    const [, , , primaryShare] = summaryRow(out, '2. Read replicas');
    expect(Number.parseInt(primaryShare!, 10)).toBeLessThan(50);
    // 3: naive routing reads stale data; both consistency modes read none.
    expect(out).toMatch(/naive: [1-9]\d*/);
    expect(out).toContain('window: 0, lsn: 0');
    // 4: the recommended index replaces the sort.
    expect(out).toMatch(/Limit > Index Scan \(orders_user_id_created_at_desc_idx\)/);
    const [, , slow, fast] = summaryRow(out, '4. Recommended index');
    expect(Number.parseFloat(fast!)).toBeLessThan(Number.parseFloat(slow!));
    // 5: the old half of the events moves to the archive, verified; the report agrees.
    expect(out).toMatch(/archived rows, verified per batch .*│\s+\d+ in \d+ batches/);
    expect(out).toMatch(/report equal on both .*│\s+yes/);
    const [, , bigger, smaller] = summaryRow(out, '5. Analytics offload');
    expect(Number.parseFloat(smaller!)).toBeLessThan(Number.parseFloat(bigger!));
    // 6: both throughputs measured.
    const [, , one, four] = summaryRow(out, '6. Sharding');
    expect(one).toMatch(/^\d+\/s$/);
    expect(four).toMatch(/^\d+\/s \(\d+\.\d\d×\)$/);
    expect(out).toContain('every server was stopped');
  });
});
