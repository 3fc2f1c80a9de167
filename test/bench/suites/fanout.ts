import { desc } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { orders, type schema } from '../../../examples/orders-app/src/schema.ts';
import { measureInFlight } from '../harness/in-flight.ts';
import type { Target } from '../harness/targets.ts';
import { memoryTable } from '../memory/memory-table.ts';
import type { Suite } from './context.ts';
import { aggregateTables } from './fanout-aggregates.ts';
import { startFanoutFleets } from './fanout-fleets.ts';

const TWO = 'drizzle-shard allShards(), 2 shards';
const FOUR = 'drizzle-shard allShards(), 4 shards';
const TARGETS: Target[] = [
  { goal: 'issue 19: fan-out over 2 shards, client CPU', variant: TWO, metric: 'cpu', max: 1.2 },
  { goal: 'issue 19: fan-out over 4 shards, client CPU', variant: FOUR, metric: 'cpu', max: 1.5 },
  { goal: 'issue 19: fan-out over 4 shards, time', variant: FOUR, metric: 'time', max: 2.0 },
];

/**
 * Fan-outs against the same query on one database holding every row: the newest 20 orders of
 * everyone (`ORDER BY created_at DESC LIMIT 20` over every shard, k-way merged) at 2 and 4 shards,
 * aggregates over 4 shards, and resident memory while paging through every row of 4 shards.
 */
export const fanoutSuite: Suite = async ({ size, rounds, log }) => {
  const rows = size === 'tiny' ? 2_000 : 100_000;
  log(`fan-out: loading ${rows} orders into one plain database and into 2 and 4 shards`);
  const fleets = await startFanoutFleets(rows);
  try {
    const top = (db: PostgresJsDatabase<typeof schema>) => () =>
      db.select().from(orders).orderBy(desc(orders.createdAt)).limit(20);
    const newest = await measureInFlight(
      {
        name: 'fanout-top20',
        title: 'Fan-out ORDER BY created_at DESC LIMIT 20: merge cost vs shard count',
        baseline: 'plain drizzle on one database holding every row',
        targets: TARGETS,
        notes: [
          'Each shard runs the query with its LIMIT (pushed down) and the rows are k-way merged on the client; all servers share this machine.',
        ],
      },
      [
        { name: 'plain drizzle, one database', op: top(fleets.plain) },
        { name: 'plain drizzle (A/A control)', op: top(fleets.plainAgain) },
        { name: TWO, op: top(fleets.two.allShards()) },
        { name: FOUR, op: top(fleets.four.allShards()) },
      ],
      { ...rounds, opsPerRound: Math.min(rounds.opsPerRound, 500) },
      log,
    );
    const aggregates = await aggregateTables(fleets, rounds, log);
    const memory = await memoryTable(fleets, size, rounds.seed, log);
    return [...newest, ...aggregates, memory];
  } finally {
    await fleets.close();
  }
};
