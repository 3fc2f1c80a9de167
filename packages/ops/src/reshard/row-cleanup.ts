import type { ShardMap } from 'drizzle-shard';
import type { Sql } from 'postgres';
import { quoteIdent } from '../archive/checksum.ts';
import { countRows } from '../split/cutover-steps.ts';
import { type SplitTable, tableSql } from '../split/split-plan.ts';
import { CLEANUP_SETTING } from './ownership-guard.ts';
import { ReshardError } from './reshard-error.ts';

/** Rows deleted per transaction when no batch size is given. */
export const DEFAULT_CLEANUP_BATCH = 20_000;

/**
 * Deletes the rows `shard` does not own under `map` (an old owner's moved rows; on a rollback, a
 * receiving shard's copies), in batches (the guard lets only this session through).
 */
export async function deleteRowsNotOwned(
  map: ShardMap,
  tables: readonly SplitTable[],
  sql: Sql,
  shard: number,
  batch = DEFAULT_CLEANUP_BATCH,
  onBatch?: (n: number) => void,
) {
  let deleted = 0;
  for (const table of tables.filter((t) => t.kind === 'sharded')) {
    const notOwned = `not (${map.ownsSql(quoteIdent(table.keyColumn!), table.keyKind!, shard)})`;
    for (;;) {
      const n = await sql.begin(async (tx) => {
        await tx`select set_config(${CLEANUP_SETTING}, 'on', true)`;
        const r = await tx.unsafe(
          `delete from ${tableSql(table.name)} where ctid = any(array(select ctid from ${tableSql(table.name)} where ${notOwned} limit ${batch}))`,
        );
        return r.count;
      });
      deleted += n;
      if (n > 0) onBatch?.(deleted);
      if (n < batch) break;
    }
    const left = await countRows(sql, `${tableSql(table.name)} where ${notOwned}`);
    if (left > 0)
      throw new ReshardError(
        'RESHARD_VERIFY_FAILED',
        `Shard ${shard} still holds ${left} moved rows of "${table.name}" after cleanup.`,
      );
  }
  return deleted;
}
