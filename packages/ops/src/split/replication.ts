import type { Sql } from 'postgres';
import { quoteIdent, quoteLiteral } from '../archive/checksum.ts';
import {
  livesOn,
  MARKER_TABLE,
  ownedShare,
  replicationName,
  type SplitPlan,
  tableSql,
} from './split-plan.ts';

/**
 * One publication per target on the source, each table filtered to the rows that target owns
 * (PostgreSQL ≥ 15 row filters on the shard function: the same SQL the shard map checks with),
 * reference tables whole, unsharded tables only to the home shard, plus the marker table.
 */
export async function ensurePublications(plan: SplitPlan, source: Sql): Promise<void> {
  for (const shard of plan.targets.keys()) {
    const name = replicationName(shard);
    if (await publicationExists(source, name)) continue;
    const tables = plan.tables
      .filter((t) => livesOn(t, shard))
      .map((t) =>
        t.kind === 'sharded'
          ? `${tableSql(t.name)} where (${plan.map.ownsSql(quoteIdent(t.keyColumn!), t.keyKind!, shard)})`
          : tableSql(t.name),
      );
    await source.unsafe(`create publication ${name} for table ${[...tables, MARKER_TABLE].join(', ')}`);
  }
}

/** Whether `sql`'s database has a subscription called `name` (a resumed run). */
export async function subscriptionExists(sql: Sql, name: string): Promise<boolean> {
  const [r] = await sql`select count(*)::int as n from pg_subscription where subname = ${name}`;
  return r!.n > 0;
}

/** Whether `sql`'s database has a publication called `name`. */
export async function publicationExists(sql: Sql, name: string): Promise<boolean> {
  const [r] = await sql`select count(*)::int as n from pg_publication where pubname = ${name}`;
  return r!.n > 0;
}

/** Whether target `shard` already has this split's subscription (a resumed run). */
export const hasSubscription = (target: Sql, shard: number) =>
  subscriptionExists(target, replicationName(shard));

/**
 * Creates subscription `name` on `target` to publication `name` on `source`: PostgreSQL copies
 * the published rows first (table sync: COPY under the slot's snapshot, so the copy and the
 * change stream meet with no gap and no overlap), then applies the source's changes as they
 * commit. An existing subscription is left running.
 */
export async function ensureSubscription(target: Sql, name: string, source: string): Promise<void> {
  if (await subscriptionExists(target, name)) return;
  await target.unsafe(
    `create subscription ${name} connection ${quoteLiteral(libpqUrl(source))} publication ${name}
     with (copy_data = true, slot_name = ${quoteLiteral(name)})`,
  );
}

/** Disables and drops subscription `name` (and with it its slot on the source), if it exists. */
export async function dropSubscription(target: Sql, name: string): Promise<void> {
  if (!(await subscriptionExists(target, name))) return;
  await target.unsafe(`alter subscription ${name} disable`);
  await target.unsafe(`drop subscription ${name}`);
}

/** A table's subscription state once its copy is over: `s` (synchronised) or `r` (ready, streaming). */
export const isSynced = (state: string) => state === 'r' || state === 's';

/** One subscription per target, to its publication on the source. */
export async function ensureSubscriptions(plan: SplitPlan, targets: readonly Sql[]): Promise<void> {
  for (const [shard, sql] of targets.entries())
    await ensureSubscription(sql, replicationName(shard), plan.source);
}

/** The source URL as libpq takes it (postgres.js accepts options libpq does not know). */
function libpqUrl(url: string): string {
  const u = new URL(url);
  for (const key of [...u.searchParams.keys()]) {
    if (!['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'options'].includes(key))
      u.searchParams.delete(key);
  }
  return u.toString();
}

export interface TableCopy {
  readonly rows: number;
  readonly bytes: number;
  /** The source's row estimate (planner statistics) times the subscriber's share; absent before the source was analysed. */
  readonly expectedRows?: number;
}

/** Where one subscription's copy and catch-up stand. */
export interface SubscriptionState {
  /** Per table: i (init), d (copying), f/s (finishing), r (ready: streaming). */
  readonly tables: Readonly<Record<string, string>>;
  /** Table syncs still running, per table: rows and bytes sent so far, and the rows expected in all. */
  readonly copying: Readonly<Record<string, TableCopy>>;
  /** WAL bytes the subscriber has not confirmed yet (source side). */
  readonly lagBytes: number;
  readonly ready: boolean;
}

export interface TargetSyncState extends SubscriptionState {
  readonly shard: number;
}

/**
 * The state of subscription (and slot) `name` from `source` to `target`; `share(table)` is the
 * part of the source's rows of `table` the subscription carries (for the expected row count).
 */
export async function subscriptionState(
  source: Sql,
  target: Sql,
  name: string,
  share: (table: string) => number = () => 1,
): Promise<SubscriptionState> {
  const rows = await target<{ table: string; state: string }[]>`
    select c.relname as table, r.srsubstate as state
    from pg_subscription s join pg_subscription_rel r on r.srsubid = s.oid join pg_class c on c.oid = r.srrelid
    where s.subname = ${name}`;
  const tables = Object.fromEntries(
    rows.filter((r) => r.table !== MARKER_TABLE).map((r) => [r.table, r.state]),
  );
  const copying: Record<string, TableCopy> = {};
  // The subscriber's table-sync workers (COPY into the table), found by their subscription.
  for (const p of await target<{ table: string; tuples: number; bytes: number }[]>`
    select p.relid::regclass::text as table, p.tuples_processed::float8 as tuples, p.bytes_processed::float8 as bytes
    from pg_stat_progress_copy p join pg_stat_subscription s on s.pid = p.pid
    where s.subname = ${name}`) {
    const [stats] =
      await source`select reltuples::float8 as estimate from pg_class where oid = to_regclass(${p.table})`;
    const estimate = Number(stats?.estimate ?? -1);
    copying[p.table] = {
      rows: Number(p.tuples),
      bytes: Number(p.bytes),
      ...(estimate >= 0 ? { expectedRows: Math.round(estimate * share(p.table)) } : {}),
    };
  }
  const [lag] = await source`
    select coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::float8 as bytes
    from pg_replication_slots where slot_name = ${name}`;
  const ready = rows.length > 0 && rows.every((r) => isSynced(r.state));
  return { tables, copying, lagBytes: Number(lag?.bytes ?? 0), ready };
}

/** Where each target's copy and catch-up stand. */
export async function syncStates(
  plan: SplitPlan,
  source: Sql,
  targets: readonly Sql[],
): Promise<TargetSyncState[]> {
  const states: TargetSyncState[] = [];
  for (const [shard, sql] of targets.entries()) {
    const share = (name: string) => {
      const table = plan.tables.find((t) => tableSql(t.name) === name || t.name === name);
      return table?.kind === 'sharded' ? ownedShare(plan.map, shard) : 1;
    };
    states.push({ shard, ...(await subscriptionState(source, sql, replicationName(shard), share)) });
  }
  return states;
}

/** Ends the split's replication: subscriptions (and their slots on the source), then publications. */
export async function dropReplication(plan: SplitPlan, source: Sql, targets: readonly Sql[]): Promise<void> {
  for (const [shard, sql] of targets.entries()) await dropSubscription(sql, replicationName(shard));
  for (const shard of plan.targets.keys())
    await source.unsafe(`drop publication if exists ${replicationName(shard)}`);
}
