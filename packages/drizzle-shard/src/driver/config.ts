import type { Casing } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { Logger } from 'drizzle-orm/logger';
import type { Options, PostgresType } from 'postgres';
import type { ConsistencyOptions, TokenOptions } from '../consistency/options.ts';
import type { TwoPhaseOptions } from '../reference/two-phase-options.ts';
import type { ReplicaOptions } from '../replicas/options.ts';
import type { ShardMap } from '../routing/shard-map.ts';

/** One node: a URL, or a URL with per-node settings. */
export type NodeConfig =
  | string
  | {
      readonly url: string;
      /** The URL points at PgBouncer in transaction mode: no prepared statements. Default false. */
      readonly pgbouncer?: boolean;
      /** Cache prepared statements per connection (default: true on direct connections, false behind PgBouncer). */
      readonly cacheStatements?: boolean;
      /** postgres.js options for this node only (merged over `pool`). */
      readonly options?: Options<Record<string, PostgresType>>;
    };

export interface ShardConfig {
  readonly primary: NodeConfig;
  readonly replicas?: readonly NodeConfig[];
}

/** What to do when a shard fails during a fan-out. */
export type ShardErrorPolicy = 'fail' | 'partial';

export interface FanoutOptions {
  /** Shards queried at once. Default: all. */
  readonly concurrency?: number;
  /** `fail` (default): throw `FANOUT_SHARD_FAILED` naming the shard; `partial`: return the rest, flagged. */
  readonly onShardError?: ShardErrorPolicy;
}

/**
 * Options of {@link shardedDrizzle}. Drizzle's own config (`schema`, `logger`, `casing`,
 * `cache`) passes through to every shard's database unchanged.
 */
export interface ShardedDrizzleConfig<TSchema extends Record<string, unknown>> {
  readonly schema: TSchema;
  /** One entry per shard, in shard-index order. */
  readonly shards: readonly ShardConfig[];
  /** Default: `ShardMap.hash({ shards: shards.length })`. */
  readonly shardMap?: ShardMap;
  /** postgres.js options for every node (e.g. `{ max: 10 }`). */
  readonly pool?: Options<Record<string, PostgresType>>;
  readonly fanout?: FanoutOptions;
  readonly logger?: boolean | Logger;
  readonly casing?: Casing;
  readonly cache?: Cache;
  /** Read routing over each shard's replicas: policy, lag limits, health polling. */
  readonly replication?: ReplicaOptions;
  /** Default read-your-writes mode of `db.session()`. Default `{ mode: 'lsn' }`. */
  readonly consistency?: ConsistencyOptions;
  /** Keys that sign consistency tokens (needed for `session.token()`). */
  readonly tokens?: TokenOptions;
  /** Deadlines of two-phase writes and the background resolver of orphaned ones. */
  readonly twoPhase?: TwoPhaseOptions;
  /** Check the sharding rules of the schema at start-up. Default true. */
  readonly validateSchema?: boolean;
  /**
   * `parameters: true` keeps parameter values (row data, keys) in errors' causes, for debugging.
   * Default: messages, causes and inspected errors carry the SQL text only.
   */
  readonly debug?: { readonly parameters?: boolean };
}

export function nodeUrl(node: NodeConfig): string {
  return typeof node === 'string' ? node : node.url;
}
