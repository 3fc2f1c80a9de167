// A plain JavaScript ESM app on Node (no tsx, no build): the installed drizzle-shard must run as is.
// E2E_SHARDS is the dev cluster's shards as JSON: [{ primary, replicas: [...] }, ...].
import assert from 'node:assert/strict';
import { count, eq } from 'drizzle-orm';
import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sharded, shardedDrizzle } from 'drizzle-shard';

// The same tables as src/schema.ts (created by the drizzle-kit migration), written in JavaScript.
const users = sharded(
  pgTable('users', { id: bigint('id', { mode: 'number' }).primaryKey(), name: text('name').notNull() }),
  { key: (t) => t.id },
);
const orders = sharded(
  pgTable(
    'orders',
    {
      id: integer('id').notNull(),
      userId: bigint('user_id', { mode: 'number' }).notNull(),
      total: integer('total').notNull(),
      createdAt: timestamp('created_at').notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);

const shards = JSON.parse(process.env.E2E_SHARDS ?? '[]');
assert.equal(shards.length, 2, 'E2E_SHARDS names two shards');
const db = shardedDrizzle({ schema: { users, orders }, shards });
try {
  const ids = Array.from({ length: 20 }, (_, i) => 1000 + i);
  await db.insert(users).values(ids.map((id) => ({ id, name: `user ${id}` })));
  await db.insert(orders).values(ids.map((userId, i) => ({ id: 1, userId, total: i })));

  const [one] = await db.select().from(users).where(eq(users.id, 1007));
  assert.equal(one?.name, 'user 1007');
  console.log('ok   insert and read through shardedDrizzle');

  const perShard = [];
  for (let i = 0; i < db.shardCount; i++) {
    const [row] = await db.shardAt(i).select({ n: count() }).from(users);
    perShard.push(row.n);
  }
  assert.ok(
    perShard.every((n) => n > 0),
    `rows on every shard: ${perShard.join(', ')}`,
  );
  const [all] = await db.allShards().select({ n: count() }).from(users);
  assert.equal(all?.n, 20);
  console.log(`ok   db.allShards() counts 20 users (${perShard.join(' + ')} per shard)`);

  const session = db.startSession({ key: 1003 });
  const seen = await session.run(async () => {
    await db.update(users).set({ name: 'renamed' }).where(eq(users.id, 1003));
    return db.select().from(users).where(eq(users.id, 1003));
  });
  assert.equal(seen[0]?.name, 'renamed');
  console.log('ok   a read-your-writes session reads its own write');
} finally {
  await db.close();
}
