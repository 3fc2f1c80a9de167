import { redactText, redactUrl } from 'drizzle-shard';
import type { Sql } from 'postgres';
import { readTable } from '../archive/source-table.ts';
import { hasSubscription } from './replication.ts';
import { SplitError } from './split-error.ts';
import { checkMapKeys, type SplitPlan, type SplitTable, tableSql } from './split-plan.ts';

const MIN_VERSION = 150000;

/** PostgreSQL 15 added publication row filters, which the online catch-up relies on. */
export function checkSourceVersion(versionNum: number, walLevel: string): void {
  if (versionNum < MIN_VERSION) {
    throw new SplitError(
      'SPLIT_SOURCE_UNSUPPORTED',
      `The source runs PostgreSQL ${Math.floor(versionNum / 10000)}; an online split needs 15 or newer (publication row filters). Upgrade the source first.`,
    );
  }
  if (walLevel !== 'logical') {
    throw new SplitError(
      'SPLIT_SOURCE_UNSUPPORTED',
      `The source has wal_level = ${walLevel}; an online split needs wal_level = logical (set it and restart the source).`,
    );
  }
}

/** Why `sql` cannot be reached, as a message (connection string redacted), or undefined. */
export async function unreachable(sql: Sql, what: string, url: string): Promise<string | undefined> {
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return `Cannot connect to ${what} (${redactUrl(url)}): ${redactText((error as Error).message)}. Nothing was changed.`;
  }
}

/** Reads a server's version and wal_level and refuses one that cannot publish row-filtered changes. */
export async function checkReplicationSource(sql: Sql): Promise<void> {
  const [v] =
    await sql`select current_setting('server_version_num')::int as v, current_setting('wal_level') as wal`;
  checkSourceVersion(v!.v as number, v!.wal as string);
}

/** What keeps `table` on `sql` (named `where` in the message) from being replicated, or undefined. */
export async function tableProblem(sql: Sql, table: SplitTable, where: string): Promise<string | undefined> {
  const shape = await readTable(sql, table.name);
  if (!shape) return `Table "${table.name}" does not exist on ${where}.`;
  if (shape.key.length === 0)
    return `Table "${table.name}" has no primary key; logical replication needs one to carry updates and deletes. Add one first.`;
  if (table.kind === 'sharded' && !shape.columns.some((c) => c.name === table.keyColumn))
    return `Table "${table.name}" has no column "${table.keyColumn}", its shard key in the schema. Fix the schema annotation or the table.`;
  return undefined;
}

/** The first of `tables` that exists on `sql` and holds rows (a target must start empty). */
export async function firstTableWithRows(
  sql: Sql,
  tables: readonly SplitTable[],
): Promise<string | undefined> {
  for (const table of tables) {
    if (!(await readTable(sql, table.name))) continue;
    const [rows] = await sql.unsafe(`select exists (select 1 from ${tableSql(table.name)}) as any`);
    if (rows!.any) return table.name;
  }
  return undefined;
}

/**
 * The prepared transactions on a server that is about to get a logical replication slot, as an
 * error message, or undefined when there are none: creating a slot waits for every transaction
 * open at that moment, and a prepared one (a reference-table write left by a crash) never ends
 * by itself, so the split or reshard would hang.
 */
export async function preparedXactsBlockingSlot(sql: Sql, what: string): Promise<string | undefined> {
  const [p] = await sql`select count(*)::int as n, min(prepared)::text as oldest from pg_prepared_xacts
    where database = current_database()`;
  if (!p!.n) return undefined;
  return `${what} has ${p!.n} prepared transaction(s) (oldest ${p!.oldest}); creating the replication slot would wait for them forever. Finish them first (db.recoverPreparedTransactions(), or COMMIT/ROLLBACK PREPARED), then run again. Nothing was changed.`;
}

/**
 * Everything that can be checked before any data moves: both ends reachable, the source new
 * enough, every table present with a primary key and its shard key column, and every target
 * either empty or already this split's subscriber (a resumed run).
 */
export async function preflight(plan: SplitPlan, source: Sql, targets: readonly Sql[]): Promise<void> {
  const refuse = (message: string | undefined) => {
    if (message) throw new SplitError('SPLIT_BAD_INPUT', message);
  };
  checkMapKeys(plan.map, plan.tables);
  refuse(await unreachable(source, 'the source', plan.source));
  for (const [i, t] of targets.entries()) refuse(await unreachable(t, `target shard ${i}`, plan.targets[i]!));
  await checkReplicationSource(source);
  for (const table of plan.tables) refuse(await tableProblem(source, table, 'the source'));
  const subscribed = await Promise.all(targets.map((t, i) => hasSubscription(t, i)));
  if (!subscribed.every(Boolean)) refuse(await preparedXactsBlockingSlot(source, 'The source'));
  for (const [i, t] of targets.entries()) {
    if (subscribed[i]) continue; // this split's own subscriber: a resumed run
    const table = await firstTableWithRows(t, plan.tables);
    if (table) {
      throw new SplitError(
        'SPLIT_TARGET_NOT_EMPTY',
        `Target shard ${i} (${redactUrl(plan.targets[i]!)}) already has rows in "${table}". Split into empty databases only; nothing was changed.`,
      );
    }
  }
}
