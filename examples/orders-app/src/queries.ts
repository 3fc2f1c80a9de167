// The seed's queries, as the app writes them. `drizzle-shard generate` reads this file for
// access patterns (indexes to recommend, queries that fan out) and emits key-bound helpers.
import { count, desc, eq, lt } from 'drizzle-orm';
import type { ShardedDatabase } from 'drizzle-shard';
import { events, logs, orders, type schema, users } from './schema.ts';

type Db = ShardedDatabase<typeof schema>;

/** The seed's slow query: SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20. */
export function recentOrders(db: Db, userId: number) {
  return db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt)).limit(20);
}

/** A user's profile, by key. */
export function profile(db: Db, userId: number) {
  return db.select().from(users).where(eq(users.id, userId));
}

/** Login: find a user by email. Emails are not the shard key, so this asks every shard. */
export function userByEmail(db: Db, email: string) {
  return db.allShards().select().from(users).where(eq(users.email, email));
}

/** Password change: a write by key. */
export function setPassword(db: Db, userId: number, passwordHash: string) {
  return db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** Password change as the API does it: the write, an analytics event and a log line, in one shard transaction. */
export function changePassword(db: Db, userId: number, passwordHash: string) {
  return db.shard(userId).transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await tx.insert(events).values({ userId, kind: 'password_changed' });
    await tx.insert(logs).values({ userId, level: 'info', message: 'password changed' });
  });
}

/** The seed's kind of analytics report: events per kind before a date, over every shard. */
export function eventsByKind(db: Db, before: string) {
  return db
    .allShards()
    .select({ kind: events.kind, events: count() })
    .from(events)
    .where(lt(events.createdAt, before))
    .groupBy(events.kind)
    .orderBy(events.kind);
}
