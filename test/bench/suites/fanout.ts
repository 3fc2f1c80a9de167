import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { desc } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { type ShardedDatabase, shardedDrizzle } from 'drizzle-shard';
import postgres from 'postgres';
import { DDL, orders, schema } from '../../../examples/orders-app/src/schema.ts';
import { interleave } from '../harness/interleave.ts';
import type { Suite } from './context.ts';

const POOL = { max: 4, onnotice: () => {} } as const;

/**
 * The cost of a merged fan-out as the shard count grows: the newest 20 orders of everyone
 * (`ORDER BY created_at DESC LIMIT 20` over every shard, k-way merged) against plain drizzle
 * asking one database that holds all the same rows.
 */
export const fanoutSuite: Suite = async ({ size, rounds, log }) => {
  const rows = size === 'tiny' ? 2_000 : 50_000;
  const clusters: Cluster[] = [];
  const sharded: ShardedDatabase<typeof schema>[] = [];
  const clients: postgres.Sql[] = [];
  const data = Array.from({ length: rows }, (_, i) => ({
    id: i + 1,
    userId: (i * 7919) % 5_000,
    status: 'paid',
    total: '1.00',
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('T', ' ').slice(0, 19),
  }));
  const start = async (shards: number) => {
    const cluster = await startCluster({ shards, settings: { shared_buffers: '64MB' } });
    clusters.push(cluster);
    for (const s of cluster.shards) {
      await runSql(s.primary.url, DDL);
      await runSql(s.primary.url, 'create index if not exists orders_created_at on orders (created_at desc)');
    }
    return cluster;
  };
  try {
    log(`fan-out: loading ${rows} orders into 1, 2 and 4 shards and one plain database`);
    const single = await start(1);
    const client = postgres(single.shards[0]!.primary.url, POOL);
    clients.push(client);
    const plain = drizzle(client, { schema });
    for (let i = 0; i < rows; i += 5_000) await plain.insert(orders).values(data.slice(i, i + 5_000));
    await runSql(single.shards[0]!.primary.url, 'analyze orders');
    const fleet = async (shards: number) => {
      const cluster = await start(shards);
      const db = shardedDrizzle({
        schema,
        shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
        pool: POOL,
      });
      sharded.push(db);
      for (let i = 0; i < rows; i += 5_000) await db.insert(orders).values(data.slice(i, i + 5_000));
      for (const s of cluster.shards) await runSql(s.primary.url, 'analyze orders');
      return db.allShards();
    };
    const top = (db: PostgresJsDatabase<typeof schema>) => () =>
      db.select().from(orders).orderBy(desc(orders.createdAt)).limit(20);
    const [two, four] = [await fleet(2), await fleet(4)];
    const second = drizzle(postgres(single.shards[0]!.primary.url, POOL), { schema });
    clients.push(second.$client);
    log('fan-out: newest 20 orders');
    const variants = await interleave(
      [
        { name: 'plain drizzle, one database', op: top(plain) },
        { name: 'plain drizzle (A/A control)', op: top(second) },
        { name: 'drizzle-shard allShards(), 2 shards', op: top(two) },
        { name: 'drizzle-shard allShards(), 4 shards', op: top(four) },
      ],
      { ...rounds, opsPerRound: Math.min(rounds.opsPerRound, 500) },
    );
    return [
      {
        name: 'fanout-top20',
        title: 'Fan-out ORDER BY created_at DESC LIMIT 20: merge cost vs shard count',
        baseline: 'plain drizzle on one database holding every row',
        variants,
        notes: [
          'Each shard runs the query with its LIMIT (pushed down) and the rows are k-way merged on the client; all servers share this machine.',
        ],
      },
    ];
  } finally {
    await Promise.all([...sharded.map((db) => db.close()), ...clients.map((c) => c.end())]);
    await Promise.all(clusters.map((c) => c.destroy()));
  }
};
