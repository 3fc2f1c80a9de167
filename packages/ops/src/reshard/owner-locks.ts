import { redactText } from 'drizzle-shard';
import type { Sql } from 'postgres';
import { countRows } from '../split/cutover-steps.ts';
import { type HeldTransaction, holdTransaction } from '../split/held-transaction.ts';
import { tableSql, unitSql } from '../split/split-plan.ts';
import { ReshardError } from './reshard-error.ts';
import {
  carriesReference,
  isNewShard,
  moveFilterSql,
  movesFrom,
  type ReshardPlan,
  unitsSql,
} from './reshard-plan.ts';

/**
 * Locks the moving tables against writes on every old owner that gives rows away (reads go on),
 * each on its own session from `lockers`, giving up after `lockTimeoutMs` per owner.
 */
export async function lockOldOwners(
  plan: ReshardPlan,
  lockers: ReadonlyMap<number, Sql>,
  lockTimeoutMs: number,
): Promise<Map<number, HeldTransaction>> {
  const held = new Map<number, HeldTransaction>();
  const tables = plan.tables.filter((t) => t.kind !== 'unsharded').map((t) => tableSql(t.name));
  try {
    for (const [from, sql] of lockers) {
      const h = await holdTransaction(sql, 'read write', async (tx) => {
        await tx.unsafe(`set local lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
        await tx.unsafe(`lock table ${tables.join(', ')} in exclusive mode`);
      }).catch((error) => {
        throw new ReshardError(
          'RESHARD_NOT_READY',
          `Could not lock the moving tables on shard ${from} within ${lockTimeoutMs} ms (${redactText((error as Error).message)}): long or prepared transactions hold them. Nothing changed; retry.`,
        );
      });
      held.set(from, h);
    }
    return held;
  } catch (error) {
    await Promise.all([...held.values()].map((h) => h.end(false).catch(() => {})));
    throw error;
  }
}

/**
 * Counts of every moving table after the catch-up: per receiving shard, its rows against the sum
 * of the moved rows on the locked old owners. A new shard is counted whole (all its rows came
 * from its moves: it started empty), so only the old owners evaluate the bucket filter; a shard
 * of the fleet already (shrinking) counts only the units it received. Each owner's counts run
 * one after another on its locked session, different owners' at the same time.
 */
export async function checkCounts(
  plan: ReshardPlan,
  held: ReadonlyMap<number, HeldTransaction>,
  shards: readonly Sql[],
) {
  for (const table of plan.tables.filter((t) => t.kind !== 'unsharded')) {
    const moves = table.kind === 'sharded' ? plan.moves : plan.moves.filter((m) => carriesReference(plan, m));
    const want = new Map<number, number>();
    await Promise.all(
      movesFrom(plan).map(async (owner) => {
        for (const move of moves.filter((m) => m.from === owner)) {
          const from =
            table.kind === 'sharded'
              ? `${tableSql(table.name)} where ${moveFilterSql(plan, table, move)}`
              : tableSql(table.name);
          const n = await countRows(held.get(owner)!.tx, from);
          want.set(move.to, (want.get(move.to) ?? 0) + n);
        }
      }),
    );
    await Promise.all(
      [...want].map(async ([to, expected]) => {
        const received = plan.moves.filter((m) => m.to === to).flatMap((m) => m.units);
        const got = await countRows(
          shards[to]!,
          isNewShard(plan, to)
            ? tableSql(table.name)
            : `${tableSql(table.name)} where ${unitsSql(
                unitSql(plan.unitMap, table),
                received.sort((a, b) => a - b),
              )}`,
        );
        if (got !== expected) {
          throw new ReshardError(
            'RESHARD_VERIFY_FAILED',
            `"${table.name}": new shard ${to} has ${got} rows after catching up, its old owners gave it ${expected}; the cutover was abandoned and the old map stays live.`,
          );
        }
      }),
    );
  }
}
