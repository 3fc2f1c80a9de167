import type { TransactionSql } from 'postgres';
import { quoteIdent } from '../archive/checksum.ts';
import { type SplitTable, tableSql } from '../split/split-plan.ts';
import type { ReshardPlan } from './reshard-plan.ts';

/** Session setting under which the guard lets the reshard's own cleanup delete moved rows. */
export const CLEANUP_SETTING = 'drizzle_shard.reshard_cleanup';
const TRIGGER = 'drizzle_shard_owns';

/** The guard function's name for a table (one per table: key columns differ). */
export const guardFunction = (table: string) => `${TRIGGER}_${table.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** Lines of a schema dump that belong to the guard (its functions are not dumped with the table). */
export const isGuardDdl = (line: string) => line.includes(TRIGGER);

/**
 * Makes an old owner refuse rows it no longer owns under the new map: a row trigger on each
 * sharded table raising 25006 (read-only transaction) for an insert, update or delete of a
 * moved row, naming the map version, so an app still on the old map fails cleanly and retries
 * with the new one instead of writing where nobody reads. Rows it still owns are untouched.
 * The guard stays after the reshard (it also catches misrouted writes); `drop trigger
 * drizzle_shard_owns on <table>` removes it.
 */
export async function installOwnershipGuard(
  tx: TransactionSql,
  plan: ReshardPlan,
  shard: number,
  version: number,
): Promise<void> {
  for (const table of plan.tables.filter((t) => t.kind === 'sharded')) {
    const fn = guardFunction(table.name);
    const owns = (row: 'old' | 'new') =>
      plan.map.ownsSql(`${row}.${quoteIdent(table.keyColumn!)}`, table.keyKind!, shard);
    const refuse = `raise exception 'a row of % belongs to another shard since fleet map version ${version}; reload the map', tg_table_name using errcode = '25006'`;
    await tx.unsafe(`create or replace function ${fn}() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' and not (${owns('old')})
           and coalesce(current_setting('${CLEANUP_SETTING}', true), '') <> 'on' then ${refuse}; end if;
        if tg_op <> 'DELETE' and not (${owns('new')}) then ${refuse}; end if;
        if tg_op = 'DELETE' then return old; end if;
        return new;
      end $$`);
    await tx.unsafe(
      `create or replace trigger ${TRIGGER} before insert or update or delete on ${tableSql(table.name)} for each row execute function ${fn}()`,
    );
  }
}

/** Removes the guard (rollback: the old map is live again). */
export async function dropOwnershipGuard(tx: TransactionSql, tables: readonly SplitTable[]): Promise<void> {
  for (const table of tables.filter((t) => t.kind === 'sharded')) {
    await tx.unsafe(`drop trigger if exists ${TRIGGER} on ${tableSql(table.name)}`);
    await tx.unsafe(`drop function if exists ${guardFunction(table.name)}()`);
  }
}
