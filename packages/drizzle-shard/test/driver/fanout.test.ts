import { asc, avg, count, desc, max, min, sum } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanoutInfo } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { orders, schema, users } from '../support/schema.ts';

type OrderRow = typeof orders.$inferInsert;

const orderRows = fc.array(
  fc.record({
    userId: fc.integer({ min: 1, max: 60 }),
    status: fc.constantFrom('new', 'paid', 'shipped', 'void'),
    total: fc.integer({ min: 0, max: 99_999 }).map((c) => (c / 100).toFixed(2)),
    qty: fc.integer({ min: -5, max: 50 }),
    createdAt: fc
      .integer({ min: 0, max: 86_400 * 30 })
      .map((s) =>
        new Date(Date.UTC(2024, 0, 1) + s * 1000)
          .toISOString()
          .replace('T', ' ')
          .replace('Z', '')
          .slice(0, 19),
      ),
  }),
  { minLength: 0, maxLength: 80 },
);

describe('fan-out results equal the same query on one database', () => {
  let fleet: Fleet;
  let single: PostgresJsDatabase<typeof schema>;
  let singleClient: postgres.Sql;
  beforeAll(async () => {
    fleet = await startFleet(4, { extraNodes: 1 });
    singleClient = postgres(fleet.cluster.shards[4]!.primary.url, { max: 2, onnotice: () => {} });
    single = drizzle(singleClient, { schema });
  });
  afterAll(async () => {
    await singleClient?.end();
    await fleet?.stop();
  });

  async function load(rows: Array<Omit<OrderRow, 'id'>>): Promise<void> {
    await fleet.db.allShards().delete(orders);
    await single.delete(orders);
    const withIds = rows.map((r, i) => ({ ...r, id: i + 1 }));
    if (withIds.length > 0) {
      await fleet.db.insert(orders).values(withIds);
      await single.insert(orders).values(withIds);
    }
  }

  it('ORDER BY + LIMIT/OFFSET (k-way merge, limit pushed down)', async () => {
    await fc.assert(
      fc.asyncProperty(
        orderRows,
        fc.constantFrom('createdAt', 'total', 'qty', 'status'),
        fc.boolean(),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 10 }),
        async (rows, column, descending, limit, offset) => {
          await load(rows);
          const dir = descending ? desc : asc;
          const build = (db: PostgresJsDatabase<typeof schema>) =>
            db
              .select({ id: orders.id, userId: orders.userId, v: orders[column] })
              .from(orders)
              .orderBy(dir(orders[column]), asc(orders.userId), asc(orders.id))
              .limit(limit)
              .offset(offset);
          expect(await build(fleet.db.allShards())).toEqual(await build(single));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('COUNT/SUM/MIN/MAX/AVG with and without GROUP BY', async () => {
    await fc.assert(
      fc.asyncProperty(orderRows, fc.boolean(), async (rows, grouped) => {
        await load(rows);
        const fields = {
          n: count(),
          total: sum(orders.total),
          qty: sum(orders.qty),
          lo: min(orders.createdAt),
          hi: max(orders.total),
          avgQty: avg(orders.qty),
        };
        const norm = (r: Record<string, unknown>) => ({
          ...r,
          avgQty: r.avgQty === null ? null : Number(r.avgQty).toFixed(10),
        });
        if (grouped) {
          const build = (db: PostgresJsDatabase<typeof schema>) =>
            db
              .select({ status: orders.status, ...fields })
              .from(orders)
              .groupBy(orders.status)
              .orderBy(orders.status);
          expect((await build(fleet.db.allShards())).map(norm)).toEqual((await build(single)).map(norm));
        } else {
          const build = (db: PostgresJsDatabase<typeof schema>) => db.select(fields).from(orders);
          expect((await build(fleet.db.allShards())).map(norm)).toEqual((await build(single)).map(norm));
        }
        expect(await fleet.db.allShards().$count(orders)).toBe(await single.$count(orders));
      }),
      { numRuns: 25 },
    );
  });

  it('a failing shard: the default names it; the partial policy returns the rest flagged', async () => {
    await load([
      { userId: 1, status: 'new', total: '1.00', qty: 1, createdAt: '2024-01-01 00:00:00' },
      { userId: 2, status: 'new', total: '1.00', qty: 1, createdAt: '2024-01-01 00:00:00' },
    ]);
    await fleet.db.insert(users).values({ id: 1, email: 'a@x', name: 'a' });
    const down = fleet.cluster.shards[2]!.primary;
    await fleet.cluster.stop(down);
    try {
      const error = await fleet.db
        .allShards()
        .select()
        .from(orders)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'FANOUT_SHARD_FAILED',
        message: expect.stringContaining('Shard 2'),
      });
      const rows = await fleet.db.allShards({ onShardError: 'partial' }).select().from(orders);
      expect(fanoutInfo(rows)).toMatchObject({ partial: true, failedShards: [2] });
    } finally {
      await fleet.cluster.start(down);
    }
    const healthy = await fleet.db.allShards().select().from(orders);
    expect(fanoutInfo(healthy)?.partial).toBe(false);
    expect(healthy).toHaveLength(2);
  });
});
