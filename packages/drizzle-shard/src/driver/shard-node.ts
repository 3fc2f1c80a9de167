import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Notice, type Sql } from 'postgres';
import type { RoutingDialect } from '../drizzle/routing-dialect.ts';
import {
  installDrizzleTypes,
  openNodeSession,
  type RelationalSchema,
  type ShardSession,
  type StatementGuard,
  shardDatabase,
  shardDialect,
} from '../drizzle/shard-database.ts';
import { DrizzleShardError } from '../errors.ts';
import type { ResolvedReplicaOptions } from '../replicas/options.ts';
import type { ReplicaNode } from '../replicas/replica-node.ts';
import { ReplicaSet } from '../replicas/replica-set.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import type { NodeConfig, ShardConfig, ShardedDrizzleConfig } from './config.ts';
import type { ReplicaEvents } from './events.ts';
import { ShardRouting } from './shard-routing.ts';

/** A shard: drizzle databases on its primary, built exactly as drizzle's postgres-js driver builds them, and its replicas. */
export interface ShardNode<TSchema extends Record<string, unknown>> {
  readonly client: Sql;
  readonly db: PostgresJsDatabase<TSchema>;
  readonly session: ShardSession;
  /** drizzle's relational config of the schema (for the routed dbs' `db.query`). */
  readonly relational: RelationalSchema | undefined;
  /** Present when the shard has replicas. */
  readonly replicas?: ReplicaSet<ShardSession>;
  /**
   * One connection to the primary for the library's own periodic queries (server identity,
   * the two-phase resolver, replica lag polls), apart from the app's pool: see {@link openShardNode}.
   */
  readonly background: Sql;
  /** Every pool of the shard (primary first). */
  readonly clients: readonly Sql[];
}

/**
 * Replica pools reconnect often (restarts, ejections). postgres.js runs an array-type lookup as
 * the first query of every new connection and never handles its failure: a replica (or its
 * PgBouncer) refusing that query becomes an unhandled rejection in the app. Replica reads are
 * only drizzle-built selects, whose array columns drizzle parses from text itself, so the lookup
 * is skipped there. Trade-off: an array-valued sql`…` expression without .mapWith() comes back
 * from a replica as PostgreSQL array text (from the primary, as a JS array).
 */
const REPLICA_POOL_DEFAULTS = { backoff: () => 0.1, connect_timeout: 5, fetch_types: false };

/**
 * postgres.js parses the URL again its own way (several hosts, percent-decoding) and its errors
 * (URIError, `new URL`'s TypeError with the whole URL in `input`) would carry the password.
 */
function connect(field: string, open: () => Sql): Sql {
  try {
    return open();
  } catch {
    throw new DrizzleShardError(
      'CONFIG_INVALID',
      `shardedDrizzle: \`${field}\` is not a URL postgres.js can read (its text is not shown: it may hold a password).`,
      { field },
    );
  }
}

/** A postgres.js pool on a node, with the db's pool settings; `max` overrides the pool size. */
function openPool(
  node: NodeConfig,
  config: ShardedDrizzleConfig<Record<string, unknown>>,
  role: 'primary' | 'replica',
  onnotice: (notice: Notice) => void,
  field: string,
  max?: number,
): Sql {
  const settings = typeof node === 'string' ? { url: node } : node;
  return connect(field, () =>
    postgres(settings.url, {
      // postgres.js prints notices to stdout by default; they go to db.events ('notice') instead.
      onnotice,
      // A replica that went away must fail fast so its reads move on: postgres.js otherwise
      // waits up to 20 s (growing backoff) before reconnecting, holding the queued reads.
      ...(role === 'replica' ? REPLICA_POOL_DEFAULTS : {}),
      ...config.pool,
      ...settings.options,
      ...(settings.pgbouncer ? { prepare: false } : {}),
      // Behind PgBouncer (1.18 in transaction mode), postgres.js pipelining queries on a busy
      // replica connection wedged it for good once a server went away: no query on it was
      // answered again, even after the server came back. One query at a time per connection
      // there. (Not on primaries: postgres.js then refuses the BEGIN of reserved connections.)
      ...(settings.pgbouncer && role === 'replica' ? { max_pipeline: 0 } : {}),
      ...(max === undefined ? {} : { max }),
    }),
  );
}

interface OpenedNode {
  readonly client: Sql;
  readonly session: ShardSession;
  readonly relational: RelationalSchema | undefined;
}

/** One postgres.js pool and a node session (statement caching, guard) over it. */
function openNode<TSchema extends Record<string, unknown>>(
  node: NodeConfig,
  config: ShardedDrizzleConfig<TSchema>,
  dialect: RoutingDialect,
  shard: number,
  guard: StatementGuard,
  role: 'primary' | 'replica',
  onnotice: (notice: Notice) => void,
  field: string,
): OpenedNode {
  const settings = typeof node === 'string' ? { url: node } : node;
  const pgbouncer = settings.pgbouncer ?? false;
  const client = openPool(node, config, role, onnotice, field);
  const { session, relational } = openNodeSession(client, dialect, {
    schema: config.schema,
    casing: config.casing,
    logger: config.logger,
    cache: config.cache,
    shard,
    cacheStatements: !pgbouncer && (settings.cacheStatements ?? false),
    guard,
    showParameters: config.debug?.parameters === true,
  });
  return { client, session, relational };
}

/**
 * Opens a shard: its primary, and its replicas behind a replica set whose routing the primary's
 * session uses for plain reads. `db` is the shard-bound drizzle database.
 */
export function openShardNode<TSchema extends Record<string, unknown>>(
  shardConfig: ShardConfig,
  shard: number,
  config: ShardedDrizzleConfig<TSchema>,
  shardMap: ShardMap,
  guard: StatementGuard,
  replicaOptions: ResolvedReplicaOptions,
  events: ReplicaEvents,
): ShardNode<TSchema> {
  const dialect = shardDialect(shardMap, config.casing);
  const noticesOf = (name: string) => (notice: Notice) =>
    events.emit('notice', {
      shard,
      node: name,
      severity: String(notice.severity ?? ''),
      code: String(notice.code ?? ''),
      message: String(notice.message ?? ''),
    });
  const primary = openNode(
    shardConfig.primary,
    config,
    dialect,
    shard,
    guard,
    'primary',
    noticesOf(`shard${shard}/primary`),
    `shards[${shard}].primary`,
  );
  const replicaNodes: ReplicaNode<ShardSession>[] = (shardConfig.replicas ?? []).map((node, r) => {
    const opened = openNode(
      node,
      config,
      dialect,
      shard,
      guard,
      'replica',
      noticesOf(`shard${shard}/replica${r + 1}`),
      `shards[${shard}].replicas[${r}]`,
    );
    return {
      name: `shard${shard}/replica${r + 1}`,
      client: opened.client,
      // Its own connection: a probe queued behind the reads it checks on would prove nothing.
      probeClient: openPool(
        node,
        config as ShardedDrizzleConfig<Record<string, unknown>>,
        'replica',
        noticesOf(`shard${shard}/replica${r + 1}`),
        `shards[${shard}].replicas[${r}]`,
        1,
      ),
      session: opened.session,
      healthy: false,
      reason: 'waiting for the first health check',
      lagBytes: 0,
      lagMs: 0,
      reads: 0,
    };
  });
  // The library's own periodic queries get a connection of their own. Sent on the app's pool,
  // one arriving while a statement runs opens a second connection, and from then on postgres.js
  // (3.4.x) pays for every query ever run: its queue of idle connections only empties its
  // backing array when drained, and each query scans that array (`Queue.remove` → `indexOf`).
  // A sequential app never drains two idle connections, so each query cost more than the last
  // (cached point read 0.75× plain drizzle instead of 0.43× after a resolver pass had raced one).
  const background = openPool(
    shardConfig.primary,
    config as ShardedDrizzleConfig<Record<string, unknown>>,
    'primary',
    noticesOf(`shard${shard}/primary`),
    `shards[${shard}].primary`,
    1,
  );
  // The same type parsers and serializers as the app's pool (timestamps as strings, '-infinity').
  installDrizzleTypes(background);
  let replicas: ReplicaSet<ShardSession> | undefined;
  if (replicaNodes.length > 0) {
    replicas = new ReplicaSet(shard, background, primary.session, replicaNodes, replicaOptions, events);
    primary.session.routing = new ShardRouting(replicas);
  }
  const db = shardDatabase<TSchema>(
    dialect,
    primary.session,
    primary.relational,
    primary.client,
    config.cache,
  );
  return {
    client: primary.client,
    db,
    session: primary.session,
    relational: primary.relational,
    replicas,
    background,
    clients: [primary.client, background, ...replicaNodes.flatMap((r) => [r.client, r.probeClient])],
  };
}
