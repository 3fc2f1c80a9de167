import type { Cluster } from '@drizzle-shard/testing';
import { runSql } from '@drizzle-shard/testing';
import { count, desc, eq, sum } from 'drizzle-orm';
import { isDrizzleShardError, type ShardedDatabase } from 'drizzle-shard';
import { countries, orders, type schema, users } from '../schema.ts';
import { DEMO_USERS } from './stages/replicas.ts';

/** Loads the users and their orders through the sharded db and shows routing, refusal and fan-out. */
export async function basics(
  cluster: Cluster,
  db: ShardedDatabase<typeof schema>,
  log: (line: string) => void,
) {
  await db.insert(countries).values([
    { code: 'NO', name: 'Norway' },
    { code: 'JP', name: 'Japan' },
  ]);
  const ids = Array.from({ length: DEMO_USERS }, (_, i) => i + 1);
  for (let i = 0; i < ids.length; i += 250) {
    const batch = ids.slice(i, i + 250);
    await db
      .insert(users)
      .values(batch.map((id) => ({ id, email: `user${id}@example.com`, name: `User ${id}` })));
    await db.insert(orders).values(
      batch.flatMap((userId) =>
        [1, 2, 3].map((id) => ({
          id,
          userId,
          status: id === 3 ? 'new' : 'paid',
          total: `${userId % 100}.${id}0`,
          createdAt: `2024-05-0${id} 12:00:00`,
        })),
      ),
    );
    log(`  loaded ${Math.min(i + 250, ids.length)}/${ids.length} users with 3 orders each`);
  }
  for (const [i, shard] of cluster.shards.entries()) {
    const [row] = await runSql<{ n: number }[]>(shard.primary.url, 'select count(*)::int as n from users');
    log(`  shard ${i}: ${row!.n} users (PostgreSQL hashint8extended(id, 0) → bucket → shard)`);
  }
  const recent = await db
    .select()
    .from(orders)
    .where(eq(orders.userId, 7))
    .orderBy(desc(orders.createdAt))
    .limit(20);
  log(
    `  user 7 lives on shard ${db.shardMap.shardOf(7, 'int')}: ${recent.length} latest orders read from that shard only`,
  );
  try {
    // eslint-disable-next-line drizzle-shard/require-shard-key -- on purpose: the demo shows the run-time refusal
    await db.select().from(orders).where(eq(orders.status, 'new'));
  } catch (error) {
    if (!isDrizzleShardError(error, 'SHARD_KEY_MISSING')) throw error;
    log(`  a query without the key is refused before touching any database: ${error.code}`);
  }
  const byStatus = await db
    .allShards()
    .select({ status: orders.status, orders: count(), revenue: sum(orders.total) })
    .from(orders)
    .groupBy(orders.status)
    .orderBy(orders.status);
  log(`  an explicit fan-out, re-aggregated: ${byStatus.map((r) => `${r.status}=${r.orders}`).join(', ')}`);
}
