import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import {
  and,
  asc,
  avg,
  type Casing,
  count,
  desc,
  eq,
  getTableName,
  gt,
  gte,
  inArray,
  is,
  max,
  sql,
  sum,
  Table,
} from 'drizzle-orm';
import { Cache, type MutationOption } from 'drizzle-orm/cache/core';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';
import type { Logger } from 'drizzle-orm/logger';
import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isDrizzleShardError,
  type ShardedDatabase,
  type ShardKeyOf,
  ShardMap,
  sharded,
  shardedDrizzle,
} from '../../src/index.ts';
import { countries, DDL, orders, schema, settings, users } from '../support/schema.ts';

/**
 * `db.shard(key)` and the top-level db must behave exactly like `drizzle(postgres(url), config)`,
 * in the default configuration. Every case runs three ways (see VARIANTS): db.shard(K) on a
 * one-shard fleet, the top-level db on a one-shard fleet, and db.shard(K) for K on shard 1 of 2.
 * Each case runs one scenario twice, on two fresh databases of the same server with the same
 * DDL: once through `shardedDrizzle(...).shard(K)` (the shard owning K points at database
 * `eqN_sharded`), once through plain drizzle on `eqN_plain`. Every step's result (or error) is
 * recorded under a label, and the two recordings must be equal step by step.
 */

/** The shard owning every key the scenarios use; a non-zero index on purpose. */
const HOME = 1;
const SHARDS = 2;
const POOL = { max: 4, onnotice: () => {} };
const MIGRATIONS = fileURLToPath(new URL('../fixtures/migrations', import.meta.url));

// shardedDrizzle's default map for 2 shards; the tests check the db agrees.
const defaultMap = ShardMap.hash({ shards: SHARDS });
const ownedBy = (shard: number, n: number) =>
  Array.from({ length: 200 }, (_, i) => i + 1)
    .filter((id) => defaultMap.shardOf(id, 'int') === shard)
    .slice(0, n);
/** User ids on the home shard: the scenarios use only these. */
const U = ownedBy(HOME, 5) as [number, number, number, number, number];
const K = U[0];
const FOREIGN = ownedBy(1 - HOME, 1)[0]!;

/** The seed both databases start from (on top of the schema's DDL). */
const SEED_DDL = `${DDL}
insert into countries (code, name) values ('FR', 'France'), ('SE', 'Sweden'), ('JP', 'Japan');`;

// ---------------------------------------------------------------------------------------------
// Two databases, two ways in.

type Side = 'sharded' | 'plain';
interface DrizzleOptions {
  readonly logger?: Logger;
  readonly casing?: Casing;
  readonly cache?: Cache;
}
interface Pair<TSchema extends Record<string, unknown>> {
  readonly root: ShardedDatabase<TSchema>;
  /** `root.shard(K)`. */
  readonly sharded: PostgresJsDatabase<TSchema>;
  readonly plain: PostgresJsDatabase<TSchema>;
  readonly urls: Record<Side, string>;
  /** Whether the way in may use unsharded tables (only on the home shard, see home-tables.test). */
  readonly homeTables: boolean;
}

/** The three ways into the sharded side. */
interface Variant {
  readonly name: string;
  readonly shards: 1 | 2;
  readonly target: 'db.shard(K)' | 'top-level db';
}
const VARIANTS: readonly Variant[] = [
  { name: 'db.shard(K) on a one-shard fleet', shards: 1, target: 'db.shard(K)' },
  { name: 'the top-level db on a one-shard fleet', shards: 1, target: 'top-level db' },
  { name: 'db.shard(K) for K on shard 1 of 2', shards: 2, target: 'db.shard(K)' },
];

let cluster: Cluster;
let pairCount = 0;
const closers: Array<() => Promise<unknown>> = [];

function databaseUrl(name: string): string {
  const url = new URL(cluster.shards[HOME]!.primary.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Two fresh databases with `ddl`; `options(side)` gives each side its own drizzle config. */
async function openPair<TSchema extends Record<string, unknown>>(
  variant: Variant,
  tables: TSchema,
  options: (side: Side) => DrizzleOptions = () => ({}),
  { ddl = SEED_DDL, pool = POOL }: { ddl?: string; pool?: typeof POOL } = {},
): Promise<Pair<TSchema>> {
  const n = ++pairCount;
  const urls = { sharded: databaseUrl(`eq${n}_sharded`), plain: databaseUrl(`eq${n}_plain`) };
  for (const side of ['sharded', 'plain'] as const) {
    await runSql(cluster.shards[HOME]!.primary.url, `create database eq${n}_${side}`);
    await runSql(urls[side], ddl);
  }
  const root = shardedDrizzle({
    schema: tables,
    shards:
      variant.shards === 1
        ? [{ primary: urls.sharded }]
        : cluster.shards.map((s, i) => ({ primary: i === HOME ? urls.sharded : s.primary.url })),
    pool,
    ...options('sharded'),
  });
  const client = postgres(urls.plain, pool);
  const plain = drizzle(client, { schema: tables, ...options('plain') });
  closers.push(
    () => root.close(),
    () => client.end({ timeout: 5 }),
  );
  const index = variant.shards === 1 ? 0 : HOME;
  expect(root.shardMap.shardOf(K, 'int')).toBe(index);
  const bound = root.shard(K as ShardKeyOf<TSchema>);
  expect(bound).toBe(root.shardAt(index));
  const sharded = variant.target === 'top-level db' ? (root as PostgresJsDatabase<TSchema>) : bound;
  return { root, sharded, plain, urls, homeTables: index === 0 };
}

// ---------------------------------------------------------------------------------------------
// Recording steps.

interface ErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly detail?: unknown;
  readonly cause?: ErrorShape;
}
type Outcome = { readonly value: unknown } | { readonly error: ErrorShape };
type Recording = Array<readonly [label: string, outcome: Outcome]>;

function errorShape(error: unknown): ErrorShape {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const { code, detail } = error as { code?: unknown; detail?: unknown };
  return {
    name: error.constructor.name,
    message: error.message,
    ...(code !== undefined ? { code } : {}),
    ...(detail !== undefined ? { detail } : {}),
    ...(error.cause !== undefined ? { cause: errorShape(error.cause) } : {}),
  };
}

/** Arrays as plain arrays: postgres.js result lists also carry per-database oids. */
function plainData(value: unknown): unknown {
  return Array.isArray(value) ? Array.from(value, plainData) : value;
}

/** What `db.execute` answers, without the per-database column metadata. */
function rawResult(result: postgres.RowList<postgres.Row[]>) {
  return { rows: plainData(result), count: result.count, command: result.command };
}

class Steps {
  readonly recording: Recording = [];
  constructor(private readonly homeTables: boolean) {}
  /** A step on an unsharded table: skipped (both ways) where the way in cannot use them. */
  async home(label: string, fn: () => unknown): Promise<void> {
    if (this.homeTables) await this.run(label, fn);
  }
  async run(label: string, fn: () => unknown): Promise<void> {
    try {
      this.recording.push([label, { value: plainData(await fn()) }]);
    } catch (error) {
      this.recording.push([label, { error: errorShape(error) }]);
    }
  }
}

/**
 * The one documented difference: drizzle's "Failed query: … params: …" message ends with the
 * statement's parameter values, which the library leaves out of its errors by default (they may
 * be personal data; test/faults/secrets.test.ts checks that they are gone). The SQL text stays.
 */
function withoutParams(outcome: Outcome): Outcome {
  if (!('error' in outcome)) return outcome;
  const strip = (e: ErrorShape): ErrorShape => ({
    ...e,
    message: e.message.replace(/\nparams: [\s\S]*$/, ''),
    ...(e.cause ? { cause: strip(e.cause) } : {}),
  });
  return { error: strip(outcome.error) };
}

/** Equal step by step; a failure names the first step that differs. */
function expectSameRecording(sharded: Recording, plain: Recording): void {
  expect(sharded.map(([label]) => label)).toEqual(plain.map(([label]) => label));
  for (const [i, [label, outcome]] of plain.entries()) {
    expect(withoutParams(sharded[i]![1]), `step "${label}"`).toStrictEqual(withoutParams(outcome));
  }
}

function failedSteps(recording: Recording): string[] {
  return recording.filter(([, outcome]) => 'error' in outcome).map(([label]) => label);
}

function resultOf(recording: Recording, label: string): unknown {
  const step = recording.find(([l]) => l === label);
  if (!step || !('value' in step[1])) throw new Error(`no successful step "${label}"`);
  return step[1].value;
}

// ---------------------------------------------------------------------------------------------
// The broad scenario.

type Db = PostgresJsDatabase<typeof schema>;

const [a, b, c, e, x] = U;
const order = (userId: number, id: number, over: Partial<typeof orders.$inferInsert> = {}) => ({
  id,
  userId,
  status: 'new',
  total: '1.00',
  qty: 1,
  createdAt: '2024-02-01 00:00:00',
  ...over,
});
const SEED_ORDERS = [
  order(a, 1, { status: 'new', total: '10.50', qty: 1, createdAt: '2024-01-01 09:00:00' }),
  order(a, 2, { status: 'paid', total: '99.99', qty: 3, createdAt: '2024-01-02 10:30:00' }),
  order(a, 3, { status: 'paid', total: '5.00', qty: 7, createdAt: '2024-01-03 11:00:00.25' }),
  order(b, 1, { status: 'paid', total: '42.00', qty: 2, createdAt: '2024-01-02 08:15:00' }),
  order(b, 2, { status: 'void', total: '0.00', qty: 0, createdAt: '2024-01-04 12:00:00' }),
  order(c, 1, { status: 'new', total: '7.25', qty: 5, createdAt: '2024-01-05 13:45:00' }),
];

/** Steps expected to fail (identically) both ways; every other step must succeed. */
const EXPECTED_FAILURES = [
  'insert: duplicate primary key',
  'transaction: thrown error rolls back',
  'transaction: tx.rollback()',
  'transaction: outer throws after a committed savepoint',
  'transaction: database error inside',
  'execute: error',
];

async function scenario(d: Db, s: Steps): Promise<void> {
  // --- inserts
  await s.run('insert: one row returning', () =>
    d.insert(users).values({ id: a, email: 'ann@x', name: 'Ann' }).returning(),
  );
  await s.run('insert: several rows returning a partial row', () =>
    d
      .insert(users)
      .values([
        { id: b, email: 'bob@x', name: 'Bob', password: 'pw' },
        { id: c, email: 'cid@x', name: 'Cid' },
        { id: e, email: 'eve@x', name: 'Eve' },
      ])
      .returning({ id: users.id, name: users.name, password: users.password }),
  );
  await s.run('insert: orders, several rows returning', () =>
    d
      .insert(orders)
      .values(SEED_ORDERS)
      .returning({ userId: orders.userId, id: orders.id, total: orders.total }),
  );
  await s.run('insert: duplicate primary key', () =>
    d.insert(users).values({ id: b, email: 'again@x', name: 'Again' }),
  );
  await s.run('insert: onConflictDoUpdate returning', () =>
    d
      .insert(users)
      .values({ id: a, email: 'ann@y', name: 'Anna' })
      .onConflictDoUpdate({ target: users.id, set: { email: sql`excluded.email`, name: sql`excluded.name` } })
      .returning(),
  );
  await s.run('insert: onConflictDoNothing returning', () =>
    d.insert(users).values({ id: b, email: 'dup@x', name: 'Dup' }).onConflictDoNothing().returning(),
  );
  await s.home('insert: unsharded table returning', () =>
    d
      .insert(settings)
      .values([
        { key: 'theme', value: 'dark' },
        { key: 'lang', value: null },
      ])
      .returning(),
  );

  // --- selects
  await s.run('select: reference table', () => d.select().from(countries).orderBy(countries.code));
  await s.home('select: unsharded table', () => d.select().from(settings).orderBy(settings.key));
  await s.run('select: where + orderBy + limit + offset', () =>
    d
      .select()
      .from(orders)
      .where(and(inArray(orders.userId, [a, b]), gte(orders.qty, 1)))
      .orderBy(desc(orders.total), asc(orders.id))
      .limit(3)
      .offset(1),
  );
  await s.run('select: partial with an sql expression', () =>
    d
      .select({
        id: orders.id,
        user: orders.userId,
        doubled: sql<number>`${orders.qty} * 2`.mapWith(Number),
        day: sql<string>`to_char(${orders.createdAt}, 'YYYY-MM-DD')`,
      })
      .from(orders)
      .where(eq(orders.userId, a))
      .orderBy(asc(orders.id)),
  );
  await s.run('select: distinct', () =>
    d.selectDistinct({ status: orders.status }).from(orders).orderBy(orders.status),
  );
  await s.run('select: leftJoin users → orders', () =>
    d
      .select()
      .from(users)
      .leftJoin(orders, eq(orders.userId, users.id))
      .where(inArray(users.id, [a, b, c, e]))
      .orderBy(asc(users.id), asc(orders.id)),
  );
  await s.run('select: innerJoin orders → users', () =>
    d
      .select({ orderId: orders.id, status: orders.status, email: users.email, name: users.name })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(eq(orders.userId, b))
      .orderBy(orders.id),
  );
  await s.run('select: subquery in where', () =>
    d
      .select({ id: users.id })
      .from(users)
      .where(inArray(users.id, d.select({ id: orders.userId }).from(orders).where(eq(orders.status, 'paid'))))
      .orderBy(users.id),
  );
  await s.run('select: CTE', () => {
    const paid = d
      .$with('paid')
      .as(
        d
          .select({ userId: orders.userId, total: orders.total })
          .from(orders)
          .where(eq(orders.status, 'paid')),
      );
    return d
      .with(paid)
      .select({ userId: paid.userId, n: count(), sum: sum(paid.total) })
      .from(paid)
      .groupBy(paid.userId)
      .orderBy(paid.userId);
  });
  await s.run('select: aggregates with groupBy + having', () =>
    d
      .select({
        userId: orders.userId,
        n: count(),
        total: sum(orders.total),
        avgQty: avg(orders.qty),
        last: max(orders.createdAt),
      })
      .from(orders)
      .groupBy(orders.userId)
      .having(gt(count(), 1))
      .orderBy(orders.userId),
  );
  await s.run('$count: whole table', () => d.$count(orders));
  await s.run('$count: filtered', () => d.$count(orders, eq(orders.userId, a)));
  await s.run('$count: embedded in a select', () =>
    d
      .select({ id: users.id, orders: d.$count(orders, eq(orders.userId, users.id)) })
      .from(users)
      .orderBy(users.id),
  );
  await s.run('toSQL', () => d.select().from(users).where(eq(users.id, a)).toSQL());

  // --- updates and deletes
  await s.run('update: returning', async () =>
    (
      await d
        .update(orders)
        .set({ status: 'shipped', qty: sql`${orders.qty} + 1` })
        .where(and(eq(orders.userId, a), eq(orders.status, 'paid')))
        .returning()
    ).sort((p, q) => p.id - q.id),
  );
  await s.run('update: no row matches', () =>
    d
      .update(users)
      .set({ name: 'nobody' })
      .where(and(eq(users.id, a), eq(users.name, 'nobody')))
      .returning(),
  );
  await s.run('delete: returning', () =>
    d
      .delete(orders)
      .where(and(eq(orders.userId, b), eq(orders.status, 'void')))
      .returning({ id: orders.id, userId: orders.userId, status: orders.status }),
  );

  // --- transactions
  await s.run('transaction: commit returns its value', () =>
    d.transaction(async (tx) => {
      await tx.insert(orders).values(order(a, 4, { total: '1.25' }));
      await tx.update(users).set({ name: 'Ann T' }).where(eq(users.id, a));
      const [row] = await tx.select({ n: count() }).from(orders).where(eq(orders.userId, a));
      const locked = await tx.select().from(users).where(eq(users.id, a)).for('update');
      return { row, locked };
    }),
  );
  await s.run('after commit', () =>
    d
      .select({ id: orders.id, total: orders.total })
      .from(orders)
      .where(eq(orders.userId, a))
      .orderBy(orders.id),
  );
  await s.run('transaction: thrown error rolls back', () =>
    d.transaction(async (tx) => {
      await tx.insert(orders).values(order(a, 5));
      throw new Error('boom');
    }),
  );
  await s.run('after thrown error', () => d.$count(orders, eq(orders.userId, a)));
  await s.run('transaction: tx.rollback()', () =>
    d.transaction(async (tx) => {
      await tx.insert(users).values({ id: x, email: 'x@x', name: 'X' });
      tx.rollback();
    }),
  );
  await s.run('after tx.rollback()', () => d.select().from(users).where(eq(users.id, x)));
  await s.run('transaction: nested savepoints', () =>
    d.transaction(async (tx) => {
      await tx.insert(orders).values(order(c, 10));
      const rolledBack = await tx
        .transaction(async (sp) => {
          await sp.insert(orders).values(order(c, 11));
          sp.rollback();
        })
        .catch(errorShape);
      const thrown = await tx
        .transaction(async (sp) => {
          await sp.insert(orders).values(order(c, 12));
          throw new Error('inner boom');
        })
        .catch(errorShape);
      const kept = await tx.transaction(async (sp) => {
        await sp.insert(orders).values(order(c, 13));
        const deeper = await sp
          .transaction(async (sp2) => {
            await sp2.insert(orders).values(order(c, 14));
            sp2.rollback();
          })
          .catch(errorShape);
        const deeperKept = await sp.transaction(async (sp2) => {
          await sp2.insert(orders).values(order(c, 15));
          return sp2.$count(orders, eq(orders.userId, c));
        });
        const seen = await sp
          .select({ id: orders.id })
          .from(orders)
          .where(eq(orders.userId, c))
          .orderBy(orders.id);
        return { deeper, deeperKept, seen };
      });
      return { rolledBack, thrown, kept };
    }),
  );
  await s.run('after nested savepoints', () =>
    d.select({ id: orders.id }).from(orders).where(eq(orders.userId, c)).orderBy(orders.id),
  );
  await s.run('transaction: outer throws after a committed savepoint', () =>
    d.transaction(async (tx) => {
      await tx.insert(orders).values(order(e, 1));
      await tx.transaction(async (sp) => {
        await sp.insert(orders).values(order(e, 2));
      });
      throw new Error('outer boom');
    }),
  );
  await s.run('after outer throw', () => d.$count(orders, eq(orders.userId, e)));
  await s.run('transaction: database error inside', () =>
    d.transaction(async (tx) => {
      await tx.update(users).set({ name: 'changed' }).where(eq(users.id, b));
      await tx.insert(orders).values(order(b, 1));
    }),
  );
  await s.run('after database error', () =>
    d.select({ name: users.name }).from(users).where(eq(users.id, b)),
  );
  await s.run('transaction: isolation level and access mode', () =>
    d.transaction(
      async (tx) =>
        rawResult(
          await tx.execute(
            sql`select current_setting('transaction_isolation') as level, current_setting('transaction_read_only') as ro`,
          ),
        ),
      { isolationLevel: 'serializable', accessMode: 'read only' },
    ),
  );

  // --- relational queries
  await s.run('query: findMany with orders', () =>
    d.query.users.findMany({
      with: { orders: { orderBy: [asc(orders.id)] } },
      where: inArray(users.id, [a, b, c, e]),
      orderBy: [asc(users.id)],
    }),
  );
  await s.run('query: findMany with callbacks, columns, limit', () =>
    d.query.users.findMany({
      columns: { id: true, name: true },
      where: (u, { eq }) => eq(u.id, a),
      with: {
        orders: {
          columns: { id: true, total: true },
          where: (o, { ne }) => ne(o.status, 'new'),
          orderBy: (o, { desc }) => [desc(o.id)],
          limit: 2,
        },
      },
    }),
  );
  await s.run('query: findFirst with nested with', () =>
    d.query.users.findFirst({
      where: eq(users.id, c),
      with: { orders: { with: { user: true }, orderBy: [asc(orders.id)] } },
    }),
  );
  await s.run('query: findFirst from orders with user', () =>
    d.query.orders.findFirst({
      where: and(eq(orders.userId, a), eq(orders.id, 2)),
      with: { user: { columns: { email: true } } },
      extras: { cents: sql<number>`(${orders.total} * 100)::int`.as('cents') },
    }),
  );
  await s.run('query: findFirst without a match', () => d.query.users.findFirst({ where: eq(users.id, x) }));

  // --- raw SQL
  await s.run('execute: parameterised select', async () =>
    rawResult(
      await d.execute(
        sql`select ${users.id}, ${users.name}, ${users.email} from ${users} where ${users.id} in (${a}, ${b}) order by ${users.id}`,
      ),
    ),
  );
  await s.run('execute: without parameters', async () =>
    rawResult(
      await d.execute(
        sql`select status, count(*)::int as n, sum(total) as total from orders group by 1 order by 1`,
      ),
    ),
  );
  await s.run('execute: write', async () =>
    rawResult(
      await d.execute(sql`update ${users} set ${sql.identifier('password')} = ${'secret'} where id = ${c}`),
    ),
  );
  await s.run('execute: two statements', () => d.execute(sql.raw('select 1 as one; select 2 as two')));
  await s.run('execute: error', () => d.execute(sql`select * from no_such_table where id = ${a}`));

  // --- prepared statements
  await s.run('prepare: select with placeholders, twice', async () => {
    const byUser = d
      .select({ id: orders.id, status: orders.status, qty: orders.qty })
      .from(orders)
      .where(and(eq(orders.userId, sql.placeholder('userId')), gte(orders.qty, sql.placeholder('minQty'))))
      .orderBy(orders.id)
      .prepare('equivalence_orders_by_user');
    return [await byUser.execute({ userId: a, minQty: 2 }), await byUser.execute({ userId: c, minQty: 0 })];
  });
  await s.home('prepare: insert with placeholders, twice', async () => {
    const put = d
      .insert(settings)
      .values({ key: sql.placeholder('key'), value: sql.placeholder('value') })
      .returning()
      .prepare('equivalence_put_setting');
    return [await put.execute({ key: 'a', value: '1' }), await put.execute({ key: 'b', value: '2' })];
  });
  await s.run('prepare: relational query, twice', async () => {
    const userWithOrders = d.query.users
      .findFirst({
        where: eq(users.id, sql.placeholder('id')),
        with: { orders: { orderBy: [asc(orders.id)] } },
      })
      .prepare('equivalence_user_with_orders');
    return [await userWithOrders.execute({ id: b }), await userWithOrders.execute({ id: e })];
  });

  // --- migrator
  await s.run('migrate', () => migrate(d, { migrationsFolder: MIGRATIONS }));
  await s.run('migrate again (nothing to do)', () => migrate(d, { migrationsFolder: MIGRATIONS }));
  await s.run('migrate: journal rows', async () =>
    rawResult(
      await d.execute(sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`),
    ),
  );
  await s.run('migrate: columns', async () =>
    rawResult(
      await d.execute(
        sql`select column_name, data_type, is_nullable, column_default from information_schema.columns
            where table_schema = 'public' and table_name = 'coupons' order by ordinal_position`,
      ),
    ),
  );
  await s.run('migrate: indexes', async () =>
    rawResult(
      await d.execute(
        sql`select indexname, indexdef from pg_indexes where tablename = 'coupons' order by indexname`,
      ),
    ),
  );
  await s.run('migrate: the new table works', async () =>
    rawResult(
      await d.execute(sql`insert into coupons (user_id, code) values (${a}, ${'WELCOME'}) returning *`),
    ),
  );

  // --- where everything ended
  await s.run('final users', () => d.select().from(users).orderBy(users.id));
  await s.run('final orders', () => d.select().from(orders).orderBy(orders.userId, orders.id));
  await s.home('final settings', () => d.select().from(settings).orderBy(settings.key));
}

// ---------------------------------------------------------------------------------------------
// casing: camelCase keys, no explicit column names.

const lineItems = sharded(
  pgTable(
    'line_items',
    {
      userId: bigint({ mode: 'number' }).notNull(),
      lineNo: integer().notNull(),
      itemName: text().notNull(),
      unitPrice: integer().notNull(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.lineNo] })],
  ),
  { key: (t) => t.userId },
);
const casingSchema = { lineItems };
const LINE_ITEMS_DDL = `create table line_items (user_id bigint not null, line_no integer not null,
  item_name text not null, unit_price integer not null, primary key (user_id, line_no));`;

async function casingScenario(d: PostgresJsDatabase<typeof casingSchema>, s: Steps): Promise<void> {
  await s.run('insert returning', () =>
    d
      .insert(lineItems)
      .values([
        { userId: a, lineNo: 1, itemName: 'pen', unitPrice: 150 },
        { userId: a, lineNo: 2, itemName: 'ink', unitPrice: 900 },
        { userId: b, lineNo: 1, itemName: 'pen', unitPrice: 150 },
      ])
      .returning(),
  );
  await s.run('onConflictDoUpdate returning', () =>
    d
      .insert(lineItems)
      .values({ userId: a, lineNo: 2, itemName: 'ink', unitPrice: 950 })
      .onConflictDoUpdate({
        target: [lineItems.userId, lineItems.lineNo],
        set: { unitPrice: sql`excluded.unit_price` },
      })
      .returning({ lineNo: lineItems.lineNo, unitPrice: lineItems.unitPrice }),
  );
  await s.run('select where + orderBy', () =>
    d.select().from(lineItems).where(eq(lineItems.userId, a)).orderBy(desc(lineItems.lineNo)),
  );
  await s.run('partial select with an expression', () =>
    d
      .select({ name: lineItems.itemName, cents: sql<number>`${lineItems.unitPrice} * 2`.mapWith(Number) })
      .from(lineItems)
      .where(and(eq(lineItems.userId, a), gt(lineItems.unitPrice, 100)))
      .orderBy(lineItems.itemName),
  );
  await s.run('aggregate with groupBy', () =>
    d
      .select({ item: lineItems.itemName, n: count(), total: sum(lineItems.unitPrice) })
      .from(lineItems)
      .groupBy(lineItems.itemName)
      .orderBy(lineItems.itemName),
  );
  await s.run('$count', () => d.$count(lineItems, eq(lineItems.userId, a)));
  await s.run('update returning', () =>
    d
      .update(lineItems)
      .set({ itemName: 'blue ink' })
      .where(and(eq(lineItems.userId, a), eq(lineItems.lineNo, 2)))
      .returning(),
  );
  await s.run('relational query', () =>
    d.query.lineItems.findMany({
      columns: { lineNo: true, itemName: true },
      where: (li, { eq }) => eq(li.userId, a),
      orderBy: (li, { asc }) => [asc(li.lineNo)],
    }),
  );
  await s.run('execute with columns in sql', async () =>
    rawResult(
      await d.execute(
        sql`select ${lineItems.itemName}, ${lineItems.unitPrice} from ${lineItems} where ${lineItems.userId} = ${a} order by ${lineItems.lineNo}`,
      ),
    ),
  );
  await s.run('transaction', () =>
    d.transaction(async (tx) => {
      await tx.insert(lineItems).values({ userId: b, lineNo: 2, itemName: 'pad', unitPrice: 300 });
      return tx.select({ lineNo: lineItems.lineNo }).from(lineItems).where(eq(lineItems.userId, b));
    }),
  );
  await s.run('delete returning', () =>
    d.delete(lineItems).where(eq(lineItems.userId, b)).returning({ lineNo: lineItems.lineNo }),
  );
}

// ---------------------------------------------------------------------------------------------
// cache: drizzle's Cache API, counted.

/**
 * The shard prefix drizzle-shard puts on hashed keys (one cache serves every shard; see
 * ShardScopedCache); the rest of the key must equal plain drizzle's.
 */
const unscoped = (key: string, isTag: boolean) => (isTag ? key : key.replace(/^s\d+:/, ''));

/** An in-memory drizzle cache that records every call it receives. */
class CountingCache extends Cache {
  readonly calls: string[] = [];
  private readonly entries = new Map<string, { value: unknown; tables: string[] }>();

  constructor(private readonly mode: 'explicit' | 'all') {
    super();
  }

  override strategy(): 'explicit' | 'all' {
    return this.mode;
  }

  override async get(
    key: string,
    tables: string[],
    isTag: boolean,
    autoInvalidate?: boolean,
  ): Promise<unknown[] | undefined> {
    const entry = this.entries.get(key);
    this.calls.push(
      `get ${unscoped(key, isTag).slice(0, 16)} [${tables.join(',')}] tag=${isTag} auto=${autoInvalidate} ${entry ? 'hit' : 'miss'}`,
    );
    return entry?.value as unknown[] | undefined;
  }

  override async put(
    key: string,
    response: unknown,
    tables: string[],
    isTag: boolean,
    config?: WithCacheConfig['config'],
  ): Promise<void> {
    this.entries.set(key, { value: response, tables });
    this.calls.push(
      `put ${unscoped(key, isTag).slice(0, 16)} [${tables.join(',')}] tag=${isTag} ${JSON.stringify(config)}`,
    );
  }

  override async onMutate(params: MutationOption): Promise<void> {
    const tables = [params.tables ?? []].flat().map((t) => (is(t, Table) ? getTableName(t) : String(t)));
    const tags = [params.tags ?? []].flat();
    for (const [key, entry] of this.entries) {
      if (tags.includes(key) || entry.tables.some((t) => tables.includes(t))) this.entries.delete(key);
    }
    this.calls.push(`mutate tables=[${tables.join(',')}] tags=[${tags.join(',')}]`);
  }
}

async function cacheScenario(d: Db, s: Steps): Promise<void> {
  const byId = (id: number) => d.select().from(users).where(eq(users.id, id));
  const tagged = { tag: 'user-b', autoInvalidate: false };
  await s.run('insert (a mutation)', () =>
    d.insert(users).values([
      { id: a, email: 'a@x', name: 'A' },
      { id: b, email: 'b@x', name: 'B' },
    ]),
  );
  await s.run('$withCache(): miss', () => byId(a).$withCache());
  await s.run('$withCache(): hit', () => byId(a).$withCache());
  await s.run('$withCache(tag): miss', () => byId(b).$withCache(tagged));
  await s.run('$withCache(tag): hit', () => byId(b).$withCache(tagged));
  await s.run('$withCache(config)', () => byId(b).$withCache({ config: { ex: 60 } }));
  await s.run('no $withCache', () => byId(a));
  await s.run('$withCache(false)', () => byId(a).$withCache(false));
  await s.run('join', () =>
    d.select().from(users).leftJoin(orders, eq(orders.userId, users.id)).where(eq(users.id, a)).$withCache(),
  );
  await s.run('relational query', () => d.query.users.findMany({ where: eq(users.id, a) }));
  await s.run('$count', () => d.$count(users, eq(users.id, a)));
  await s.run('execute', async () => rawResult(await d.execute(sql`select name from users where id = ${a}`)));
  await s.run('update (a mutation)', () => d.update(users).set({ name: 'A2' }).where(eq(users.id, a)));
  await s.run('$withCache() after the mutation', () => byId(a).$withCache());
  await s.run('$withCache(tag) after the mutation (not auto-invalidated)', () => byId(b).$withCache(tagged));
  await s.run('in a transaction', () =>
    d.transaction(async (tx) => {
      await tx.insert(users).values({ id: c, email: 'c@x', name: 'C' });
      const first = await tx.select().from(users).where(eq(users.id, c)).$withCache();
      const again = await tx.select().from(users).where(eq(users.id, c)).$withCache();
      return { first, again };
    }),
  );
  await s.run('$cache.invalidate by table', () => d.$cache.invalidate({ tables: [users] }));
  await s.run('$cache.invalidate by tag', () => d.$cache.invalidate({ tags: 'user-b' }));
  await s.run('$withCache(tag) after invalidate', () => byId(b).$withCache(tagged));
  await s.run('delete returning (a mutation)', () => d.delete(users).where(eq(users.id, c)).returning());
}

// ---------------------------------------------------------------------------------------------
// Statements re-run after DDL: a cached server-side statement must not change what happens.

async function ddlScenario(d: Db, s: Steps): Promise<void> {
  const star = sql`select * from users where id = ${a}`;
  const byId = () => d.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, a));
  await s.run('seed', () => d.insert(users).values({ id: a, email: 'a@x', name: 'A' }));
  await s.run('select *', async () => rawResult(await d.execute(star)));
  await s.run('builder select', () => byId());
  await s.run('add a column', async () =>
    rawResult(await d.execute(sql`alter table users add column nick text`)),
  );
  await s.run('select * again', async () => rawResult(await d.execute(star)));
  await s.run('add another column', async () =>
    rawResult(await d.execute(sql`alter table users add column nick2 text`)),
  );
  await s.run('select * in a transaction', () =>
    d.transaction(async (tx) => rawResult(await tx.execute(star))),
  );
  await s.run('change a column type', async () =>
    rawResult(await d.execute(sql`alter table users alter column name type varchar(40)`)),
  );
  await s.run('builder select in a transaction', () =>
    d.transaction(async (tx) =>
      tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, a)),
    ),
  );
  await s.run('builder select after the transaction', () => byId());
}

async function recordBoth<TSchema extends Record<string, unknown>>(
  pair: Pair<TSchema>,
  run: (d: PostgresJsDatabase<TSchema>, s: Steps) => Promise<void>,
): Promise<Record<Side, Recording>> {
  const sharded = new Steps(pair.homeTables);
  const plain = new Steps(pair.homeTables);
  await run(pair.sharded, sharded);
  await run(pair.plain, plain);
  return { sharded: sharded.recording, plain: plain.recording };
}

/** Every table's rows, read directly (not through drizzle). */
async function dump(url: string, tables: readonly string[]): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = plainData(await runSql(url, `select * from ${t} order by 1, 2`));
  return out;
}

class RecordingLogger implements Logger {
  readonly queries: Array<[string, unknown[]]> = [];
  logQuery(query: string, params: unknown[]): void {
    this.queries.push([query, [...params]]);
  }
}

// ---------------------------------------------------------------------------------------------

describe.each(VARIANTS)('$name behaves exactly like plain drizzle', (variant) => {
  beforeAll(async () => {
    cluster = await startCluster({ shards: SHARDS });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await cluster?.destroy();
  });

  it('core, transactions, relational queries, execute, prepared statements and migrator: same results', async () => {
    const pair = await openPair(variant, schema);
    const { sharded, plain } = await recordBoth(pair, scenario);

    expectSameRecording(sharded, plain);
    // The scenario did what it meant to: only the intended failures, real data, a real journal.
    expect(failedSteps(plain)).toEqual(EXPECTED_FAILURES);
    expect(resultOf(plain, '$count: whole table')).toBe(SEED_ORDERS.length);
    expect(resultOf(plain, 'after nested savepoints')).toEqual([1, 10, 13, 15].map((id) => ({ id })));
    const journal = resultOf(plain, 'migrate: journal rows') as { rows: Array<{ hash: string }> };
    expect(journal.rows.map((r) => r.hash)).toEqual(
      ['0000_create_coupons', '0001_coupon_expiry'].map((tag) =>
        createHash('sha256')
          .update(readFileSync(`${MIGRATIONS}/${tag}.sql`))
          .digest('hex'),
      ),
    );
    // Both databases hold the same rows afterwards (the sharded side really wrote to its shard).
    const tables = ['users', 'orders', 'settings', 'coupons', 'drizzle.__drizzle_migrations'];
    const shardedRows = await dump(pair.urls.sharded, tables);
    expect(shardedRows).toEqual(await dump(pair.urls.plain, tables));
    expect((shardedRows as { users: unknown[] }).users).toHaveLength(4);
    // And the sharded side is drizzle-shard's session: another shard's key is refused.
    if (variant.shards === 2) {
      await expect(pair.sharded.select().from(users).where(eq(users.id, FOREIGN))).rejects.toSatisfy(
        (error) => isDrizzleShardError(error, 'SHARD_KEY_MISMATCH'),
      );
    }
  });

  it('logger: the same queries with the same params are logged both ways', async () => {
    const loggers = { sharded: new RecordingLogger(), plain: new RecordingLogger() };
    const pair = await openPair(variant, schema, (side) => ({ logger: loggers[side] }));
    const { sharded, plain } = await recordBoth(pair, scenario);

    expectSameRecording(sharded, plain);
    expect(loggers.sharded.queries).toEqual(loggers.plain.queries);
    expect(loggers.plain.queries.length).toBeGreaterThan(50);
    // Builders, the migrator and transactions all log (through the same logger object).
    const logged = loggers.plain.queries;
    expect(logged.some(([q, p]) => q.startsWith('insert into "users"') && p[0] === a)).toBe(true);
    expect(logged.some(([q]) => q.includes('CREATE TABLE "coupons"'))).toBe(true);
    expect(logged.some(([q, p]) => q.startsWith('select') && p.includes(c) && p.length === 1)).toBe(true);
  });

  it('casing: snake_case passes through (same results, same SQL with snake_case names)', async () => {
    const loggers = { sharded: new RecordingLogger(), plain: new RecordingLogger() };
    const pair = await openPair(
      variant,
      casingSchema,
      (side) => ({ casing: 'snake_case', logger: loggers[side] }),
      {
        ddl: LINE_ITEMS_DDL,
      },
    );
    const { sharded, plain } = await recordBoth(pair, casingScenario);

    expectSameRecording(sharded, plain);
    expect(failedSteps(plain)).toEqual([]);
    expect(loggers.sharded.queries).toEqual(loggers.plain.queries);
    const text = loggers.plain.queries.map(([q]) => q).join('\n');
    expect(text).toContain('"user_id"');
    expect(text).toContain('"item_name"');
    expect(text).not.toMatch(/"userId"|"itemName"|"unitPrice"/);
    expect(resultOf(plain, 'select where + orderBy')).toEqual([
      { userId: a, lineNo: 2, itemName: 'ink', unitPrice: 950 },
      { userId: a, lineNo: 1, itemName: 'pen', unitPrice: 150 },
    ]);
    // Routing reads the key through the casing too.
    if (variant.shards === 2) {
      await expect(
        pair.sharded.select().from(lineItems).where(eq(lineItems.userId, FOREIGN)),
      ).rejects.toSatisfy((error) => isDrizzleShardError(error, 'SHARD_KEY_MISMATCH'));
    }
  });

  it.each(['explicit', 'all'] as const)(
    'cache (%s strategy): consulted and invalidated the same way',
    async (mode) => {
      const caches = { sharded: new CountingCache(mode), plain: new CountingCache(mode) };
      const pair = await openPair(variant, schema, (side) => ({ cache: caches[side] }));
      const { sharded, plain } = await recordBoth(pair, cacheScenario);

      expectSameRecording(sharded, plain);
      expect(failedSteps(plain)).toEqual([]);
      expect(caches.sharded.calls).toEqual(caches.plain.calls);
      // The cache really answered: a hit, served the rows of the miss, and mutations reached it.
      expect(caches.plain.calls.filter((call) => call.endsWith(' hit')).length).toBeGreaterThanOrEqual(2);
      expect(caches.plain.calls).toContain('mutate tables=[users] tags=[]');
      expect(caches.plain.calls).toContain('mutate tables=[] tags=[user-b]');
      expect(resultOf(plain, '$withCache(): hit')).toEqual(resultOf(plain, '$withCache(): miss'));
      for (const side of ['sharded', 'plain'] as const) {
        expect(pair[side].$cache).toBe(caches[side]);
        expect(pair[side].$cache.invalidate).toBe(caches[side].onMutate);
      }
    },
  );

  it('schema: the same relational query builders and schema metadata', async () => {
    const pair = await openPair(variant, schema);
    const { sharded, plain } = pair;
    expect(Object.keys(sharded.query).sort()).toEqual(['countries', 'orders', 'settings', 'users']);
    expect(Object.keys(sharded.query).sort()).toEqual(Object.keys(plain.query).sort());
    for (const name of Object.keys(plain.query) as Array<keyof typeof plain.query>) {
      expect(sharded.query[name].constructor).toBe(plain.query[name].constructor);
    }
    expect(sharded._.fullSchema).toBe(schema);
    expect(plain._.fullSchema).toBe(schema);
    expect(Object.keys(sharded._.schema ?? {})).toEqual(Object.keys(plain._.schema ?? {}));
    expect(sharded._.schema).toEqual(plain._.schema);
    expect(sharded._.tableNamesMap).toEqual(plain._.tableNamesMap);
  });

  it('statements re-run after DDL (also inside transactions) answer as plain drizzle does', async () => {
    // One connection per side, so a statement is re-run on the connection that ran it before.
    const pair = await openPair(variant, schema, undefined, { pool: { ...POOL, max: 1 } });
    const { sharded, plain } = await recordBoth(pair, ddlScenario);

    expectSameRecording(sharded, plain);
    expect(failedSteps(plain)).toEqual([]);
    expect(resultOf(plain, 'select * in a transaction')).toMatchObject({
      rows: [{ id: String(a), nick: null, nick2: null }],
    });
  });
});
