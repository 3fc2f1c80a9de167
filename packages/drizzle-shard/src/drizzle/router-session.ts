import { entityKind, type Query } from 'drizzle-orm';
import {
  PgSession,
  type PgTransaction,
  type PgTransactionConfig,
  type PreparedQueryConfig,
  type SelectedFieldsOrdered,
} from 'drizzle-orm/pg-core';
import { DrizzleShardError } from '../errors.ts';
import type { QueryMetadata } from './node-session.ts';
import { RoutedPreparedQuery, type StatementExecutor } from './routed-query.ts';
import type { RoutingDialect } from './routing-dialect.ts';

/** The session of the top-level db and of `db.allShards()`: every statement is routed. */
export class RouterSession extends PgSession {
  static override readonly [entityKind]: string = 'DrizzleShardRouterSession';

  constructor(
    private readonly routingDialect: RoutingDialect,
    private readonly executor: StatementExecutor,
    /** With one shard (an unsharded, replicated database) transactions simply run on it. */
    private readonly onlyShard?: PgSession,
  ) {
    super(routingDialect);
  }

  override prepareQuery<T extends PreparedQueryConfig = PreparedQueryConfig>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => T['execute'],
    queryMetadata?: QueryMetadata,
    cacheConfig?: unknown,
  ): RoutedPreparedQuery<T> {
    return new RoutedPreparedQuery<T>(this.executor, this.routingDialect.takePlan(), query, {
      fields,
      name,
      arrayMode: isResponseInArrayMode,
      mapper: customResultMapper as ((rows: unknown[][]) => unknown) | undefined,
      metadata: queryMetadata,
      cacheConfig,
    });
  }

  override transaction<T>(
    transaction: (tx: PgTransaction<never, never, never>) => Promise<T>,
    config?: PgTransactionConfig,
  ): Promise<T> {
    if (this.onlyShard) return this.onlyShard.transaction(transaction as never, config);
    return Promise.reject(
      new DrizzleShardError(
        'TRANSACTION_NEEDS_SHARD',
        'A transaction runs on one shard: use db.shard(key).transaction(async (tx) => …). Reference-table writes on the top-level db are already atomic across shards.',
      ),
    );
  }
}
