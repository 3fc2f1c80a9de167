import type { Sql } from 'postgres';
import { movesFrom, type ReshardPlan } from './reshard-plan.ts';

/**
 * The guard goes live on every old owner at once or on none: each owner's guard, phase and
 * table locks are prepared (`PREPARE TRANSACTION`) under a name of this reshard, the fleet-map
 * file is written (the decision), then every owner commits. A crash before the map is written
 * leaves prepared transactions that the next cutover rolls back; after it, ones it commits.
 * (Not `drizzle_shard_…`: that prefix belongs to the driver's reference-write recovery.)
 */
export const guardGid = (epoch: number, shard: number) => `drizzle_reshard_e${epoch}_s${shard}`;

/** Whether each old owner allows prepared transactions (`max_prepared_transactions` > 0). */
export async function ownersWithoutTwoPhase(plan: ReshardPlan, shards: readonly Sql[]): Promise<number[]> {
  const owners = movesFrom(plan);
  const allowed = await Promise.all(
    owners.map(async (f) => {
      const [r] = await shards[f]!`select current_setting('max_prepared_transactions')::int as n`;
      return r!.n > 0;
    }),
  );
  return owners.filter((_, i) => !allowed[i]);
}

/**
 * Commits (`true`) or rolls back this reshard's prepared guard transactions still waiting on the
 * old owners; returns the owners it decided for.
 */
export async function decidePreparedGuards(
  plan: ReshardPlan,
  shards: readonly Sql[],
  commit: boolean,
): Promise<number[]> {
  const epoch = plan.map.toJSON().epoch;
  const decided: number[] = [];
  await Promise.all(
    movesFrom(plan).map(async (f) => {
      const gid = guardGid(epoch, f);
      const waiting = await shards[
        f
      ]!`select 1 from pg_prepared_xacts where gid = ${gid} and database = current_database()`;
      if (waiting.length === 0) return;
      await shards[f]!.unsafe(`${commit ? 'commit' : 'rollback'} prepared '${gid}'`);
      decided.push(f);
    }),
  );
  return decided.sort((a, b) => a - b);
}
