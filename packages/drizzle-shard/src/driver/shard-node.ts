import { DefaultLogger, type Logger } from 'drizzle-orm/logger';
import { drizzle, PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import { NodeSession } from '../drizzle/node-session.ts';
import { RoutingDialect } from '../drizzle/routing-dialect.ts';
import type { StatementPlan } from '../drizzle/statement-plan.ts';
import type { ShardMap } from '../routing/shard-map.ts';
import type { NodeConfig, ShardedDrizzleConfig } from './config.ts';

/** A drizzle database on one node, built exactly as drizzle's postgres-js driver builds it. */
export interface ShardNode<TSchema extends Record<string, unknown>> {
  readonly client: Sql;
  readonly db: PostgresJsDatabase<TSchema>;
  readonly session: NodeSession<Record<string, unknown>, never>;
}

export function loggerOf(option: boolean | Logger | undefined): Logger | undefined {
  return option === true ? new DefaultLogger() : option === false ? undefined : option;
}

/**
 * Opens one postgres.js pool and wraps it in a drizzle database whose dialect plans each
 * statement and whose session caches statements and runs `guard`.
 */
export function openShardNode<TSchema extends Record<string, unknown>>(
  node: NodeConfig,
  config: ShardedDrizzleConfig<TSchema>,
  shardMap: ShardMap,
  guard: (plan: StatementPlan | undefined, inTransaction: boolean) => void,
): ShardNode<TSchema> {
  const settings = typeof node === 'string' ? { url: node } : node;
  const pgbouncer = settings.pgbouncer ?? false;
  const client = postgres(settings.url, {
    ...config.pool,
    ...settings.options,
    ...(pgbouncer ? { prepare: false } : {}),
  });
  // drizzle() installs its type parsers on the client and extracts the relational schema.
  const plain = drizzle(client, { schema: config.schema, casing: config.casing });
  const schemaConfig = (
    plain as unknown as { _: { fullSchema: unknown; schema: unknown; tableNamesMap: unknown } }
  )._;
  const relational = schemaConfig.schema
    ? {
        fullSchema: schemaConfig.fullSchema,
        schema: schemaConfig.schema,
        tableNamesMap: schemaConfig.tableNamesMap,
      }
    : undefined;
  const dialect = new RoutingDialect('bound', shardMap, { casing: config.casing });
  const session = new NodeSession<Record<string, unknown>, never>(client, dialect, relational as never, {
    logger: loggerOf(config.logger),
    cache: config.cache,
    cacheStatements: settings.cacheStatements ?? !pgbouncer,
    guard,
  });
  const db = new PostgresJsDatabase(
    dialect,
    session as never,
    relational as never,
  ) as PostgresJsDatabase<TSchema> & {
    $client: Sql;
  };
  db.$client = client;
  if (config.cache) {
    (db as { $cache: unknown }).$cache = Object.assign(config.cache, { invalidate: config.cache.onMutate });
  }
  return { client, db, session };
}
