import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError, shardedDrizzle } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { countries, orders, schema, settings, users } from '../support/schema.ts';

describe('a query without a usable shard key', () => {
  // Nothing listens on these ports: any database access would fail with a connection error.
  const offline = shardedDrizzle({
    schema,
    shards: [
      { primary: 'postgres://app:hunter2@127.0.0.1:1/none' },
      { primary: 'postgres://app:hunter2@127.0.0.1:2/none' },
    ],
    pool: { connect_timeout: 1 },
  });
  afterAll(() => offline.close());

  it('throws SHARD_KEY_MISSING naming the table and key before touching any database', async () => {
    for (const query of [
      offline.select().from(orders),
      offline.select().from(orders).where(gt(orders.qty, 3)),
      offline.update(orders).set({ status: 'x' }).where(eq(orders.status, 'new')),
      offline.delete(users).where(eq(users.email, 'a@b')),
      offline.select().from(orders).where(sql`${orders.userId} > 5`),
    ]) {
      const error = await Promise.resolve(query).catch((e: unknown) => e);
      expect(isDrizzleShardError(error, 'SHARD_KEY_MISSING'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/"(orders|users)".*"(user_id|id)"/);
    }
  });

  it('an OR whose branches do not all pin the key is not routable', async () => {
    const error = await offline
      .select()
      .from(orders)
      .where(sql`(${eq(orders.userId, 1)} or ${eq(orders.status, 'x')})`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SHARD_KEY_MISSING' });
  });

  it('raw SQL and transactions on the top-level db say how to pick a shard', async () => {
    await expect(offline.execute(sql`select 1`)).rejects.toMatchObject({ code: 'RAW_SQL_NEEDS_SHARD' });
    await expect(offline.transaction(async () => {})).rejects.toMatchObject({
      code: 'TRANSACTION_NEEDS_SHARD',
    });
  });

  it('an update that changes the shard key is refused', async () => {
    await expect(offline.update(orders).set({ userId: 9 }).where(eq(orders.userId, 1))).rejects.toMatchObject(
      {
        code: 'SHARD_KEY_UPDATE',
      },
    );
  });

  it('a join of a sharded and an unsharded table is refused', async () => {
    const error = await offline
      .select()
      .from(orders)
      .innerJoin(settings, eq(settings.key, orders.status))
      .where(eq(orders.userId, 1))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CROSS_SHARD_JOIN' });
  });
});

describe('routing against a real 4-shard cluster', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet(4);
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    await fleet.db.insert(users).values(ids.map((id) => ({ id, email: `u${id}@x`, name: `u${id}` })));
    await fleet.db.insert(orders).values(
      ids.flatMap((id) =>
        [1, 2, 3].map((n) => ({
          id: n,
          userId: id,
          status: n === 1 ? 'new' : 'paid',
          total: `${id}.${n}0`,
          qty: n,
          createdAt: `2024-02-${String(n).padStart(2, '0')} 0${n}:00:00`,
        })),
      ),
    );
  });
  afterAll(() => fleet?.stop());

  it('routes eq, and(), inArray across shards, and colocated joins', async () => {
    const { db } = fleet;
    expect(await db.select({ id: users.id }).from(users).where(eq(users.id, 5))).toEqual([{ id: 5 }]);
    const two = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.userId, 9), gt(orders.qty, 1)));
    expect(two.map((r) => r.id).sort()).toEqual([2, 3]);
    const many = await db
      .select({ u: orders.userId })
      .from(orders)
      .where(inArray(orders.userId, [1, 2, 3, 4, 5, 6, 7, 8]));
    expect(many).toHaveLength(24);
    const joined = await db
      .select({ email: users.email, id: orders.id })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(eq(orders.userId, 12));
    expect(joined.map((r) => r.email)).toEqual(['u12@x', 'u12@x', 'u12@x']);
  });

  it('routes placeholders of prepared statements at execute time', async () => {
    const byUser = fleet.db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('user_by_id');
    for (const id of [3, 17, 31]) expect(await byUser.execute({ id })).toEqual([{ id, email: `u${id}@x` }]);
  });

  it('updates and deletes with returning route by key', async () => {
    const { db } = fleet;
    const updated = await db
      .update(users)
      .set({ name: 'renamed' })
      .where(eq(users.id, 21))
      .returning({ id: users.id, name: users.name });
    expect(updated).toEqual([{ id: 21, name: 'renamed' }]);
    const deleted = await db
      .delete(orders)
      .where(and(eq(orders.userId, 21), eq(orders.id, 3)))
      .returning({ id: orders.id });
    expect(deleted).toEqual([{ id: 3 }]);
  });

  it('db.shard(key) refuses another shard’s key; inside a transaction that is CROSS_SHARD_TRANSACTION', async () => {
    const { db } = fleet;
    const home = db.shardMap.shardOf(1, 'int');
    const other = Array.from({ length: 40 }, (_, i) => i + 1).find(
      (id) => db.shardMap.shardOf(id, 'int') !== home,
    )!;
    await expect(db.shard(1).select().from(users).where(eq(users.id, other))).rejects.toMatchObject({
      code: 'SHARD_KEY_MISMATCH',
    });
    const error = await db
      .shard(1)
      .transaction(async (tx) => {
        await tx.update(users).set({ name: 'one' }).where(eq(users.id, 1));
        await tx.update(users).set({ name: 'other' }).where(eq(users.id, other));
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CROSS_SHARD_TRANSACTION' });
    // The transaction rolled back: user 1 kept its name.
    expect(await db.select({ name: users.name }).from(users).where(eq(users.id, 1))).toEqual([
      { name: 'u1' },
    ]);
  });

  it('reference tables: a write lands on every shard; a read comes from one', async () => {
    const { db, cluster } = fleet;
    await db.insert(countries).values([
      { code: 'NO', name: 'Norway' },
      { code: 'JP', name: 'Japan' },
    ]);
    for (const i of [0, 1, 2, 3]) {
      expect(await db.shardAt(i).select().from(countries).orderBy(countries.code)).toEqual([
        { code: 'JP', name: 'Japan' },
        { code: 'NO', name: 'Norway' },
      ]);
    }
    expect(await db.select().from(countries).where(eq(countries.code, 'NO'))).toEqual([
      { code: 'NO', name: 'Norway' },
    ]);
    await expect(db.shard(1).insert(countries).values({ code: 'SE', name: 'Sweden' })).rejects.toMatchObject({
      code: 'REFERENCE_WRITE_NEEDS_ALL_SHARDS',
    });
    expect(cluster.shards).toHaveLength(4);
  });
});

describe('relational queries across shards', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet(2);
    await fleet.db
      .insert(users)
      .values([1, 2, 3, 4].map((id) => ({ id, email: `r${id}@x`, name: `r${id}` })));
  });
  afterAll(() => fleet?.stop());

  it('concatenate without order/limit, and refuse order/limit that could not be merged', async () => {
    const all = await fleet.db.allShards().query.users.findMany({ columns: { id: true } });
    expect(all.map((u) => u.id).sort()).toEqual([1, 2, 3, 4]);
    await expect(
      fleet.db.allShards().query.users.findMany({ limit: 2, orderBy: (u, { asc }) => [asc(u.id)] }),
    ).rejects.toMatchObject({
      code: 'FANOUT_UNSUPPORTED',
    });
    const one = await fleet.db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, 3) });
    expect(one?.email).toBe('r3@x');
  });
});
