import type { Sql, TransactionSql } from 'postgres';
import {
  dropSubscription,
  ensureSubscription,
  publicationExists,
  type SubscriptionState,
  subscriptionExists,
  subscriptionState,
} from '../split/replication.ts';
import { MARKER_TABLE, tableSql } from '../split/split-plan.ts';
import {
  carriesReference,
  moveFilterSql,
  moveName,
  type ReshardPlan,
  reshardMarkerKey,
} from './reshard-plan.ts';

/**
 * One publication per move on its old owner: each sharded table filtered to the move's units
 * (row filters on the same bucket SQL the map checks with), the reference tables on the first
 * move into each new shard, and the old owner's own marker row.
 */
export async function ensureMovePublications(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  for (const move of plan.moves) {
    const name = moveName(move);
    const old = shards[move.from]!;
    if (await publicationExists(old, name)) continue;
    const tables = plan.tables.flatMap((t) => {
      if (t.kind === 'sharded') return [`${tableSql(t.name)} where (${moveFilterSql(plan, t, move)})`];
      return t.kind === 'reference' && carriesReference(plan, move) ? [tableSql(t.name)] : [];
    });
    tables.push(`${MARKER_TABLE} where (shard = ${reshardMarkerKey(move.from)})`);
    await old.unsafe(`create publication ${name} for table ${tables.join(', ')}`);
  }
}

/**
 * One subscription per move on its new owner. A marker row of the old owner that an earlier,
 * rolled-back or abandoned reshard left on the new owner would stop the copy of the marker table
 * (a duplicate key), so it goes before the subscription is made.
 */
export async function ensureMoveSubscriptions(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  for (const move of plan.moves) {
    const target = shards[move.to]!;
    if (!(await subscriptionExists(target, moveName(move))))
      await target.unsafe(`delete from ${MARKER_TABLE} where shard = ${reshardMarkerKey(move.from)}`);
    await ensureSubscription(target, moveName(move), plan.shards[move.from]!);
  }
}

export interface MoveState extends SubscriptionState {
  readonly from: number;
  readonly to: number;
}

export async function moveStates(plan: ReshardPlan, shards: readonly Sql[]): Promise<MoveState[]> {
  const states: MoveState[] = [];
  for (const move of plan.moves) {
    // The move's part of its old owner's rows: its units over all the units the owner had.
    const fraction = move.units.length / unitsOwnedBefore(plan, move.from);
    const share = (name: string) =>
      plan.tables.find((t) => tableSql(t.name) === name || t.name === name)?.kind === 'sharded'
        ? fraction
        : 1;
    const state = await subscriptionState(shards[move.from]!, shards[move.to]!, moveName(move), share);
    states.push({ from: move.from, to: move.to, ...state });
  }
  return states;
}

/**
 * Units of the unit map `shard` owned under the old map (an estimate when they differ: a modulo
 * map growing owned one residue of N, so M/N residues of the new modulus M).
 */
function unitsOwnedBefore(plan: ReshardPlan, shard: number): number {
  const old = plan.oldMap.strategy;
  return (old.unitsOwnedBy(shard) * plan.unitMap.strategy.unitCount) / old.unitCount;
}

/** Ends every move's replication: the subscription (and its slot), then the publication. */
export async function dropMoveReplication(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  for (const move of plan.moves) {
    await dropSubscription(shards[move.to]!, moveName(move));
    await shards[move.from]!.unsafe(`drop publication if exists ${moveName(move)}`);
  }
}

/**
 * At the cutover, on old owner `from` (in its locked transaction): its reference tables leave its
 * moves' publications. From the new map on, the app writes reference rows to the new shards
 * itself; the same rows streamed from the old owner as well would conflict there.
 */
export async function stopReferenceStreams(
  plan: ReshardPlan,
  tx: TransactionSql,
  from: number,
): Promise<void> {
  const reference = plan.tables.filter((t) => t.kind === 'reference').map((t) => tableSql(t.name));
  if (reference.length === 0) return;
  for (const move of plan.moves.filter((m) => m.from === from && carriesReference(plan, m)))
    await tx.unsafe(`alter publication ${moveName(move)} drop table ${reference.join(', ')}`);
}
