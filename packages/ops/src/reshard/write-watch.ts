import type { Sql, TransactionSql } from 'postgres';
import { quoteIdent } from '../archive/checksum.ts';
import { tableSql } from '../split/split-plan.ts';
import { movesTo, type ReshardPlan } from './reshard-plan.ts';

/** One row per reshard (map epoch) whose moved rows the app wrote on this shard. */
const WRITES = 'drizzle_reshard_writes';
/** Contains the guard's name, so schema copies (pg_dump of a shard) leave it out as well. */
const WATCH = 'drizzle_shard_owns_watch';
const watchFunction = (table: string) => `${WATCH}_${table.replace(/[^A-Za-z0-9_]/g, '_')}`;

/**
 * Makes a receiving shard note when the app writes one of the rows it received: a row trigger
 * records the reshard's epoch the first time an insert, update or delete touches a row the shard
 * did not own under the old map. Replication does not fire it (its apply runs as a replica), so
 * only writes through the new map count, which a rollback would leave behind on this shard.
 */
export async function installWriteWatch(tx: TransactionSql, plan: ReshardPlan, shard: number): Promise<void> {
  const epoch = plan.map.toJSON().epoch;
  await tx.unsafe(
    `create table if not exists ${WRITES} (epoch int primary key, first_at timestamptz not null default now())`,
  );
  for (const table of plan.tables.filter((t) => t.kind === 'sharded')) {
    const owned = plan.oldMap.ownsSql(`r.${quoteIdent(table.keyColumn!)}`, table.keyKind!, shard);
    await tx.unsafe(`create or replace function ${watchFunction(table.name)}() returns trigger language plpgsql as $$
      declare r record;
      begin
        if tg_op = 'DELETE' then r := old; else r := new; end if;
        if not (${owned}) then
          insert into ${WRITES} (epoch) values (${epoch}) on conflict do nothing;
        end if;
        return null;
      end $$`);
    await tx.unsafe(
      `create or replace trigger ${WATCH} after insert or update or delete on ${tableSql(table.name)} for each row execute function ${watchFunction(table.name)}()`,
    );
  }
}

/** When the app first wrote a received row on `sql`'s shard in the reshard to map `epoch`, if it did. */
export async function firstWriteSince(sql: Sql, epoch: number): Promise<string | undefined> {
  const [table] = await sql`select to_regclass(${WRITES}) is not null as present`;
  if (!table!.present) return undefined;
  const [r] = await sql`select first_at::text from ${sql(WRITES)} where epoch = ${epoch}`;
  return r?.first_at as string | undefined;
}

/** Removes the watch from every receiving shard (the reshard is finished or rolled back). */
export async function dropWriteWatch(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  for (const to of movesTo(plan)) {
    await shards[to]!.begin(async (tx) => {
      for (const table of plan.tables.filter((t) => t.kind === 'sharded')) {
        await tx.unsafe(`drop trigger if exists ${WATCH} on ${tableSql(table.name)}`);
        await tx.unsafe(`drop function if exists ${watchFunction(table.name)}()`);
      }
    });
  }
}
