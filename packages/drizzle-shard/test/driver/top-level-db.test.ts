import { eq, sql } from 'drizzle-orm';
import { Cache, type MutationOption } from 'drizzle-orm/cache/core';
import type { Logger } from 'drizzle-orm/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isDrizzleShardError } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { countries, orders, settings, users } from '../support/schema.ts';

/** A cache that remembers what it was asked (strategy 'explicit': only $withCache queries). */
class MemoryCache extends Cache {
  readonly entries = new Map<string, unknown>();
  readonly mutations: MutationOption[] = [];
  override strategy() {
    return 'explicit' as const;
  }
  override async get(key: string) {
    return this.entries.get(key) as never;
  }
  override async put(key: string, response: unknown) {
    this.entries.set(key, response);
  }
  override async onMutate(params: MutationOption) {
    this.mutations.push(params);
    this.entries.clear();
  }
}

class CountingLogger implements Logger {
  counts = 0;
  logQuery(query: string): void {
    if (query.includes('count(')) this.counts++;
  }
}

const cache = new MemoryCache();
const logger = new CountingLogger();
let fleet: Fleet;
const db = () => fleet.db;
const keyOn = (shard: number, skip = 0) =>
  Array.from({ length: 200 }, (_, i) => i + 1).filter((k) => db().shardMap.shardOf(k, 'int') === shard)[
    skip
  ]!;

beforeAll(async () => {
  fleet = await startFleet(2, { cache, logger });
  for (const shard of [0, 1]) {
    for (const skip of [0, 1]) {
      const id = keyOn(shard, skip);
      await db()
        .insert(users)
        .values({ id, email: `u${id}@x`, name: `U${id}` });
    }
  }
  await db()
    .insert(countries)
    .values([
      { code: 'FR', name: 'France' },
      { code: 'SE', name: 'Sweden' },
    ]);
  await db().insert(settings).values({ key: 'a', value: '1' });
}, 120_000);
afterAll(async () => {
  await fleet?.stop();
});

describe('the top-level db keeps drizzle’s $cache', () => {
  it('is the configured cache: spied on, and invalidated through it', async () => {
    expect(db().$cache).toBe(cache);
    expect(db().allShards().$cache).toBe(cache);
    const put = vi.spyOn(db().$cache as unknown as MemoryCache, 'put');
    const k = keyOn(1);
    const first = await db().select().from(users).where(eq(users.id, k)).$withCache();
    expect(put).toHaveBeenCalledTimes(1);
    expect(await db().select().from(users).where(eq(users.id, k)).$withCache()).toEqual(first);
    expect(put).toHaveBeenCalledTimes(1); // the second answer came from the cache
    put.mockRestore();

    await db().$cache.invalidate({ tables: 'users' });
    expect(cache.mutations.at(-1)).toEqual({ tables: 'users' });
    expect(cache.entries.size).toBe(0);
  });
});

describe('the top-level db keeps drizzle’s $count contract', () => {
  it('is lazy and runs again on every await', async () => {
    const k = keyOn(1);
    const before = logger.counts;
    const counted = db().$count(users, eq(users.id, k));
    expect(logger.counts).toBe(before); // nothing ran yet
    expect(await counted).toBe(1);
    await db().delete(users).where(eq(users.id, k));
    expect(await counted).toBe(0); // the same builder, run again
    await db()
      .insert(users)
      .values({ id: k, email: `u${k}@x`, name: `U${k}` });
    expect(await counted).toBe(1);
    expect(logger.counts).toBe(before + 3);
  });

  it('routes by the key, answers reference and home tables, and fans out only when asked', async () => {
    expect(await db().$count(users, eq(users.id, keyOn(0)))).toBe(1);
    expect(await db().$count(countries)).toBe(2);
    expect(await db().$count(settings)).toBe(1);
    expect(await db().allShards().$count(users)).toBe(4);
    // drizzle's own count on one database gives the same number.
    const [one] = await db().allShards().select({ n: sql<number>`count(*)::int` }).from(users);
    expect(one?.n).toBe(4);
    // Without a key the top-level db cannot count a sharded table: a typed error, never a shard's count.
    await expect(db().$count(users)).rejects.toSatisfy((e) => isDrizzleShardError(e, 'SHARD_KEY_MISSING'));
  });

  it('is embeddable in a select when every shard holds the whole answer, refused otherwise', async () => {
    const k = keyOn(1);
    const rows = await db()
      .select({ id: users.id, n: db().$count(countries) })
      .from(users)
      .where(eq(users.id, k));
    expect(rows).toEqual([{ id: k, n: 2 }]);
    // Embedded, a sharded table's count would be the count of one shard only.
    await expect(
      db()
        .select({ id: users.id, n: db().$count(orders, eq(orders.userId, users.id)) })
        .from(users)
        .where(eq(users.id, k)),
    ).rejects.toSatisfy((e) => isDrizzleShardError(e, 'COUNT_NOT_EMBEDDABLE'));
    // On one shard, db.shard(k).$count is drizzle's own (that shard's rows, as asked).
    const bound = await db()
      .shard(k)
      .select({ id: users.id, n: db().shard(k).$count(users) })
      .from(users)
      .where(eq(users.id, k));
    expect(bound).toEqual([{ id: k, n: 2 }]);
  });
});
