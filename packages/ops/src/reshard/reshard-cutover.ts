import { redactText } from 'drizzle-shard';
import type { Sql } from 'postgres';
import {
  carrySequences,
  holdSnapshot,
  openSessions,
  waitForMarker,
  writeMarker,
} from '../split/cutover-steps.ts';
import type { HeldTransaction } from '../split/held-transaction.ts';
import { type FleetMapFile, readFleetMap, writeFleetMap } from '../split/map-file.ts';
import { SplitError } from '../split/split-error.ts';
import type { VerifyReport } from '../split/verify.ts';
import { decidePreparedGuards, guardGid, ownersWithoutTwoPhase } from './guard-commit.ts';
import { checkCounts, lockOldOwners } from './owner-locks.ts';
import { installEpochFence, installOwnershipGuard } from './ownership-guard.ts';
import { ReshardError } from './reshard-error.ts';
import {
  isFlipped,
  isNewShard,
  movesFrom,
  movesTo,
  type ReshardPlan,
  reshardMarkerKey,
} from './reshard-plan.ts';
import { dropMoveReplication, moveStates, stopReferenceStreams } from './reshard-replication.ts';
import { phaseOf, setPhase } from './reshard-state.ts';
import { verifyMoves } from './reshard-verify.ts';
import { deleteRowsNotOwned } from './row-cleanup.ts';
import { dropWriteWatch, installWriteWatch } from './write-watch.ts';

export interface ReshardCutoverReport {
  /** How long writes to the moving tables were blocked on the old owners, in ms (0 on a resumed run). */
  readonly pauseMs: number;
  readonly map: FleetMapFile;
  readonly verify: VerifyReport;
  /** Moved rows deleted from each old owner (only once verification passed). */
  readonly deleted: Readonly<Record<number, number>>;
}

export interface ReshardCutoverOptions {
  readonly catchUpTimeoutMs?: number;
  /** How long to wait for the table locks on each old owner before giving up (nothing changes). */
  readonly lockTimeoutMs?: number;
  /** Moved rows deleted per transaction at cleanup (default 20,000). */
  readonly cleanupBatch?: number;
  readonly onCleanup?: (shard: number, deleted: number) => void;
  /** Called once the new map is on file, before the old owners commit their guards. */
  readonly onMapWritten?: () => void;
}

/**
 * After the new map is live and verified: ends the replication, then deletes the moved rows
 * from their old owners and records each as cleaned. A resumed run repeats only what is left.
 */
async function finish(
  plan: ReshardPlan,
  shards: readonly Sql[],
  options: ReshardCutoverOptions,
): Promise<Record<number, number>> {
  const epoch = plan.map.toJSON().epoch;
  await dropMoveReplication(plan, shards);
  await dropWriteWatch(plan, shards);
  const deleted: Record<number, number> = {};
  for (const from of movesFrom(plan)) {
    const sql = shards[from]!;
    if ((await phaseOf(sql, epoch, from)) === 'cleaned') continue;
    await setPhase(sql, epoch, from, 'cleaning');
    deleted[from] = await deleteRowsNotOwned(plan.map, plan.tables, sql, from, options.cleanupBatch, (n) =>
      options.onCleanup?.(from, n),
    );
    await setPhase(sql, epoch, from, 'cleaned');
  }
  return deleted;
}

/**
 * The switch to the new layout (grown or shrunk):
 * 1. lock the moving tables on every old owner against writes (reads go on), write each old
 *    owner's marker and wait until its new owners applied it (so every earlier commit);
 * 2. compare counts per move, carry sequences over, hold a snapshot on every shard involved;
 * 3. install the ownership guard on the old owners (an app still on the old map gets 25006 for
 *    a moved row and retries with the new map) and prepare those transactions, write the next
 *    fleet-map version, then commit them: the guard goes live on all old owners or on none;
 * 4. verify every moved bucket (counts and checksums) on the snapshots; only if that passes, end
 *    the replication and delete the moved rows from their old owners.
 * Run again after a crash, it picks up where the old owners' recorded phase says it stopped.
 */
export async function reshardCutover(
  plan: ReshardPlan,
  shards: readonly Sql[],
  mapFile: string,
  options: ReshardCutoverOptions = {},
): Promise<ReshardCutoverReport> {
  const epoch = plan.map.toJSON().epoch;
  const onFile = readFleetMap(mapFile);
  if (isFlipped(plan, onFile)) {
    // The map was written: a crash before every owner committed its guard left it prepared.
    await decidePreparedGuards(plan, shards, true);
    const phases = await Promise.all(movesFrom(plan).map((f) => phaseOf(shards[f]!, epoch, f)));
    const verify = phases.every((p) => p === 'verified' || p === 'cleaning' || p === 'cleaned')
      ? { ok: true, tables: [], problems: [] }
      : await verifyMoves(plan, shards);
    if (!verify.ok) return { pauseMs: 0, map: onFile!, verify, deleted: {} };
    for (const [i, f] of movesFrom(plan).entries())
      if (phases[i] === 'frozen') await setPhase(shards[f]!, epoch, f, 'verified');
    return { pauseMs: 0, map: onFile!, verify, deleted: await finish(plan, shards, options) };
  }
  if (onFile?.version !== plan.current.version) {
    throw new ReshardError(
      'RESHARD_NOT_READY',
      `The fleet map changed since this reshard was planned (version ${onFile?.version ?? 'none'}, planned from ${plan.current.version}); plan again.`,
    );
  }
  const noTwoPhase = await ownersWithoutTwoPhase(plan, shards);
  if (noTwoPhase.length) {
    throw new ReshardError(
      'RESHARD_NOT_READY',
      `Shard(s) ${noTwoPhase.join(', ')} have max_prepared_transactions = 0: the cutover installs the ownership guard on every old owner at once with PREPARE TRANSACTION. Set it (e.g. 16) and restart those servers; nothing changed.`,
    );
  }
  // The map was not written: a crash in an earlier cutover left its guards prepared, and locked.
  await decidePreparedGuards(plan, shards, false);
  const pending = (await moveStates(plan, shards)).filter((s) => !s.ready);
  if (pending.length) {
    throw new ReshardError(
      'RESHARD_NOT_READY',
      `Moves ${pending.map((s) => `${s.from}→${s.to}`).join(', ')} are still copying; run \`drizzle-shard reshard\` until it says every move is ready.`,
    );
  }
  const owners = movesFrom(plan);
  const involved = [...owners, ...movesTo(plan)];
  const lockers = await openSessions(owners.map((f) => plan.shards[f]!));
  const snapshotSessions = await openSessions(involved.map((s) => plan.shards[s]!));
  const snapshots = new Map<number, HeldTransaction>();
  const closeSessions = async () => {
    await Promise.all([...snapshots.values()].map((s) => s.end(false).catch(() => {})));
    await Promise.all([...lockers, ...snapshotSessions].map((s) => s.end({ timeout: 2 })));
  };
  const catchUp = async () => {
    const written = await Promise.all(owners.map((f) => writeMarker(shards[f]!, reshardMarkerKey(f))));
    for (const [i, f] of owners.entries()) {
      await waitForMarker(
        plan.moves
          .filter((m) => m.from === f)
          .map((m) => ({ label: `New shard ${m.to}`, sql: shards[m.to]! })),
        reshardMarkerKey(f),
        written[i]!,
        options.catchUpTimeoutMs ?? 30_000,
      );
    }
  };
  // Every receiving shard watches for app writes to the rows it receives (a rollback would leave
  // them behind). Shards of the fleet that receive rows (shrinking) also get the new map's guard
  // first: it admits everything they own now and more, and replaces a guard an earlier reshard
  // left for an older map.
  const version = plan.current.version + 1; // checked above: the file is at the planned version
  for (const to of movesTo(plan)) {
    await shards[to]!.begin(async (tx) => {
      await installWriteWatch(tx, plan, to);
      if (!isNewShard(plan, to)) await installOwnershipGuard(tx, plan.map, plan.tables, to, version);
    });
  }
  let held = new Map<number, HeldTransaction>();
  let prepared = false;
  let map: FleetMapFile | undefined;
  let pauseMs = 0;
  try {
    await catchUp(); // once before blocking writes, so the wait under the locks is only the last moments
    const paused = performance.now();
    held = await lockOldOwners(
      plan,
      new Map(owners.map((f, i) => [f, lockers[i]!])),
      options.lockTimeoutMs ?? 5_000,
    );
    await catchUp();
    await checkCounts(plan, held, shards);
    await carrySequences(
      plan.tables.map((t) => t.name),
      [...held.values()].map((h) => h.tx),
      movesTo(plan).map((to) => shards[to]!),
    );
    const taken = await Promise.all(snapshotSessions.map(holdSnapshot));
    for (const [i, s] of involved.entries()) snapshots.set(s, taken[i]!);
    for (const [f, h] of held) {
      await installOwnershipGuard(h.tx, plan.map, plan.tables, f, version);
      await installEpochFence(h.tx, plan.tables, epoch, version);
      await stopReferenceStreams(plan, h.tx, f);
      await setPhase(h.tx, epoch, f, 'frozen');
    }
    prepared = true;
    await Promise.all([...held].map(([f, h]) => h.prepare(guardGid(epoch, f))));
    map = writeFleetMap(mapFile, {
      mode: 'sharded',
      source: plan.current.source,
      shards: plan.fleet,
      map: plan.map.toJSON(),
      previous: { version: plan.current.version, shards: plan.current.shards, map: plan.current.map },
    });
    options.onMapWritten?.();
    await decidePreparedGuards(plan, shards, true);
    pauseMs = performance.now() - paused;
  } catch (error) {
    await Promise.all([...held.values()].map((h) => h.end(false).catch(() => {})));
    await closeSessions();
    if (map) {
      throw new ReshardError(
        'RESHARD_NOT_READY',
        `The new map (version ${map.version}) is live, but an old owner's guard could not be committed: ${redactText((error as Error).message)}. Run \`reshard cutover\` again to finish.`,
      );
    }
    if (prepared) await decidePreparedGuards(plan, shards, false).catch(() => {});
    if (error instanceof ReshardError) throw error;
    if (error instanceof SplitError) throw new ReshardError('RESHARD_NOT_READY', error.message);
    throw new ReshardError(
      'RESHARD_NOT_READY',
      `Cutover failed, the old map stays live: ${redactText((error as Error).message)}`,
    );
  }
  let verify: VerifyReport;
  try {
    verify = await verifyMoves(
      plan,
      plan.shards.map((_, s) => snapshots.get(s)?.tx ?? shards[s]!),
    );
  } finally {
    await closeSessions();
  }
  if (!verify.ok) return { pauseMs, map, verify, deleted: {} };
  for (const f of owners) await setPhase(shards[f]!, epoch, f, 'verified');
  return { pauseMs, map, verify, deleted: await finish(plan, shards, options) };
}
