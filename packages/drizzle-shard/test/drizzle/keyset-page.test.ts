import { eq, gt } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysetPage, sharded } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { orders, schema } from '../support/schema.ts';

const order = { createdAt: 'desc', userId: 'asc', id: 'asc' } as const;

async function allPages(db: Parameters<typeof keysetPage>[0], limit: number, where?: ReturnType<typeof gt>) {
  const seen: (typeof orders.$inferSelect)[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page: Awaited<ReturnType<typeof keysetPage<typeof orders>>> = await keysetPage(db, {
      from: orders,
      where,
      orderBy: order,
      limit,
      after,
    });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    seen.push(...page.rows);
    after = page.nextCursor;
    pages++;
  } while (after);
  return { seen, pages };
}

describe('keysetPage over shards', () => {
  let fleet: Fleet;
  let single: PostgresJsDatabase<typeof schema>;
  let singleClient: postgres.Sql;
  beforeAll(async () => {
    fleet = await startFleet(3, { extraNodes: 1 });
    singleClient = postgres(fleet.cluster.shards[3]!.primary.url, { max: 2, onnotice: () => {} });
    single = drizzle(singleClient, { schema });
    // Many equal timestamps, so the tie-breaking columns matter.
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: i,
      userId: (i * 7) % 41,
      status: i % 3 === 0 ? 'paid' : 'new',
      total: '1.00',
      qty: i % 10,
      createdAt: `2024-01-0${1 + (i % 5)} 10:00:00`,
    }));
    await fleet.db.insert(orders).values(rows);
    await single.insert(orders).values(rows);
  });
  afterAll(async () => {
    await singleClient?.end();
    await fleet?.stop();
  });

  it('walks every row exactly once, in the order one database gives', async () => {
    const expected = await single.query.orders.findMany({
      orderBy: (o, { asc, desc }) => [desc(o.createdAt), asc(o.userId), asc(o.id)],
    });
    const sharded = await allPages(fleet.db.allShards(), 37);
    expect(sharded.seen).toEqual(expected);
    expect(sharded.pages).toBe(Math.ceil(500 / 37));
    const plain = await allPages(single, 37);
    expect(plain.seen).toEqual(expected);
  });

  it('applies the filter on every page, and a one-shard db pages its shard', async () => {
    const filtered = await allPages(fleet.db.allShards(), 50, gt(orders.qty, 6));
    expect(filtered.seen).toEqual(
      await single.query.orders.findMany({
        where: gt(orders.qty, 6),
        orderBy: (o, { asc, desc }) => [desc(o.createdAt), asc(o.userId), asc(o.id)],
      }),
    );
    const mine = await allPages(fleet.db.shard(7), 3, eq(orders.userId, 7));
    expect(mine.seen.map((r) => r.userId)).toEqual(mine.seen.map(() => 7));
    expect(mine.seen.length).toBe((await single.select().from(orders).where(eq(orders.userId, 7))).length);
  });

  it('rejects tampered cursors and orderings that are not total', async () => {
    const first = await keysetPage(fleet.db.allShards(), { from: orders, orderBy: order, limit: 5 });
    const tampered = `${first.nextCursor!.slice(0, -2)}x`;
    await expect(
      keysetPage(fleet.db.allShards(), { from: orders, orderBy: order, limit: 5, after: tampered }),
    ).rejects.toMatchObject({ code: 'FANOUT_CURSOR_INVALID' });
    await expect(
      keysetPage(fleet.db.allShards(), {
        from: orders,
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: 5,
        after: first.nextCursor,
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(
      keysetPage(fleet.db.allShards(), {
        from: orders,
        orderBy: { createdAt: 'asc', userId: 'asc', id: 'asc' },
        limit: 5,
        after: first.nextCursor,
      }),
    ).rejects.toMatchObject({ code: 'FANOUT_CURSOR_INVALID' });
    await expect(
      keysetPage(fleet.db.allShards(), { from: orders, orderBy: order, limit: 0 }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    const events = sharded(
      pgTable('events', { userId: text('user_id').primaryKey(), at: timestamp('at').notNull() }),
      { key: (t) => t.userId },
    );
    await expect(
      keysetPage(fleet.db.allShards(), { from: events, orderBy: { at: 'asc', userId: 'asc' }, limit: 5 }),
    ).rejects.toThrow(/drops the microseconds/);
  });
});
