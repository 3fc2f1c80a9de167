import type { Sql } from 'postgres';
import { withDeadline } from '../deadline.ts';
import { errorCode } from '../errors.ts';
import { isCommitted, recordAbort } from './decision-table.ts';
import { GID_PREFIX } from './two-phase-names.ts';

/** What recovery did on each shard. */
export interface RecoveryReport {
  readonly committed: ReadonlyArray<{ shard: number; gid: string }>;
  readonly rolledBack: ReadonlyArray<{ shard: number; gid: string }>;
  /** Shards that could not be read or finished this time (down, or past the deadline); try again later. */
  readonly unreachable: readonly number[];
}

export interface RecoveryOptions {
  /** Only prepared writes older than this are touched (live writers finish their own). Default 60,000 ms. */
  readonly olderThanMs?: number;
  /** Deadline of each statement recovery sends. Default 5000 ms. */
  readonly stepTimeoutMs?: number;
}

/** The prepared transaction is gone: another resolver, or its writer, finished it first. */
const UNDEFINED_OBJECT = '42704';

/**
 * Finishes two-phase writes left prepared by a crashed or timed-out writer: commits those whose
 * decision row is committed on shard 0, rolls back the rest (presumed abort). A write without a
 * decision is first rolled back on shard 0 (its decision can then never commit) before any other
 * shard; a transaction finished meanwhile by someone else is skipped. Only transactions prepared
 * more than `olderThanMs` ago are touched. Shards that are down are listed in `unreachable`.
 *
 * @example await db.recoverPreparedTransactions({ olderThanMs: 60_000 })
 */
export async function recoverPreparedTransactions(
  clients: readonly Sql[],
  options: RecoveryOptions = {},
): Promise<RecoveryReport> {
  const olderThanMs = Math.max(0, options.olderThanMs ?? 60_000);
  const ms = options.stepTimeoutMs ?? 5000;
  const committed: Array<{ shard: number; gid: string }> = [];
  const rolledBack: Array<{ shard: number; gid: string }> = [];
  const unreachable = new Set<number>();
  const step = <T>(shard: number, work: Promise<T>, what: string) =>
    withDeadline(work, ms, `${what} on shard ${shard}`);

  const pendingOn = await Promise.all(
    clients.map((sql, shard) =>
      step(
        shard,
        sql<{ gid: string }[]>`
          select gid from pg_prepared_xacts
          where gid like ${`${GID_PREFIX}%`} and database = current_database()
            and prepared < now() - ${`${olderThanMs} milliseconds`}::interval`,
        'listing prepared writes',
      ).then(
        (rows) => new Set(rows.map((r) => r.gid)),
        () => {
          unreachable.add(shard);
          return new Set<string>();
        },
      ),
    ),
  );
  if (unreachable.has(0)) return { committed, rolledBack, unreachable: [...unreachable] };
  const home = clients[0]!;
  /** `commit prepared` / `rollback prepared` on one shard; false when it was already finished. */
  const finish = async (shard: number, gid: string, commit: boolean) => {
    try {
      await step(
        shard,
        clients[shard]!.unsafe(`${commit ? 'commit' : 'rollback'} prepared '${gid.replaceAll("'", "''")}'`),
        'finishing a prepared write',
      );
    } catch (error) {
      if (errorCode(error) === UNDEFINED_OBJECT) return false;
      throw error;
    }
    (commit ? committed : rolledBack).push({ shard, gid });
    return true;
  };
  /** Commit or abort, made final: shard 0's part rolled back first, or an abort row recorded. */
  const decide = async (gid: string): Promise<boolean | 'later'> => {
    if (await isCommitted(home, gid, ms)) return true;
    if (pendingOn[0]!.has(gid)) {
      // Its decision row was inside shard 0's part: rolled back, the write can never commit.
      return (await finish(0, gid, false)) ? false : isCommitted(home, gid, ms);
    }
    // Shard 0 prepares last: while its part is younger than the limit, its writer may still decide.
    if (youngOnHome.has(gid)) return 'later';
    return (await recordAbort(home, gid, ms)) ? false : isCommitted(home, gid, ms);
  };

  const gids = new Set(pendingOn.flatMap((set) => [...set]));
  let youngOnHome: Set<string>;
  try {
    youngOnHome = new Set(
      (
        await step(
          0,
          home<{ gid: string }[]>`select gid from pg_prepared_xacts where gid like ${`${GID_PREFIX}%`}`,
          'listing prepared writes',
        )
      )
        .map((r) => r.gid)
        .filter((gid) => !pendingOn[0]!.has(gid)),
    );
  } catch {
    return { committed, rolledBack, unreachable: [...unreachable, 0] };
  }
  for (const gid of gids) {
    let commit: boolean | 'later';
    try {
      commit = await decide(gid);
    } catch {
      unreachable.add(0);
      break;
    }
    if (commit === 'later') continue;
    for (const [shard, pending] of pendingOn.entries()) {
      if ((shard === 0 && !commit) || !pending.has(gid)) continue;
      await finish(shard, gid, commit).catch(() => unreachable.add(shard));
    }
  }
  return { committed, rolledBack, unreachable: [...unreachable] };
}
