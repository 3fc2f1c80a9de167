import { type Cluster, type ClusterShard, runSql, startCluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import {
  type NodeConfig,
  type ShardedDatabase,
  type ShardedDrizzleConfig,
  shardedDrizzle,
} from '../../src/index.ts';
import { DDL, schema, users } from './schema.ts';

export type Connection = 'direct' | 'pgbouncer';
export const CONNECTIONS: Connection[] = ['direct', 'pgbouncer'];
export const TOKEN_KEYS = [{ id: 'k1', secret: 'a-test-secret-of-32-bytes-length' }];

/** A cluster whose shards have replicas (and PgBouncer in front of every node). */
export async function startReplicatedCluster(shards: number, replicas = 2): Promise<Cluster> {
  const cluster = await startCluster({ shards, replicas, pgbouncer: { poolSize: 10 } });
  for (const s of cluster.shards) await runSql(s.primary.url, DDL);
  return cluster;
}

function node(n: { url: string; pgbouncerUrl?: string }, connection: Connection): NodeConfig {
  return connection === 'direct' ? n.url : { url: n.pgbouncerUrl!, pgbouncer: true };
}

export function shardsOf(cluster: Cluster, connection: Connection) {
  return cluster.shards.map((s: ClusterShard) => ({
    primary: node(s.primary, connection),
    replicas: s.replicas.map((r) => node(r, connection)),
  }));
}

/** A sharded db over the cluster's primaries and replicas, polling lag every 100 ms. */
export function replicatedDb(
  cluster: Cluster,
  connection: Connection,
  options: Partial<Omit<ShardedDrizzleConfig<typeof schema>, 'schema' | 'shards'>> = {},
): ShardedDatabase<typeof schema> {
  return shardedDrizzle({
    schema,
    shards: shardsOf(cluster, connection),
    pool: { max: 4, onnotice: () => {} },
    tokens: { keys: TOKEN_KEYS },
    ...options,
    replication: { monitorIntervalMs: 100, ...options.replication },
  });
}

/** Waits until every replica of the shard owning user `id` shows it with `password`. */
export async function waitForReplicas(
  cluster: Cluster,
  db: ShardedDatabase<typeof schema>,
  id: number,
  password: string,
): Promise<void> {
  for (const s of [cluster.shards[db.shardMap.shardOf(id, 'int')]!]) {
    for (const r of s.replicas) {
      const client = postgres(r.url, { max: 1, onnotice: () => {} });
      const db = drizzle(client, { schema });
      try {
        for (let i = 0; ; i++) {
          // The table itself may not have arrived yet: keep asking.
          const rows = await db
            .select()
            .from(users)
            .where(eq(users.id, id))
            .catch(() => undefined);
          if (rows?.[0]?.password === password) break;
          if (i > 400) throw new Error(`replica ${r.id} never caught up`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      } finally {
        await client.end();
      }
    }
  }
}

/** Total reads served by replicas, over every shard. */
export function replicaReads(db: ShardedDatabase<typeof schema>): number {
  return db.replicaStatus().reduce((sum, s) => sum + s.replicas.reduce((n, r) => n + r.reads, 0), 0);
}
