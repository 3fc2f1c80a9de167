import type { Sql, TransactionSql } from 'postgres';

/**
 * Where a reshard stands on each old owner, kept in the database beside the data so a resumed
 * run (or a rollback) knows what already happened: `frozen` (written with the guard at
 * cutover: the new map is live), `verified` (every moved bucket matched), `cleaning` (deleting the
 * moved rows has begun: no rollback from here on), `cleaned` (moved rows deleted).
 */
export type ReshardPhase = 'frozen' | 'verified' | 'cleaning' | 'cleaned';

const TABLE = 'drizzle_reshard_state';
export const RESHARD_STATE_DDL = `create table if not exists ${TABLE} (epoch int not null, shard int not null,
  phase text not null, at timestamptz not null default now(), primary key (epoch, shard))`;

export async function setPhase(sql: Sql | TransactionSql, epoch: number, shard: number, phase: ReshardPhase) {
  await sql`insert into ${sql(TABLE)} (epoch, shard, phase) values (${epoch}, ${shard}, ${phase})
    on conflict (epoch, shard) do update set phase = excluded.phase, at = now()`;
}

/** The old owner's phase for the reshard to map `epoch`, if it got that far. */
export async function phaseOf(sql: Sql, epoch: number, shard: number): Promise<ReshardPhase | undefined> {
  const [table] = await sql`select to_regclass(${TABLE}) is not null as present`;
  if (!table!.present) return undefined;
  const [r] = await sql`select phase from ${sql(TABLE)} where epoch = ${epoch} and shard = ${shard}`;
  return r?.phase as ReshardPhase | undefined;
}
