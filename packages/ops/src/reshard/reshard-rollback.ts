import type { Sql } from 'postgres';
import { type FleetMapFile, readFleetMap, writeFleetMap } from '../split/map-file.ts';
import { decidePreparedGuards } from './guard-commit.ts';
import { dropOwnershipGuard, installOwnershipGuard } from './ownership-guard.ts';
import { ReshardError } from './reshard-error.ts';
import { isFlipped, isNewShard, movesFrom, movesTo, type ReshardPlan } from './reshard-plan.ts';
import { dropMoveReplication } from './reshard-replication.ts';
import { phaseOf } from './reshard-state.ts';
import { deleteRowsNotOwned } from './row-cleanup.ts';
import { dropWriteWatch, firstWriteSince } from './write-watch.ts';

/**
 * Undoes a reshard while the old owners still hold every moved row. After the cutover: points
 * the app back at the old layout (a new map version) and removes the guard; refused once any old
 * owner began deleting its moved rows, and (unless `force`) once the app wrote a moved row on its
 * new owner, since those writes would stay behind there. Before it: abandons the reshard. Either
 * way the moves' replication (and its slots) goes, and shards of the fleet that received rows
 * (shrinking) get the old map's guard back and lose their copies. New shards keep what was
 * copied into them.
 */
export async function reshardRollback(
  plan: ReshardPlan,
  shards: readonly Sql[],
  mapFile: string,
  options: { readonly force?: boolean } = {},
): Promise<FleetMapFile> {
  const onFile = readFleetMap(mapFile);
  const flipped = isFlipped(plan, onFile);
  if (!flipped && onFile?.version !== plan.current.version) {
    throw new ReshardError(
      'RESHARD_NOT_READY',
      `The fleet map (version ${onFile?.version ?? 'none'}) is neither the one this reshard started from (version ${plan.current.version}) nor its new one; nothing was changed.`,
    );
  }
  const epoch = plan.map.toJSON().epoch;
  for (const f of flipped ? movesFrom(plan) : []) {
    const phase = await phaseOf(shards[f]!, epoch, f);
    if (phase === 'cleaning' || phase === 'cleaned') {
      throw new ReshardError(
        'RESHARD_NOT_READY',
        `Shard ${f} has begun deleting the rows it gave away (after verification passed); a rollback would lose them. Run \`reshard cutover\` to finish instead.`,
      );
    }
  }
  for (const to of flipped && !options.force ? movesTo(plan) : []) {
    const since = await firstWriteSince(shards[to]!, epoch);
    if (since) {
      throw new ReshardError(
        'RESHARD_NOT_READY',
        `Shard ${to} took writes to rows it received through the new map (the first at ${since}); a rollback would leave them behind, lost to the app. Fix what verification reported and run \`reshard cutover\` again, or roll back with --force to drop those writes. Nothing was changed.`,
      );
    }
  }
  // Guards a crashed cutover left prepared are rolled back, not committed, before the rest go.
  await decidePreparedGuards(plan, shards, false);
  for (const f of movesFrom(plan)) await shards[f]!.begin(async (tx) => dropOwnershipGuard(tx, plan.tables));
  await dropMoveReplication(plan, shards);
  await dropWriteWatch(plan, shards);
  const back = flipped ? writeOldLayout(plan, mapFile) : onFile!;
  for (const to of movesTo(plan).filter((s) => !isNewShard(plan, s))) {
    await shards[to]!.begin((tx) => installOwnershipGuard(tx, plan.oldMap, plan.tables, to, back.version));
    await deleteRowsNotOwned(plan.oldMap, plan.tables, shards[to]!, to);
  }
  return back;
}

/** The next map version, pointing back at the layout the reshard started from. */
function writeOldLayout(plan: ReshardPlan, mapFile: string): FleetMapFile {
  const { mode, source, shards, map } = plan.current;
  return writeFleetMap(mapFile, { mode, source, shards, map });
}
