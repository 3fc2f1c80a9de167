// `pnpm demo`: starts a local 2-shard cluster with the test kit, writes the seed's data
// through drizzle-shard, and shows routed reads, a refused key-less query and a fan-out.
// (The full walkthrough of the seed's stages is tracked in the demo issue.)
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { count, desc, eq, sum } from 'drizzle-orm';
import { isDrizzleShardError, shardedDrizzle } from 'drizzle-shard';
import { countries, DDL, orders, schema, users } from '../schema.ts';

const USERS = 200;
let cluster: Cluster | undefined;

async function shutdown(code: number): Promise<never> {
  await cluster?.destroy();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

async function main(): Promise<void> {
  console.log('Starting a local cluster: 2 shards (PostgreSQL primaries)…');
  cluster = await startCluster({ shards: 2 });
  for (const shard of cluster.shards) await runSql(shard.primary.url, DDL);
  const db = shardedDrizzle({ schema, shards: cluster.shards.map((s) => ({ primary: s.primary.url })) });

  await db.insert(countries).values([
    { code: 'NO', name: 'Norway' },
    { code: 'JP', name: 'Japan' },
  ]);
  const ids = Array.from({ length: USERS }, (_, i) => i + 1);
  await db
    .insert(users)
    .values(ids.map((id) => ({ id, email: `user${id}@example.com`, name: `User ${id}` })));
  await db.insert(orders).values(
    ids.flatMap((userId) =>
      [1, 2, 3].map((id) => ({
        id,
        userId,
        status: id === 3 ? 'new' : 'paid',
        total: `${userId}.${id}0`,
        createdAt: `2024-05-0${id} 12:00:00`,
      })),
    ),
  );
  console.log(`Inserted ${USERS} users and ${USERS * 3} orders; multi-row inserts were split by shard.`);

  for (const [i, shard] of cluster.shards.entries()) {
    const [row] = await runSql<{ n: number }[]>(shard.primary.url, 'select count(*)::int as n from users');
    console.log(`  shard ${i}: ${row!.n} users (PostgreSQL hashint8extended(id, 0) → bucket → shard)`);
  }

  const userId = 7;
  const recent = await db
    .select()
    .from(orders)
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt))
    .limit(20);
  console.log(
    `\nUser ${userId} lives on shard ${db.shardMap.shardOf(userId, 'int')}; their latest orders (routed to that shard only):`,
  );
  console.table(recent.map((o) => ({ id: o.id, status: o.status, total: o.total, createdAt: o.createdAt })));

  try {
    await db.select().from(orders).where(eq(orders.status, 'new'));
  } catch (error) {
    if (!isDrizzleShardError(error, 'SHARD_KEY_MISSING')) throw error;
    console.log(
      `A query without the key is refused before touching any database:\n  ${error.code}: ${error.message}`,
    );
  }

  const byStatus = await db
    .allShards()
    .select({ status: orders.status, orders: count(), revenue: sum(orders.total) })
    .from(orders)
    .groupBy(orders.status)
    .orderBy(orders.status);
  console.log('\nAn explicit fan-out, re-aggregated across shards:');
  console.table(byStatus);

  await db.close();
  console.log('Done; cleaning up the cluster.');
}

main().then(
  () => shutdown(0),
  (error: unknown) => {
    console.error(error);
    return shutdown(1);
  },
);
