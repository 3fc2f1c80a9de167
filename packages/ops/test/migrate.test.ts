import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateShards, migrateStatus } from '../src/index.ts';

const FOLDER = path.join(import.meta.dirname, 'fixtures/migrations');
let cluster: Cluster;
const targets = () => cluster.shards.map((s) => ({ shard: s.index, url: s.primary.url }));

beforeAll(async () => {
  cluster = await startCluster({ shards: 4, replicas: 1 });
});
afterAll(() => cluster?.destroy());

it('a failing shard stops the run with a report; the re-run completes; status then shows every shard current', async () => {
  // Shard 2 already has a table the third migration creates: its migration fails there.
  await runSql(cluster.shards[2]!.primary.url, 'create table referrals (x int)');
  const first = await migrateShards(FOLDER, targets());
  expect(first.ok).toBe(false);
  expect(first.shards.map((s) => s.state)).toEqual(['migrated', 'migrated', 'failed', 'skipped']);
  expect(first.shards[2]!.error).toMatch(/referrals.*already exists/);
  // All or nothing per shard: shard 2 has none of the three (one transaction).
  const midway = await migrateStatus(FOLDER, targets());
  expect(midway.shards.map((s) => s.behind)).toEqual([0, 0, 3, 3]);
  expect(midway.ok).toBe(false);

  await runSql(cluster.shards[2]!.primary.url, 'drop table referrals');
  const second = await migrateShards(FOLDER, targets());
  expect(second.ok).toBe(true);
  expect(second.shards.map((s) => [s.state, s.applied])).toEqual([
    ['up-to-date', 0],
    ['up-to-date', 0],
    ['migrated', 3],
    ['migrated', 3],
  ]);
  const status = await migrateStatus(FOLDER, targets());
  expect(status).toMatchObject({ total: 3, ok: true });
  expect(new Set(status.shards.map((s) => s.schemaHash)).size).toBe(1);
  // Replicas follow: the last migration's table is on shard 3's replica.
  for (let i = 0; ; i++) {
    const rows = await runSql<{ n: number }[]>(
      cluster.shards[3]!.replicas[0]!.url,
      "select count(*)::int as n from pg_tables where tablename = 'referrals'",
    );
    if (rows[0]!.n === 1) break;
    if (i > 100) throw new Error('replica never got the migration');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

it('status detects a shard altered by hand, naming what differs', async () => {
  await runSql(cluster.shards[1]!.primary.url, 'alter table coupons add column note text');
  const status = await migrateStatus(FOLDER, targets());
  expect(status.ok).toBe(false);
  expect(status.shards.map((s) => s.drift)).toEqual([false, true, false, false]);
  expect(status.shards[1]!.extra.join('\n')).toContain('coupons.note text');
  expect(status.shards[1]!.behind).toBe(0);
});
