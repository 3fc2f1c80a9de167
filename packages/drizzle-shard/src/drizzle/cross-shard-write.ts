import type { Query } from 'drizzle-orm';
import type { TransactionSql } from 'postgres';
import { NodeSession, type PreparedArgs } from './node-session.ts';
import type { ShardSession } from './shard-database.ts';

/** One statement the router applies atomically on several shards (the driver runs it by two-phase commit). */
export interface TwoPhaseWork {
  /** Shards the statement runs on. */
  readonly shards: readonly number[];
  /** The statement for a shard (a split insert has its own rows on each). */
  readonly queryFor: (shard: number) => Query;
  readonly args: PreparedArgs;
  readonly placeholders: Record<string, unknown>;
  /** What the error message calls the write, e.g. `a reference-table write`. */
  readonly what: string;
}

/**
 * Runs the shard's statement of `work` with drizzle's own prepared query inside `tx`, a
 * transaction on the shard whose primary session is `session` (its dialect and options; no
 * statement caching and no guard inside the transaction, as in NodeSession.transaction).
 */
export function runInTransaction(
  session: ShardSession,
  tx: TransactionSql,
  shard: number,
  work: TwoPhaseWork,
): Promise<unknown> {
  const { routingDialect, nodeOptions } = session;
  const inTransaction = new NodeSession(
    tx as never,
    routingDialect,
    undefined,
    { ...nodeOptions, guard: undefined },
    true,
  );
  return inTransaction.prepareChecked(work.queryFor(shard), work.args).execute(work.placeholders);
}
