import { shardedDrizzle } from 'drizzle-shard';
import { insertOrders, ordersOf } from '../drizzle-shard/helpers.ts';
import * as schema from './schema.js';

/** Uses the generated helpers; the build fails if their key type does not reach the app. */
export async function typedUse(primaries: string[]): Promise<number> {
  const db = shardedDrizzle({ schema, shards: primaries.map((primary) => ({ primary })) });
  await insertOrders(db, [{ id: 1, userId: 7, total: 10 }]);
  const rows = await ordersOf(db, 7).find();
  const total: number = rows[0]?.total ?? 0;
  // @ts-expect-error orders are sharded by a numeric user_id: a string key must not type-check
  ordersOf(db, 'seven');
  await db.close();
  return total;
}
