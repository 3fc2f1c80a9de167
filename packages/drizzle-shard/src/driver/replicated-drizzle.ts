import type { NodeConfig, ShardedDrizzleConfig } from './config.ts';
import { type ShardedDatabase, shardedDrizzle } from './sharded-drizzle.ts';

export interface ReplicatedDrizzleConfig<TSchema extends Record<string, unknown>>
  extends Omit<ShardedDrizzleConfig<TSchema>, 'shards' | 'shardMap' | 'fanout'> {
  readonly primary: NodeConfig;
  readonly replicas?: readonly NodeConfig[];
}

/**
 * One (unsharded) database with read replicas: a drop-in for drizzle's `withReplicas` that
 * adds lag-aware routing, health checks with failover to the primary, and read-your-writes
 * sessions. Writes, `FOR UPDATE/SHARE`, raw SQL and transactions go to the primary.
 *
 * @example
 * const db = replicatedDrizzle({ schema, primary: env.PRIMARY_URL, replicas: [env.REPLICA_URL] });
 * await db.startSession({ key: userId }).run(async () => { ... });
 */
export function replicatedDrizzle<TSchema extends Record<string, unknown>>(
  config: ReplicatedDrizzleConfig<TSchema>,
): ShardedDatabase<TSchema> {
  const { primary, replicas, ...rest } = config;
  return shardedDrizzle({ ...rest, shards: [{ primary, replicas }] });
}
