import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeShardId, type ShardedDatabase, sharded, shardedDrizzle } from '../../src/index.ts';

const tickets = sharded(
  pgTable(
    'tickets',
    {
      id: bigint('id', { mode: 'bigint' }).notNull(),
      userId: bigint('user_id', { mode: 'number' }).notNull(),
      subject: text('subject').notNull(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);
const schema = { tickets };

let cluster: Cluster;
let db: ShardedDatabase<typeof schema>;

beforeAll(async () => {
  cluster = await startCluster({ shards: 3 });
  for (const s of cluster.shards) {
    await runSql(
      s.primary.url,
      'create table tickets (id bigint not null, user_id bigint not null, subject text not null, primary key (user_id, id))',
    );
  }
  db = shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
    pool: { max: 4 },
  });
  await db.installShardIds();
  await db.installShardIds(); // idempotent
});
afterAll(async () => {
  await db?.close();
  await cluster?.destroy();
});

it('ids made in the database carry the key bucket, are unique, and route alone to their row', async () => {
  const before = Date.now();
  const made: { id: bigint; userId: number }[] = [];
  for (let batch = 0; batch < 20; batch++) {
    const rows = Array.from({ length: 100 }, (_, i) => {
      const userId = batch * 100 + i;
      return { id: db.newId(userId), userId, subject: `t${userId}` };
    });
    made.push(
      ...(await db.insert(tickets).values(rows).returning({ id: tickets.id, userId: tickets.userId })),
    );
  }
  expect(made).toHaveLength(2000);
  expect(new Set(made.map((r) => r.id)).size).toBe(2000);
  for (const { id, userId } of made) {
    const parts = decodeShardId(id);
    expect(parts.bucket).toBe(db.shardMap.bucketOf(userId, 'int'));
    expect(parts.time.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(parts.time.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  }
  // Route by the id alone: every lookup finds its row on the shard the id names.
  for (const { id, userId } of made.slice(0, 200)) {
    const rows = await db.shardById(id).select().from(tickets).where(eq(tickets.id, id));
    expect(rows).toEqual([{ id, userId, subject: `t${userId}` }]);
  }
  expect(db.shardById(made[0]!.id)).toBe(db.shard(made[0]!.userId));
});
