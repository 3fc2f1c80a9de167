import { describe, expect, it } from 'vitest';
import { PreflightError, preflight } from '../src/demo/preflight.ts';

/** The process environment with the demo's own switches set (no installs from a test). */
const env = (extra: Record<string, string>) => ({
  ...process.env,
  DRIZZLE_SHARD_DEMO_INSTALL: '0',
  ...extra,
});

describe('demo preflight', () => {
  it('without PgBouncer: finds PostgreSQL, says in one line that stage 1 is skipped and how to get it', () => {
    const lines: string[] = [];
    const machine = preflight((l) => lines.push(l), env({ PGBOUNCER_BIN: '/nonexistent/pgbouncer' }));
    expect(machine.pgbouncer).toBeUndefined();
    expect(machine.postgres.binDir).toBeTruthy();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no PgBouncer, so stage 1 is skipped \(to run it: .*pgbouncer/);
  });

  it('with PGBOUNCER_BIN pointing at a binary: uses it', () => {
    const lines: string[] = [];
    const machine = preflight((l) => lines.push(l), env({ PGBOUNCER_BIN: process.execPath }));
    expect(machine.pgbouncer).toBe(process.execPath);
    expect(lines[0]).toContain(`PgBouncer ${process.execPath}`);
  });

  it('no PostgreSQL binaries: a PreflightError with the one line saying what to set', () => {
    expect(() => preflight(() => {}, env({ PG_BIN: '/nonexistent' }))).toThrow(PreflightError);
    expect(() => preflight(() => {}, env({ PG_BIN: '/nonexistent' }))).toThrow(
      /PG_BIN=\/nonexistent does not contain/,
    );
  });
});
