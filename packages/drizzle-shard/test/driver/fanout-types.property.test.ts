import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { count, SQL, StringChunk } from 'drizzle-orm';
import { bigint, doublePrecision, integer, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShardedDatabase, sharded, shardedDrizzle } from '../../src/index.ts';

/**
 * A fan-out over 2 shards answers an aggregate select with the JS types and values one database
 * gives for the same rows: generated aggregates (count/sum/avg/min/max over int4, int8, numeric
 * and float8 columns) with and without casts (::int, ::int8, ::float8, ::real, ::numeric,
 * ::numeric(12,2)), with and without GROUP BY. Compared with toStrictEqual, so '2888' ≠ 2888.
 */

const points = sharded(
  pgTable(
    'points',
    {
      userId: integer('user_id').notNull(),
      id: integer('id').notNull(),
      grp: text('grp').notNull(),
      pts: integer('pts'),
      big: bigint('big', { mode: 'bigint' }),
      amount: numeric('amount', { precision: 14, scale: 3 }),
      ratio: doublePrecision('ratio'),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);
const DDL = `create table points (user_id int, id int, grp text not null, pts int, big bigint,
  amount numeric(14,3), ratio double precision, primary key (user_id, id))`;
const schema = { points };

type Column = 'pts' | 'big' | 'amount' | 'ratio';
const COLUMNS: Column[] = ['pts', 'big', 'amount', 'ratio'];
const FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
const CASTS = ['', '::int', '::int8', '::float8', '::real', '::numeric', '::numeric(12,2)'] as const;
type Aggregate = { fn: (typeof FUNCTIONS)[number]; column: Column; cast: (typeof CASTS)[number] };

const rowArb = fc.record({
  userId: fc.integer({ min: 1, max: 40 }),
  grp: fc.constantFrom('a', 'b', 'c'),
  pts: fc.option(fc.integer({ min: -5000, max: 5000 }), { nil: null }),
  big: fc.option(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), { nil: null }),
  amount: fc.option(
    fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => (n / 1000).toFixed(3)),
    { nil: null },
  ),
  // Quarters add exactly in binary floating point, whatever order the shards add them in.
  ratio: fc.option(
    fc.integer({ min: -4000, max: 4000 }).map((n) => n / 4),
    { nil: null },
  ),
});
const aggregateArb = fc.record({
  fn: fc.constantFrom(...FUNCTIONS),
  column: fc.constantFrom(...COLUMNS),
  cast: fc.constantFrom(...CASTS),
});

/** The chunks sql`sum(${points.pts})::int` gives: text, the column, text. */
function expression({ fn, column, cast }: Aggregate): SQL {
  return new SQL([new StringChunk(`${fn}(`), points[column], new StringChunk(`)${cast}`)]);
}

let cluster: Cluster;
let db: ShardedDatabase<typeof schema>;
let one: PostgresJsDatabase<typeof schema>;
let oneClient: postgres.Sql;

beforeAll(async () => {
  cluster = await startCluster({ shards: 3 });
  for (const s of cluster.shards) await runSql(s.primary.url, DDL);
  db = shardedDrizzle({
    schema,
    shards: cluster.shards.slice(0, 2).map((s) => ({ primary: s.primary.url })),
    pool: { max: 2, onnotice: () => {} },
  });
  oneClient = postgres(cluster.shards[2]!.primary.url, { max: 2, onnotice: () => {} });
  one = drizzle(oneClient, { schema });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await oneClient?.end();
  await cluster?.destroy();
});

/** The rows, or the error: the server's SQLSTATE (at the end of the cause chain), else our code. */
async function answer(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    let code = (error as { code?: string }).code;
    for (let e = error as { cause?: unknown; code?: string } | undefined; e; e = e.cause as typeof e) {
      if (e.code) code = e.code;
    }
    return { error: code ?? String(error) };
  }
}

describe('fan-out aggregates keep one database’s JS types and values', () => {
  it('over generated rows and aggregate expressions with casts', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 0, maxLength: 30 }),
        fc.array(aggregateArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (rows, aggregates, grouped) => {
          const data = rows.map((r, id) => ({ ...r, id }));
          await db.allShards().delete(points);
          await one.delete(points);
          if (data.length > 0) {
            await db.insert(points).values(data);
            await one.insert(points).values(data);
          }
          const fields = Object.fromEntries(aggregates.map((a, i) => [`v${i}`, expression(a)]));
          const query = (d: PostgresJsDatabase<typeof schema>) =>
            grouped
              ? d
                  .select({ grp: points.grp, n: count(), ...fields })
                  .from(points)
                  .groupBy(points.grp)
                  .orderBy(points.grp)
              : d.select(fields).from(points);
          const expected = await answer(() => query(one));
          const merged = await answer(() => query(db.allShards()));
          // A combination the merge cannot reproduce is refused with a typed error, never answered wrong.
          if ((merged as { error?: string }).error === 'FANOUT_UNSUPPORTED') return;
          expect(merged).toStrictEqual(expected);
          compared++;
        },
      ),
      { numRuns: 100, seed: 20261202 },
    );
    expect(compared).toBeGreaterThan(30);
  }, 300_000);
});
