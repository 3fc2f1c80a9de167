import type { Sql } from 'postgres';
import { DECISION_TABLE, GID_PREFIX } from './two-phase-names.ts';

/** What recovery did on each shard. */
export interface RecoveryReport {
  readonly committed: ReadonlyArray<{ shard: number; gid: string }>;
  readonly rolledBack: ReadonlyArray<{ shard: number; gid: string }>;
}

/**
 * Finishes two-phase reference writes left prepared by a crashed process: commits those
 * whose decision row is committed on shard 0, rolls back the rest (presumed abort). Only
 * transactions prepared more than `olderThanMs` ago are touched, so live writers finish
 * their own.
 *
 * @example await db.recoverPreparedTransactions({ olderThanMs: 60_000 })
 */
export async function recoverPreparedTransactions(
  clients: readonly Sql[],
  options: { olderThanMs?: number } = {},
): Promise<RecoveryReport> {
  const olderThan = `${Math.max(0, options.olderThanMs ?? 60_000)} milliseconds`;
  const committed: Array<{ shard: number; gid: string }> = [];
  const rolledBack: Array<{ shard: number; gid: string }> = [];
  const home = clients[0]!;
  const [{ exists } = { exists: false }] = await home<{ exists: boolean }[]>`
    select to_regclass(${DECISION_TABLE}) is not null as exists`;
  for (const [shard, sql] of clients.entries()) {
    const pending = await sql<{ gid: string }[]>`
      select gid from pg_prepared_xacts
      where gid like ${`${GID_PREFIX}%`} and database = current_database()
        and prepared < now() - ${olderThan}::interval`;
    for (const { gid } of pending) {
      const decided =
        exists && (await home.unsafe(`select 1 from ${DECISION_TABLE} where gid = $1`, [gid])).length > 0;
      await sql.unsafe(`${decided ? 'commit' : 'rollback'} prepared '${gid.replaceAll("'", "''")}'`);
      (decided ? committed : rolledBack).push({ shard, gid });
    }
  }
  return { committed, rolledBack };
}
