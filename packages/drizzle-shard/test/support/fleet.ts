import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { type ShardedDatabase, type ShardedDrizzleConfig, shardedDrizzle } from '../../src/index.ts';
import { DDL, schema } from './schema.ts';

export interface Fleet {
  readonly cluster: Cluster;
  readonly db: ShardedDatabase<typeof schema>;
  stop(): Promise<void>;
}

/** A real cluster with the test schema on every shard, and a sharded db over its primaries. */
export async function startFleet(
  shards: number,
  options: Partial<Omit<ShardedDrizzleConfig<typeof schema>, 'schema' | 'shards'>> & {
    extraNodes?: number;
  } = {},
): Promise<Fleet> {
  const cluster = await startCluster({ shards: shards + (options.extraNodes ?? 0) });
  for (const s of cluster.shards) await runSql(s.primary.url, DDL);
  const db = shardedDrizzle({
    schema,
    shards: cluster.shards.slice(0, shards).map((s) => ({ primary: s.primary.url })),
    pool: { max: 4, onnotice: () => {} },
    ...options,
  });
  return {
    cluster,
    db,
    async stop() {
      await db.close();
      await cluster.destroy();
    },
  };
}
