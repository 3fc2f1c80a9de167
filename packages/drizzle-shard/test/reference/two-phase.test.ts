import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runSql } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../support/fleet.ts';

const fixture = fileURLToPath(new URL('../fixtures/crash-during-2pc.ts', import.meta.url));

function crashWriter(urls: string[], crashAt: string, code: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, SHARD_URLS: JSON.stringify(urls), CRASH_AT: crashAt, CODE: code },
      stdio: 'inherit',
    });
    child.once('exit', (_code, signal) => resolve(signal));
  });
}

describe('reference-table writes survive a crash between PREPARE and COMMIT', () => {
  let fleet: Fleet;
  let urls: string[];
  const rowsOn = (code: string) =>
    Promise.all(
      urls.map((u) =>
        runSql<{ n: number }[]>(u, `select count(*)::int as n from countries where code = '${code}'`).then(
          (r) => r[0]!.n,
        ),
      ),
    );
  const prepared = () =>
    Promise.all(
      urls.map((u) =>
        runSql<{ n: number }[]>(u, 'select count(*)::int as n from pg_prepared_xacts').then((r) => r[0]!.n),
      ),
    );

  beforeAll(async () => {
    fleet = await startFleet(3);
    urls = fleet.cluster.shards.map((s) => s.primary.url);
  });
  afterAll(() => fleet?.stop());

  it('killed after every shard prepared: recovery rolls back, the row is on no shard', async () => {
    expect(await crashWriter(urls, 'after-prepare', 'AA')).toBe('SIGKILL');
    expect(await prepared()).toEqual([1, 1, 1]);
    const report = await fleet.db.recoverPreparedTransactions({ olderThanMs: 0 });
    expect(report.rolledBack).toHaveLength(3);
    expect(await prepared()).toEqual([0, 0, 0]);
    expect(await rowsOn('AA')).toEqual([0, 0, 0]);
  });

  it('killed after the decision committed on shard 0: recovery commits the rest, the row is on every shard', async () => {
    expect(await crashWriter(urls, 'after-decision', 'BB')).toBe('SIGKILL');
    expect(await prepared()).toEqual([0, 1, 1]);
    const report = await fleet.db.recoverPreparedTransactions({ olderThanMs: 0 });
    expect(report.committed).toHaveLength(2);
    expect(await rowsOn('BB')).toEqual([1, 1, 1]);
  });
});
