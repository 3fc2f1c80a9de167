import type { Sql } from 'postgres';
import { type HeldTransaction, holdTransaction } from './held-transaction.ts';
import { SplitError } from './split-error.ts';
import { connectForSplit, MARKER_TABLE } from './split-plan.ts';
import type { Queryable } from './verify.ts';

/**
 * Connections a cutover needs while writes are blocked, opened (and proven) before it blocks
 * them, so connecting is not part of the pause.
 */
export async function openSessions(urls: readonly string[]): Promise<Sql[]> {
  const sessions = urls.map(connectForSplit);
  await Promise.all(sessions.map((s) => s`select 1`));
  return sessions;
}

/** `select count(*) from <from>` (a FROM clause, with its WHERE) as a number. */
export async function countRows(q: Queryable, from: string): Promise<number> {
  const [r] = await q.unsafe(`select count(*)::float8 as n from ${from}`);
  return Number(r!.n);
}

/**
 * A REPEATABLE READ transaction on `sql`, its snapshot taken now and held until `end()`:
 * verification reads the server as it was at the cutover while the app writes on.
 */
export const holdSnapshot = (sql: Sql): Promise<HeldTransaction> =>
  holdTransaction(sql, 'isolation level repeatable read read only', (tx) =>
    tx.unsafe(`select count(*) from ${MARKER_TABLE}`),
  );

/**
 * Waits until each target has applied the marker row `key` written at `at` on its source (so
 * every transaction its source committed before it).
 */
export async function waitForMarker(
  targets: readonly { readonly label: string; readonly sql: Sql }[],
  key: number,
  at: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const { label, sql } of targets) {
    for (;;) {
      const [m] = await sql.unsafe(`select at::text as at from ${MARKER_TABLE} where shard = ${key}`);
      if (m?.at === at) break;
      if (Date.now() > deadline) {
        throw new SplitError(
          'SPLIT_NOT_READY',
          `${label} did not catch up within ${timeoutMs} ms; writes were let through again and nothing changed. Check the status and retry.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/**
 * Writes marker row `key` on a source (outside any lock) and returns its time as text. The
 * commit is flushed at once (`synchronous_commit = on` for it alone): logical replication sends
 * only flushed WAL, and with the server's `synchronous_commit = off` the WAL writer could hold
 * the marker back for several `wal_writer_delay`s while writes are blocked.
 */
export async function writeMarker(sql: Sql, key: number): Promise<string> {
  const [m] = await sql.begin(async (tx) => {
    await tx.unsafe('set local synchronous_commit = on');
    return tx.unsafe(
      `insert into ${MARKER_TABLE} (shard, at) values (${key}, clock_timestamp())
       on conflict (shard) do update set at = excluded.at returning at::text as at`,
    );
  });
  return m!.at as string;
}

/**
 * Moves every sequence of `tables` on every target past the highest value it has on the sources
 * (one source for a split, the old shards for a reshard).
 */
export async function carrySequences(
  tables: readonly string[],
  sources: readonly Queryable[],
  targets: readonly Sql[],
): Promise<void> {
  const seqs = await sources[0]!<{ seq: string }[]>`
    select d.objid::regclass::text as seq from pg_depend d
    join pg_class c on c.oid = d.objid and c.relkind = 'S'
    where d.refobjid = any(${tables as string[]}::regclass[]) and d.deptype in ('a', 'i')`;
  for (const { seq } of seqs) {
    const values = await Promise.all(
      sources.map(async (s) => {
        const [v] = await s.unsafe(`select last_value::text as last, is_called as called from ${seq}`);
        return { last: BigInt(v!.last as string), called: v!.called as boolean };
      }),
    );
    const top = values.reduce((a, b) => (b.last > a.last || (b.last === a.last && b.called) ? b : a));
    for (const t of targets)
      await t`select setval(${seq}::regclass, ${top.last.toString()}::bigint, ${top.called})`;
  }
}
