import type { Casing, SQL } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { ShardMap } from '../routing/shard-map.ts';
import { RoutedCount } from './routed-count.ts';
import type { StatementExecutor } from './routed-query.ts';
import { RouterSession } from './router-session.ts';
import { RoutingDialect } from './routing-dialect.ts';
import { cacheHandle, type RelationalSchema, type ShardSession } from './shard-database.ts';
import type { Route } from './statement-plan.ts';

/** Counts `source` (filtered) on the shards `route` names, as one number. */
export type RoutedCountRunner = (
  route: Route,
  source: PgTable | SQL,
  filters: SQL | undefined,
) => Promise<number>;

export interface RoutedDatabaseSettings {
  /** `router`: the top-level db (routes by key); `fanout`: `db.allShards()` (runs on every shard). */
  readonly mode: 'router' | 'fanout';
  readonly shardMap: ShardMap;
  readonly casing?: Casing;
  readonly executor: StatementExecutor;
  /** With one shard, transactions simply run on its session. */
  readonly onlyShard?: ShardSession;
  readonly relational: RelationalSchema | undefined;
  readonly cache?: Cache;
  /** Answers `$count`, which bypasses drizzle's builders (see {@link RoutedCount}). */
  readonly count: RoutedCountRunner;
}

/**
 * The top-level db or a `db.allShards()` db: drizzle's postgres-js database over a router
 * session, with `$count` routed and `$cache` the configured cache (`invalidate` clears every
 * shard's entries).
 */
export function routedDatabase<TSchema extends Record<string, unknown>>(
  settings: RoutedDatabaseSettings,
): PostgresJsDatabase<TSchema> {
  const dialect = new RoutingDialect(settings.mode, settings.shardMap, { casing: settings.casing });
  const session = new RouterSession(dialect, settings.executor, settings.onlyShard as never);
  const db = new PostgresJsDatabase(
    dialect,
    session as never,
    settings.relational as never,
  ) as PostgresJsDatabase<TSchema>;
  const single = settings.onlyShard !== undefined;
  (db as { $count: unknown }).$count = (source: PgTable | SQL, filters?: SQL) =>
    new RoutedCount(source, filters, (route) => settings.count(route, source, filters), single);
  if (settings.cache) (db as { $cache: unknown }).$cache = cacheHandle(settings.cache);
  return db;
}
