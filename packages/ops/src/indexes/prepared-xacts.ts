import type { Sql } from 'postgres';
import type { IndexApplyFailure } from './apply-report.ts';
import { indexFailure } from './index-failure.ts';

/**
 * A prepared transaction never ends by itself, and CREATE INDEX CONCURRENTLY waits for every
 * transaction that could see the table: the build would hang. Refused up front instead.
 */
export async function preparedTransactionsBlocking(
  sql: Sql,
  shard: number,
): Promise<IndexApplyFailure | undefined> {
  const left = await sql.unsafe<{ gid: string; prepared: string }[]>(
    'select gid, prepared::text from pg_prepared_xacts where database = current_database() order by prepared',
  );
  if (left.length === 0) return undefined;
  return indexFailure(
    'CODEGEN_INDEX_BLOCKED_BY_PREPARED_XACT',
    `Shard ${shard} has ${left.length} prepared transaction(s) left behind (${left.map((x) => `'${x.gid}' since ${x.prepared}`).join(', ')}); CREATE INDEX CONCURRENTLY would wait for them forever. Finish them first (db.recoverPreparedTransactions(), or COMMIT/ROLLBACK PREPARED), then run again.`,
  );
}
