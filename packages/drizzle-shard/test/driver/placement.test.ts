import { runSql } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardMap } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { orders, users } from '../support/schema.ts';

describe('rows inserted through the top-level db land only on their shard', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet(4);
  });
  afterAll(() => fleet?.stop());

  it('10,000 users with orders: every shard holds only rows whose key hashes into its buckets', async () => {
    const { db, cluster } = fleet;
    for (let start = 1; start <= 10_000; start += 1000) {
      const ids = Array.from({ length: 1000 }, (_, i) => start + i);
      await db
        .insert(users)
        .values(ids.map((id) => ({ id, email: `u${id}@example.com`, name: `user ${id}` })));
      await db.insert(orders).values(
        ids.map((id) => ({
          id: 1,
          userId: id,
          status: 'new',
          total: '1.00',
          qty: 1,
          createdAt: '2024-01-01 00:00:00',
        })),
      );
    }
    let total = 0;
    for (const [index, shard] of cluster.shards.slice(0, 4).entries()) {
      for (const [table, column] of [
        ['users', 'id'],
        ['orders', 'user_id'],
      ] as const) {
        const [row] = await runSql<{ rows: number; foreign: number }[]>(
          shard.primary.url,
          `select count(*)::int as rows, count(*) filter (where not ${db.shardMap.ownsSql(column, 'int', index)})::int as foreign from ${table}`,
        );
        expect(row!.foreign, `foreign ${table} rows on shard ${index}`).toBe(0);
        expect(row!.rows).toBeGreaterThan(2000);
        if (table === 'users') total += row!.rows;
      }
    }
    expect(total).toBe(10_000);
  });
});

describe('modulo(4) keeps the seed layout', () => {
  it('user 7 lives on shard 3 (7 % 4)', async () => {
    const fleet = await startFleet(4, { shardMap: ShardMap.modulo(4) });
    try {
      await fleet.db.insert(users).values({ id: 7, email: 'seven@example.com', name: 'seven' });
      const counts = await Promise.all(
        fleet.cluster.shards.map((s) =>
          runSql<{ n: number }[]>(s.primary.url, 'select count(*)::int as n from users where id = 7'),
        ),
      );
      expect(counts.map((c) => c[0]!.n)).toEqual([0, 0, 0, 1]);
      expect(ShardMap.modulo(4).shardOf(7, 'int')).toBe(3);
    } finally {
      await fleet.stop();
    }
  });
});
