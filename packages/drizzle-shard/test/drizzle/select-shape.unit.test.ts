import { and, asc, desc, eq, gt, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { RoutingDialect } from '../../src/drizzle/routing-dialect.ts';
import { ShapedSelect } from '../../src/drizzle/select-shape.ts';
import { shardedDrizzle } from '../../src/index.ts';
import { orders, schema, users } from '../support/schema.ts';

// Nothing is executed: toSQL() and the dialect compile offline.
const OFFLINE = 'postgres://app:x@127.0.0.1:1/none';
const plainClient = postgres(OFFLINE);
const plain = drizzle(plainClient, { schema });
const db = shardedDrizzle({
  schema,
  shards: [{ primary: OFFLINE }, { primary: OFFLINE.replace(':1/', ':2/') }],
});
afterAll(async () => {
  await db.close();
  await plainClient.end();
});

type Db = typeof plain;
/** What drizzle hands the driver: text, parameters and their typings (toSQL() drops typings). */
function compiled(database: Db, build: (d: Db) => { getSQL(): SQL }) {
  const dialect = (database as unknown as { dialect: { sqlToQuery(s: SQL): unknown } }).dialect;
  return dialect.sqlToQuery(build(database).getSQL());
}

const conditions = fc.letrec<{ cond: SQL | undefined }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -5, max: 50 }).map((n) => gt(orders.qty, n)),
    fc.constantFrom('new', 'paid', "it's").map((s) => eq(orders.status, s)),
    fc
      .array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 })
      .map((ids) => inArray(orders.id, ids)),
    fc.constant(isNull(orders.total)),
    fc.constantFrom('2026-01-01 00:00:00', '2026-06-30 12:00:00').map((t) => gt(orders.createdAt, t)),
    fc.integer({ min: 0, max: 9 }).map((n) => sql`${orders.qty} + ${n} > 3`),
    fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => and(a, b)),
    fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => or(a, b)),
  ),
})).cond;

describe('select shape cache', () => {
  it('compiles every select shape to drizzle’s own text, parameters and typings, first time and cached', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        conditions,
        fc.option(fc.integer({ min: 0, max: 50 })),
        fc.boolean(),
        (user, cond, limit, someFields) => {
          const build = (d: Db) => {
            const q = (someFields ? d.select({ id: orders.id, qty: orders.qty }) : d.select())
              .from(orders)
              .where(and(eq(orders.userId, user), cond));
            return limit === null ? q : q.limit(limit);
          };
          const want = compiled(plain, build);
          for (const target of [db, db.shardAt(1)] as unknown as Db[]) {
            expect(compiled(target, build)).toEqual(want); // first of its shape, or cached
            expect(compiled(target, build)).toEqual(want); // cached
            expect(build(target).getSQL()).toBeInstanceOf(ShapedSelect); // (it was served from the cache)
            expect(build(target).toSQL()).toEqual(build(plain).toSQL());
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a cached select embedded as a subquery is built in full', () => {
    const inner = (d: Db) => d.select().from(users).where(eq(users.id, 7));
    const outer = (d: Db) => {
      const sub = inner(d).as('u');
      return d.select({ email: sub.email }).from(sub);
    };
    const bound = db.shard(7) as unknown as Db;
    inner(bound).toSQL();
    inner(bound).toSQL(); // the shape is cached now
    expect(inner(bound).getSQL()).toBeInstanceOf(ShapedSelect);
    expect(outer(bound).toSQL()).toEqual(outer(plain).toSQL());
  });

  it('routing still reads each call’s key: a cached shape with another key goes to that key’s shard', async () => {
    const keyOn = (shard: number) => {
      for (let k = 1; ; k++) if (db.shardMap.shardOf(k, 'int') === shard) return k;
    };
    // Each offline shard refuses on its own port: the refusal names the shard the plan chose.
    const refusedPort = (k: number) =>
      db
        .select()
        .from(users)
        .where(eq(users.id, k))
        .catch((e: Error & { cause?: { port?: number } }) => e.cause?.port);
    expect(await refusedPort(keyOn(0))).toBe(1);
    expect(await refusedPort(keyOn(1))).toBe(2); // same shape, now cached
    expect(await refusedPort(keyOn(0))).toBe(1);
    await expect(db.select().from(users).where(gt(users.id, 1))).rejects.toMatchObject({
      code: 'SHARD_KEY_MISSING',
    });
  });
});

type Select = { getSQL(): SQL; config: unknown };
const dialectOf = (d: unknown) => (d as { dialect: RoutingDialect }).dialect;

const fanoutConditions = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -5, max: 50 }).map((n) => gt(orders.qty, n)),
  fc.constantFrom('new', 'paid').map((s) => eq(orders.status, s)),
  fc
    .array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 })
    .map((ids) => inArray(orders.id, ids)),
);
// Sorting by an expression with a parameter adds it to the shards' selection too: the parameters
// are then not the shape's, and such a select is compiled every time (never served wrong).
const byParamExpression = [sql`${orders.qty} + ${1}`];
const orderings = fc.constantFrom(
  [desc(orders.createdAt)],
  [asc(orders.qty), desc(orders.id)],
  [orders.id],
  byParamExpression,
);

describe('merge shape cache (db.allShards() selects)', () => {
  it('serves the statement and the per-shard plan drizzle compiles, first time and cached', () => {
    fc.assert(
      fc.property(
        fanoutConditions,
        orderings,
        fc.option(fc.integer({ min: 0, max: 50 })),
        fc.option(fc.integer({ min: 0, max: 5 })),
        fc.boolean(),
        (cond, order, limit, offset, someFields) => {
          const build = (d: Db) => {
            let q = (someFields ? d.select({ id: orders.id, qty: orders.qty }) : d.select())
              .from(orders)
              .where(cond)
              .orderBy(...order)
              .$dynamic();
            if (limit !== null) q = q.limit(limit);
            if (offset !== null) q = q.offset(offset);
            return q as unknown as Select;
          };
          // A fresh dialect has no cache: what the fan-out compiled before this cache existed.
          const fresh = new RoutingDialect('fanout', db.shardMap);
          const want = fresh.sqlToQuery(fresh.buildSelectQuery(build(plain).config as never));
          const wantPlan = fresh.takePlan();
          const fanout = db.allShards() as unknown as Db;
          const dialect = dialectOf(fanout);
          for (let i = 0; i < 2; i++) {
            const query = build(fanout);
            expect(dialect.sqlToQuery(query.getSQL())).toEqual(want);
            expect(dialect.takePlan()).toEqual(wantPlan);
          }
          expect(build(fanout).getSQL() instanceof ShapedSelect).toBe(order !== byParamExpression);
        },
      ),
      { numRuns: 200 },
    );
  });
});
