import { desc, eq } from 'drizzle-orm';
import type { ShardedDatabase } from 'drizzle-shard';
import { orders } from './schema.js';

/** The query `drizzle-shard generate` should find an index for: (user_id, created_at DESC). */
export function latestOrders(db: ShardedDatabase<Record<string, unknown>>, userId: number) {
  return db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt)).limit(20);
}
