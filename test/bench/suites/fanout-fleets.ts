import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { type ShardedDatabase, shardedDrizzle } from 'drizzle-shard';
import postgres from 'postgres';
import { DDL, orders, schema } from '../../../examples/orders-app/src/schema.ts';
import { POOL } from '../harness/in-flight.ts';

/** The same orders on one plain database and on fleets of 2 and 4 shards, for the fan-out suites. */
export interface FanoutFleets {
  readonly rows: number;
  /** Plain drizzle on the database that holds every row, and a second client for the A/A control. */
  readonly plain: PostgresJsDatabase<typeof schema>;
  readonly plainAgain: PostgresJsDatabase<typeof schema>;
  readonly two: ShardedDatabase<typeof schema>;
  readonly four: ShardedDatabase<typeof schema>;
  /** Primary URLs of the 4-shard fleet, in shard order (for child processes). */
  readonly fourUrls: readonly string[];
  close(): Promise<void>;
}

const STATUSES = ['new', 'paid', 'shipped', 'cancelled'];
const BATCH = 5_000;

/** `rows` orders, newest last: distinct created_at, four statuses, totals from 0.01 to 10.00. */
function orderRows(rows: number) {
  return Array.from({ length: rows }, (_, i) => ({
    id: i + 1,
    userId: (i * 7919) % 5_000,
    status: STATUSES[i % STATUSES.length]!,
    total: (((i % 1000) + 1) / 100).toFixed(2),
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('T', ' ').slice(0, 19),
  }));
}

/** Starts one plain database and fleets of 2 and 4 shards, each loaded with the same `rows` orders. */
export async function startFanoutFleets(rows: number): Promise<FanoutFleets> {
  const clusters: Cluster[] = [];
  const clients: postgres.Sql[] = [];
  const sharded: ShardedDatabase<typeof schema>[] = [];
  const close = async () => {
    await Promise.all([...sharded.map((db) => db.close()), ...clients.map((c) => c.end())]);
    await Promise.all(clusters.map((c) => c.destroy()));
  };
  const data = orderRows(rows);
  const start = async (shards: number) => {
    const cluster = await startCluster({ shards, settings: { shared_buffers: '64MB' } });
    clusters.push(cluster);
    for (const s of cluster.shards) {
      await runSql(s.primary.url, DDL);
      // created_at alone for the top 20; the full keyset order for keysetPage.
      await runSql(s.primary.url, 'create index if not exists orders_created_at on orders (created_at desc)');
      await runSql(
        s.primary.url,
        'create index if not exists orders_keyset on orders (created_at desc, user_id, id)',
      );
    }
    return cluster;
  };
  const load = async (db: { insert: PostgresJsDatabase<typeof schema>['insert'] }, cluster: Cluster) => {
    for (let i = 0; i < rows; i += BATCH) await db.insert(orders).values(data.slice(i, i + BATCH));
    for (const s of cluster.shards) await runSql(s.primary.url, 'vacuum analyze orders');
  };
  const plainClient = (url: string) => {
    const client = postgres(url, POOL);
    clients.push(client);
    return drizzle(client, { schema });
  };
  const fleet = async (shards: number) => {
    const cluster = await start(shards);
    const db = shardedDrizzle({
      schema,
      shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
      pool: POOL,
    });
    sharded.push(db);
    await load(db, cluster);
    return { db, urls: cluster.shards.map((s) => s.primary.url) };
  };
  try {
    const single = await start(1);
    const url = single.shards[0]!.primary.url;
    const plain = plainClient(url);
    await load(plain, single);
    const two = await fleet(2);
    const four = await fleet(4);
    return {
      rows,
      plain,
      plainAgain: plainClient(url),
      two: two.db,
      four: four.db,
      fourUrls: four.urls,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
