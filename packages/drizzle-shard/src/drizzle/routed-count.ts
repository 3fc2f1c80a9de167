import { getTableName, is, type SQL, Table } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PgCountBuilder } from 'drizzle-orm/pg-core/query-builders/count';
import { DrizzleShardError } from '../errors.ts';
import { routeTables } from './plan-route.ts';
import type { Route } from './statement-plan.ts';

/**
 * `$count` of the top-level db and of `db.allShards()`: drizzle's own count builder (lazy, runs
 * again on every await, usable as SQL), whose await runs `run` with the count's route (drizzle's
 * own count on the shard a pinned key names; the sum over shards on a fan-out db; otherwise
 * `SHARD_KEY_MISSING`).
 * Embedded in another statement it would be computed on whichever shard that statement runs on,
 * so it may be embedded only when that shard holds the whole answer: a reference table, or a db of
 * one shard (`wholeOnEveryShard`).
 */
export class RoutedCount extends PgCountBuilder<never> {
  constructor(
    source: PgTable | SQL,
    filters: SQL | undefined,
    run: (route: Route) => Promise<number>,
    wholeOnEveryShard: boolean,
  ) {
    const route = routeTables([source], filters, []);
    super({ source, filters, session: { count: () => run(route) } as never });
    if (wholeOnEveryShard || route.kind === 'any') return;
    const name = is(source, Table) ? getTableName(source) : '(subquery)';
    Object.defineProperty(this, 'queryChunks', {
      get(): never {
        throw new DrizzleShardError(
          'COUNT_NOT_EMBEDDABLE',
          `db.$count(${name}) embedded in a statement would count only the rows of the shard that statement runs on. Await it on its own, or embed db.shard(key).$count(${name}) in a db.shard(key) statement.`,
          { table: name },
        );
      },
    });
  }
}
