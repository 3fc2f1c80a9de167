import type { Casing } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import { DefaultLogger, type Logger } from 'drizzle-orm/logger';
import { drizzle, PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import type { ShardMap } from '../routing/shard-map.ts';
import { NodeSession } from './node-session.ts';
import { RoutingDialect } from './routing-dialect.ts';
import { ShardScopedCache } from './shard-cache.ts';
import type { StatementPlan } from './statement-plan.ts';

/** The session of one node (primary or replica) of a shard. */
export type ShardSession = NodeSession<Record<string, unknown>, never>;

/** drizzle's relational config of the user's schema (what `db.query` needs), opaque outside drizzle/. */
export interface RelationalSchema {
  readonly __relationalSchema: never;
}

/** Refuses a statement before it runs (shard-bound dbs refuse keys of other shards). */
export type StatementGuard = (plan: StatementPlan | undefined, inTransaction: boolean) => void;

/** What a node's session is built from: drizzle's own config, plus the shard's settings. */
export interface NodeSessionSettings {
  readonly schema: Record<string, unknown>;
  readonly casing?: Casing;
  readonly logger?: boolean | Logger;
  /** The user's cache; each shard sees it through a shard-scoped view. */
  readonly cache?: Cache;
  readonly shard: number;
  readonly cacheStatements: boolean;
  readonly guard: StatementGuard;
  readonly showParameters: boolean;
}

/** drizzle's `db.$cache`: the configured cache itself, with `invalidate` = its `onMutate`. */
export function cacheHandle(cache: Cache): Cache & { invalidate: Cache['onMutate'] } {
  return Object.assign(cache, { invalidate: cache.onMutate });
}

function loggerOf(option: boolean | Logger | undefined): Logger | undefined {
  return option === true ? new DefaultLogger() : option === false ? undefined : option;
}

/** The dialect of a shard-bound db: plans every statement so the guard can check its keys. */
export function shardDialect(shardMap: ShardMap, casing: Casing | undefined): RoutingDialect {
  return new RoutingDialect('bound', shardMap, { casing });
}

/** Installs drizzle's type parsers and serializers on `client` (as drizzle() does), for a pool the library queries itself. */
export function installDrizzleTypes(client: Sql): void {
  drizzle(client);
}

/**
 * A node session (statement caching, guard, shard-scoped cache) on `client`, and the relational
 * schema drizzle extracted. drizzle() also installs its type parsers on the client.
 */
export function openNodeSession(
  client: Sql,
  dialect: RoutingDialect,
  settings: NodeSessionSettings,
): { session: ShardSession; relational: RelationalSchema | undefined } {
  const plain = drizzle(client, { schema: settings.schema, casing: settings.casing });
  const config = (plain as unknown as { _: { fullSchema: unknown; schema: unknown; tableNamesMap: unknown } })
    ._;
  const relational = config.schema
    ? { fullSchema: config.fullSchema, schema: config.schema, tableNamesMap: config.tableNamesMap }
    : undefined;
  const session = new NodeSession<Record<string, unknown>, never>(client, dialect, relational as never, {
    logger: loggerOf(settings.logger),
    cache: settings.cache ? new ShardScopedCache(settings.cache, settings.shard) : undefined,
    cacheStatements: settings.cacheStatements,
    guard: settings.guard,
    showParameters: settings.showParameters,
  });
  return { session, relational: relational as RelationalSchema | undefined };
}

/** A shard-bound drizzle database, built as drizzle's postgres-js driver builds one, over a node session. */
export function shardDatabase<TSchema extends Record<string, unknown>>(
  dialect: RoutingDialect,
  session: ShardSession,
  relational: RelationalSchema | undefined,
  client: Sql,
  cache: Cache | undefined,
): PostgresJsDatabase<TSchema> {
  const db = new PostgresJsDatabase(
    dialect,
    session as never,
    relational as never,
  ) as PostgresJsDatabase<TSchema> & {
    $client: Sql;
  };
  db.$client = client;
  if (cache) (db as { $cache: unknown }).$cache = cacheHandle(cache);
  return db;
}
