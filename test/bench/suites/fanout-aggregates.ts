import { isDeepStrictEqual } from 'node:util';
import { count, sum } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { orders, type schema } from '../../../examples/orders-app/src/schema.ts';
import { measureInFlight } from '../harness/in-flight.ts';
import type { InterleaveOptions } from '../harness/interleave.ts';
import type { SuiteResult } from '../harness/report.ts';
import type { FanoutFleets } from './fanout-fleets.ts';

type Db = PostgresJsDatabase<typeof schema>;

const QUERIES: readonly {
  readonly name: string;
  readonly label: string;
  readonly run: (db: Db) => Promise<unknown>;
}[] = [
  { name: 'count', label: 'count(*)', run: (db) => db.select({ n: count() }).from(orders) },
  { name: 'sum', label: 'sum(total)', run: (db) => db.select({ total: sum(orders.total) }).from(orders) },
  {
    name: 'group-by',
    label: 'GROUP BY status: count(*), sum(total)',
    run: (db) =>
      db
        .select({ status: orders.status, n: count(), total: sum(orders.total) })
        .from(orders)
        .groupBy(orders.status)
        .orderBy(orders.status),
  },
];

const FOUR = 'drizzle-shard allShards(), 4 shards';

/**
 * `count(*)`, `sum` and a `GROUP BY` over every order: re-aggregated from 4 shards against the
 * same query on one database with the same rows. Each query scans the whole table, so turns are
 * shorter than the per-op suites' (the servers' scan, not the client, sets their length).
 */
export async function aggregateTables(
  fleets: FanoutFleets,
  rounds: InterleaveOptions,
  log: (message: string) => void,
): Promise<SuiteResult[]> {
  const tables: SuiteResult[] = [];
  for (const query of QUERIES) {
    const [one, sharded] = [await query.run(fleets.plain), await query.run(fleets.four.allShards())];
    if (!isDeepStrictEqual(sharded, one))
      throw new Error(
        `${query.label}: 4 shards answered ${JSON.stringify(sharded)}, one database ${JSON.stringify(one)}`,
      );
    tables.push(
      ...(await measureInFlight(
        {
          name: `fanout-${query.name}`,
          title: `Fan-out ${query.label} over 4 shards`,
          baseline: `plain drizzle on one database holding every row (${fleets.rows} orders)`,
          targets: [
            {
              goal: `issue 19: ${query.label} over 4 shards, client CPU`,
              variant: FOUR,
              metric: 'cpu',
              max: 1.5,
            },
          ],
        },
        [
          { name: 'plain drizzle, one database', op: () => query.run(fleets.plain) },
          { name: 'plain drizzle (A/A control)', op: () => query.run(fleets.plainAgain) },
          { name: FOUR, op: () => query.run(fleets.four.allShards()) },
        ],
        { ...rounds, opsPerRound: Math.min(rounds.opsPerRound, 20) },
        log,
      )),
    );
  }
  return tables;
}
