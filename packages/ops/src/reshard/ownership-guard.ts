import { MAP_EPOCH_SETTING, type ShardMap } from 'drizzle-shard';
import type { TransactionSql } from 'postgres';
import { quoteIdent } from '../archive/checksum.ts';
import { type SplitTable, tableSql } from '../split/split-plan.ts';

/** Session setting under which the guard lets the reshard's own cleanup delete moved rows. */
export const CLEANUP_SETTING = 'drizzle_shard.reshard_cleanup';
const TRIGGER = 'drizzle_shard_owns';

/** The reference tables' fence: one function (it reads no column), a statement trigger per table. */
const FENCE = `${TRIGGER}_epoch`;

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
  map: ShardMap,
  tables: readonly SplitTable[],
  shard: number,
  version: number,
): Promise<void> {
  for (const table of tables.filter((t) => t.kind === 'sharded')) {
    const fn = guardFunction(table.name);
    const owns = (row: 'old' | 'new') =>
      map.ownsSql(`${row}.${quoteIdent(table.keyColumn!)}`, table.keyKind!, shard);
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

/**
 * Fences an old owner's reference tables against writers still on the old map. A reference write
 * goes to every shard of the writer's map, so one from the old map would miss the new shards;
 * the driver tags each shard's part with its map epoch (MAP_EPOCH_SETTING), and a statement
 * trigger refuses, with 25006, any epoch older than the new map's. One refusing shard rolls the
 * whole two-phase write back, and the writer retries with the new map. Writes without the tag
 * (psql, migrations) pass.
 */
export async function installEpochFence(
  tx: TransactionSql,
  tables: readonly SplitTable[],
  epoch: number,
  version: number,
): Promise<void> {
  const reference = tables.filter((t) => t.kind === 'reference');
  if (reference.length === 0) return;
  await tx.unsafe(`create or replace function ${FENCE}() returns trigger language plpgsql as $$
    declare writer int := nullif(current_setting('${MAP_EPOCH_SETTING}', true), '')::int;
    begin
      if writer < ${epoch} then
        raise exception 'a write to % made with shard map epoch % reached an old shard after fleet map version ${version} (epoch ${epoch}); reload the map', tg_table_name, writer using errcode = '25006';
      end if;
      return null;
    end $$`);
  for (const table of reference) {
    await tx.unsafe(
      `create or replace trigger ${FENCE} before insert or update or delete or truncate on ${tableSql(table.name)} for each statement execute function ${FENCE}()`,
    );
  }
}

/** Removes the guard and the fence (rollback: the old map is live again). */
export async function dropOwnershipGuard(tx: TransactionSql, tables: readonly SplitTable[]): Promise<void> {
  for (const table of tables.filter((t) => t.kind === 'sharded')) {
    await tx.unsafe(`drop trigger if exists ${TRIGGER} on ${tableSql(table.name)}`);
    await tx.unsafe(`drop function if exists ${guardFunction(table.name)}()`);
  }
  for (const table of tables.filter((t) => t.kind === 'reference'))
    await tx.unsafe(`drop trigger if exists ${FENCE} on ${tableSql(table.name)}`);
  await tx.unsafe(`drop function if exists ${FENCE}()`);
}
