import type { SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { checkTokenOptions, resolveConsistency } from '../consistency/options.ts';
import { RecentWrites } from '../consistency/recent-writes.ts';
import { ConsistencySession, type SessionContext, type SessionOptions } from '../consistency/session.ts';
import { type RoutedCountRunner, routedDatabase } from '../drizzle/routed-database.ts';
import type { StatementGuard } from '../drizzle/shard-database.ts';
import { shardIdSql } from '../drizzle/shard-id-sql.ts';
import { CrossShardTransactionError, DrizzleShardError } from '../errors.ts';
import { newIdBucket, shardOfId } from '../ids/id-routing.ts';
import { SHARD_ID_DDL } from '../ids/shard-id.ts';
import {
  type RecoveryOptions,
  type RecoveryReport,
  recoverPreparedTransactions,
} from '../reference/recover.ts';
import { startTwoPhaseResolver } from '../reference/resolver.ts';
import { resolveTwoPhaseOptions } from '../reference/two-phase-options.ts';
import { readPrimaryPosition } from '../replicas/lag-monitor.ts';
import { resolveReplicaOptions } from '../replicas/options.ts';
import type { ShardReplicaStatus } from '../replicas/replica-node.ts';
import { ShardMap } from '../routing/shard-map.ts';
import {
  type ShardKeyOf,
  type ShardKeyOfTable,
  type ShardKeyType,
  shardedMetaOf,
  shardedTableMetaOf,
} from '../schema/annotations.ts';
import { assertSchemaRules, tablesOf } from '../schema/rules.ts';
import type { FanoutOptions, ShardedDrizzleConfig } from './config.ts';
import { createReplicaEvents, type ReplicaEvents } from './events.ts';
import { serverIdentityCheck } from './server-identity.ts';
import { ShardExecutor } from './shard-executor.ts';
import { openShardNode, type ShardNode } from './shard-node.ts';
import { checkFanout, checkMapKeys, validateConfig } from './validate-config.ts';

/** The database returned by {@link shardedDrizzle}: drizzle's API, routed, plus shard access. */
export type ShardedDatabase<TSchema extends Record<string, unknown>> = PostgresJsDatabase<TSchema> &
  ShardAccess<TSchema>;

export interface ShardAccess<TSchema extends Record<string, unknown>> {
  /** A full drizzle database on the shard that owns `key` (the schema's shard key type). */
  shard(key: ShardKeyOf<TSchema>): PostgresJsDatabase<TSchema>;
  /** Like `shard`, for a schema whose sharded tables have keys of different types. */
  shardFor<T extends PgTable>(table: T, key: ShardKeyOfTable<T>): PostgresJsDatabase<TSchema>;
  /**
   * SQL making a new shard-aware id in `key`'s bucket (see `decodeShardId`), as an insert value:
   * `db.insert(orders).values({ id: db.newId(userId), userId, ... })`. Needs `installShardIds()`.
   */
  newId(key: ShardKeyOf<TSchema>): SQL<bigint>;
  /** The database of the shard owning a shard-aware id, so `orders.id` alone can be routed. */
  shardById(id: bigint | string): PostgresJsDatabase<TSchema>;
  /** Creates the id function (`SHARD_ID_DDL`) on every shard primary; idempotent. */
  installShardIds(): Promise<void>;
  /** The database of shard `index` (0-based), for operations and tests. */
  shardAt(index: number): PostgresJsDatabase<TSchema>;
  /** A database whose statements run on every shard, merged as one database would answer. */
  allShards(options?: FanoutOptions): PostgresJsDatabase<TSchema>;
  readonly shardMap: ShardMap;
  readonly shardCount: number;
  /**
   * A read-your-writes session: statements inside `session.run(fn)` see the session's own
   * writes even when reads go to replicas; `session.token()` carries them to another instance.
   */
  startSession(options?: SessionOptions): ConsistencySession;
  /** Replica events: ejections, re-admissions, lag, fallbacks, rejected tokens. */
  readonly events: ReplicaEvents;
  /** Per shard with replicas: health, lag, and reads served per node. */
  replicaStatus(): ShardReplicaStatus[];
  /**
   * Resolves once every replica has been health-checked (reads before that use primaries);
   * rejects with `CONFIG_INVALID` when two shards turn out to be one server.
   */
  ready(): Promise<void>;
  /**
   * Finishes two-phase writes left prepared by a crashed or timed-out writer now (the db's
   * background resolver also does, every `twoPhase.recoverEveryMs`).
   */
  recoverPreparedTransactions(options?: RecoveryOptions): Promise<RecoveryReport>;
  /** Closes every pool. */
  close(options?: { timeout?: number }): Promise<void>;
}

/** The key type every sharded table of the schema shares (`char(5)` and `text` keys do not share one). */
function schemaKeyType(schema: Record<string, unknown>): ShardKeyType | undefined {
  const types = new Map(
    tablesOf(schema).flatMap((t) => {
      const type = shardedMetaOf(t)?.keyType;
      return type ? [[JSON.stringify(type), type] as const] : [];
    }),
  );
  return types.size === 1 ? [...types.values()][0] : undefined;
}

/** The shard holding unsharded ("home") tables; the top-level db routes them there. */
const HOME_SHARD = 0;

/**
 * Refuses, inside a shard-bound db, statements whose key lives on another shard, reference-table
 * writes, and (on any shard but the home shard) statements on unsharded tables only.
 */
function guardFor(index: number, shardMap: ShardMap): StatementGuard {
  return (plan, inTransaction) => {
    const route = plan?.route;
    if (!route) return;
    if (route.kind === 'reference-write') {
      throw new DrizzleShardError(
        'REFERENCE_WRITE_NEEDS_ALL_SHARDS',
        `"${route.table}" is a reference table copied to every shard; write it through the top-level db (two-phase commit on all shards), not db.shard(…).`,
      );
    }
    if (route.kind === 'home' && route.table !== undefined && index !== HOME_SHARD) {
      // Unsharded tables live on the home shard only; the top-level db reads them there. A copy
      // written here would be invisible to it (and a read here would miss the real rows).
      throw new DrizzleShardError(
        'HOME_TABLE_NEEDS_HOME_SHARD',
        `This db is bound to shard ${index}, but "${route.table}" is unsharded: it lives on the home shard (${HOME_SHARD}) only. Use the top-level db (it routes it home), or mark it reference() to copy it to every shard.`,
        { table: route.table, boundShard: index, homeShard: HOME_SHARD },
      );
    }
    if (route.kind === 'unroutable' && route.error.code === 'SHARD_KEY_UPDATE') throw route.error;
    const shards =
      route.kind === 'keys'
        ? route.values.flatMap((v) => ('value' in v ? [shardMap.shardOf(v.value, route.keyType)] : []))
        : route.kind === 'split'
          ? [...route.queries.keys()]
          : [];
    const foreign = [...new Set(shards.filter((s) => s !== index))];
    if (foreign.length === 0) return;
    const table = route.kind === 'keys' || route.kind === 'split' ? route.table : '?';
    if (inTransaction) throw new CrossShardTransactionError(table, index, foreign);
    throw new DrizzleShardError(
      'SHARD_KEY_MISMATCH',
      `This db is bound to shard ${index}, but the statement on "${table}" uses key(s) owned by shard(s) ${foreign.join(', ')}. Use db.shard(thatKey), or the top-level db to route automatically.`,
      { table, boundShard: index, otherShards: foreign },
    );
  };
}

/**
 * Drizzle over N PostgreSQL shards. Statements on the returned db route by the shard key
 * read from drizzle's own query objects; queries without a key throw `SHARD_KEY_MISSING`
 * unless sent through `db.allShards()`.
 *
 * @example
 * const db = shardedDrizzle({ schema, shards: [{ primary: url0 }, { primary: url1 }] });
 * await db.insert(orders).values({ userId: 7, total: '9.90' });          // routed by userId
 * await db.select().from(orders).where(eq(orders.userId, 7));            // one shard
 * await db.allShards().select({ n: count() }).from(orders);              // every shard, merged
 * await db.shard(7).transaction(async (tx) => { ... });                  // one shard's transaction
 */
export function shardedDrizzle<TSchema extends Record<string, unknown>>(
  config: ShardedDrizzleConfig<TSchema>,
): ShardedDatabase<TSchema> {
  validateConfig(config);
  if (config.validateSchema !== false) assertSchemaRules(config.schema);
  const shardMap = config.shardMap ?? ShardMap.hash({ shards: config.shards.length });
  if (shardMap.shardCount !== config.shards.length) {
    throw new DrizzleShardError(
      'CONFIG_INVALID',
      `The shard map has ${shardMap.shardCount} shards but ${config.shards.length} were configured; they must match.`,
    );
  }
  checkMapKeys(shardMap, config.schema);
  const replicaOptions = resolveReplicaOptions(config.replication);
  const consistency = resolveConsistency(config.consistency);
  checkTokenOptions(config.tokens, replicaOptions.maxLagMs);
  const twoPhase = resolveTwoPhaseOptions(config.twoPhase);
  const events = createReplicaEvents();
  const nodes = config.shards.map((shard, index) =>
    openShardNode(shard, index, config, shardMap, guardFor(index, shardMap), replicaOptions, events),
  );
  const sessions: SessionContext = {
    defaults: consistency,
    tokens: config.tokens,
    maxLagMs: replicaOptions.maxLagMs,
    events,
    recent: new RecentWrites(),
    positions: {
      identity: (shard) => nodes[shard]?.replicas?.monitor.identity,
      currentPosition: (shard) => readPrimaryPosition(nodes[shard]!.client),
    },
  };
  const keyType = schemaKeyType(config.schema);

  const identity = serverIdentityCheck(
    nodes.map((n) => n.background),
    twoPhase.stepTimeoutMs,
  );
  const routedDb = (mode: 'router' | 'fanout', options?: FanoutOptions) => {
    const executor = new ShardExecutor(
      mode,
      shardMap,
      nodes as ShardNode<Record<string, unknown>>[],
      options ?? config.fanout ?? {},
      twoPhase,
      () => identity.verified(),
      config.debug?.parameters === true,
    );
    return routedDatabase<TSchema>({
      mode,
      shardMap,
      casing: config.casing,
      executor,
      onlyShard: nodes.length === 1 ? nodes[0]!.session : undefined,
      relational: nodes[0]!.relational,
      cache: config.cache,
      count: countOn(executor, nodes),
    });
  };
  const db = routedDb('router') as ShardedDatabase<TSchema>;
  const resolver = startTwoPhaseResolver(
    nodes.map((n) => n.background),
    twoPhase,
    events,
  );
  const defaultFanout = routedDb('fanout');

  const shardAt = (index: number) => {
    const node = nodes[index];
    if (!node)
      throw new DrizzleShardError('CONFIG_INVALID', `No shard ${index}; shards are 0..${nodes.length - 1}.`);
    return node.db as PostgresJsDatabase<TSchema>;
  };
  const schemaKind = () => {
    if (!keyType) {
      throw new DrizzleShardError(
        'CONFIG_INVALID',
        'The schema has sharded tables with different key types (or none); use db.shardFor(table, key).',
      );
    }
    return keyType;
  };
  const access: ShardAccess<TSchema> = {
    shard: (key) => shardAt(shardMap.shardOf(key, schemaKind())),
    newId: (key) => shardIdSql(newIdBucket(shardMap, key, schemaKind())),
    shardById: (id) => shardAt(shardOfId(shardMap, id)),
    installShardIds: async () => {
      for (const node of nodes) await node.client.unsafe(SHARD_ID_DDL);
    },
    shardFor(table, key) {
      const meta = shardedTableMetaOf(table);
      if (!meta)
        throw new DrizzleShardError(
          'CONFIG_INVALID',
          'shardFor(table, key) needs a table marked with sharded().',
        );
      return shardAt(shardMap.shardOf(key, meta.keyType));
    },
    shardAt,
    allShards: (options) => {
      if (!options) return defaultFanout;
      checkFanout('allShards(options)', options);
      return routedDb('fanout', { ...config.fanout, ...options });
    },
    shardMap,
    shardCount: nodes.length,
    startSession: (options) => new ConsistencySession(sessions, options),
    events,
    replicaStatus: () => nodes.flatMap((n) => (n.replicas ? [n.replicas.status()] : [])),
    ready: async () => {
      await identity.settled();
      await Promise.all(nodes.map((n) => n.replicas?.ready));
    },
    recoverPreparedTransactions: (options) =>
      recoverPreparedTransactions(
        nodes.map((n) => n.background),
        { stepTimeoutMs: twoPhase.stepTimeoutMs, ...options },
      ),
    close: async (options) => {
      await resolver.stop();
      await Promise.all(nodes.map((n) => n.replicas?.monitor.stop()));
      await Promise.all(
        nodes.flatMap((n) => n.clients.map((c) => c.end({ timeout: options?.timeout ?? 5 }))),
      );
    },
  };
  Object.assign(db, access);
  return db;
}

/**
 * `$count` bypasses drizzle's builders (it hands raw SQL to the session), so routed dbs answer
 * it with drizzle's own `$count` on the shards the count's route names (summed over several).
 * A count is one number: without a shard it would be silently wrong, whatever the fan-out policy.
 */
function countOn<TSchema extends Record<string, unknown>>(
  executor: ShardExecutor,
  nodes: ReadonlyArray<ShardNode<TSchema>>,
): RoutedCountRunner {
  return async (route, source, filters) => {
    const shards = executor.targets({ statement: 'select', route, write: false }, {});
    if (shards.length === 1) return nodes[shards[0]!]!.db.$count(source, filters);
    const { values } = await executor.onShards(shards, (s) => nodes[s]!.db.$count(source, filters), {
      requireAll: {
        instead:
          "$count needs every shard (a number without one would be silently wrong); for a flagged partial count use db.allShards({ onShardError: 'partial' }).select({ n: count() }) and fanoutInfo().",
      },
    });
    return values.reduce((total, n) => total + n, 0);
  };
}
