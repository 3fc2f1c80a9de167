import type { Sql } from 'postgres';
import { withDeadline } from '../deadline.ts';
import { DECISION_TABLE } from './two-phase-names.ts';

/**
 * `decided_at` of a row the resolver wrote to abort an orphaned write for good: the writer's own
 * decision insert for that gid then fails on the primary key, so it can never commit after.
 */
const ABORTED_AT = '-infinity';

/**
 * Shard 0 clients known to have the decision table: it is created once per client, not before
 * every write (`create table if not exists` also sends a NOTICE each time).
 */
const decisionTableOn = new WeakSet<object>();

export async function ensureDecisionTable(client: Sql, ms: number): Promise<void> {
  if (decisionTableOn.has(client)) return;
  const [found] = await withDeadline(
    client.unsafe('select to_regclass($1) is not null as present', [DECISION_TABLE]),
    ms,
    'decision table check on shard 0',
  );
  if (!found?.present) {
    await withDeadline(
      client.unsafe(
        `create table if not exists ${DECISION_TABLE} (gid text primary key, decided_at timestamptz not null default now())`,
      ),
      ms,
      'decision table creation on shard 0',
    );
  }
  decisionTableOn.add(client);
}

/** Whether the write `gid` committed (its decision row is committed on shard 0). */
export async function isCommitted(home: Sql, gid: string, ms: number): Promise<boolean> {
  await ensureDecisionTable(home, ms);
  const [row] = await withDeadline(
    home.unsafe(
      `select exists (select 1 from ${DECISION_TABLE} where gid = $1 and decided_at > $2) as committed`,
      [gid, ABORTED_AT],
    ),
    ms,
    'reading the decision on shard 0',
  );
  return row?.committed === true;
}

/**
 * Makes the abort of `gid` final: true when the abort row went in, false when a decision row
 * exists already (it waits for a writer whose decision insert is in flight, up to `ms`).
 */
export async function recordAbort(home: Sql, gid: string, ms: number): Promise<boolean> {
  const rows = await withDeadline(
    home.unsafe(
      `insert into ${DECISION_TABLE} (gid, decided_at) values ($1, $2) on conflict (gid) do nothing returning gid`,
      [gid, ABORTED_AT],
    ),
    ms,
    'recording an abort on shard 0',
  );
  return rows.length === 1;
}
