import { redactText } from 'drizzle-shard';
import type { Sql, TransactionSql } from 'postgres';
import { quoteIdent } from '../archive/checksum.ts';
import {
  carrySequences,
  countRows,
  holdSnapshot,
  openSessions,
  waitForMarker,
  writeMarker,
} from './cutover-steps.ts';
import type { HeldTransaction } from './held-transaction.ts';
import { type FleetMapFile, readFleetMap, writeFleetMap } from './map-file.ts';
import { dropReplication, syncStates } from './replication.ts';
import { SplitError } from './split-error.ts';
import { livesOn, type SplitPlan, tableSql } from './split-plan.ts';
import { describeProblem, type Queryable, type VerifyReport, verifySplit } from './verify.ts';

export interface CutoverReport {
  /** How long writes to the split tables were blocked on the source, in ms. */
  readonly pauseMs: number;
  /** The map the app now reads. */
  readonly map: FleetMapFile;
  /** Full per-bucket verification, source (now read-only) against the targets as of the cutover. */
  readonly verify: VerifyReport;
}

const MARKER_ID = -1;

/** Counts per table on the locked source against the targets; any difference aborts the cutover. */
async function checkCounts(plan: SplitPlan, source: Queryable, targets: readonly Sql[]): Promise<void> {
  for (const table of plan.tables) {
    const from = tableSql(table.name);
    const want = await countRows(source, from);
    const got = await Promise.all(targets.map((t) => countRows(t, from)));
    const bad =
      table.kind === 'sharded'
        ? got.reduce((a, b) => a + b, 0) !== want
        : got.some((n, shard) => (livesOn(table, shard) ? n !== want : n !== 0));
    if (bad) {
      throw new SplitError(
        'SPLIT_VERIFY_FAILED',
        `"${table.name}" has ${want} rows on the source but ${got.join(' + ')} on the targets after catching up; the cutover was abandoned and writes go to the source again. Run \`split verify\` to see which buckets differ.`,
      );
    }
  }
}

/**
 * The switch from the source to the shards, with writes blocked for as short as possible:
 * 1. lock the split tables on the source against writes (reads go on), write a marker row and
 *    wait until every target has applied it (so every earlier commit);
 * 2. compare row counts, carry sequences over, open a snapshot on every target;
 * 3. write the next map version (`sharded`), freeze the source (read-only for new sessions, a
 *    trigger refusing writes from open ones), then release the lock;
 * 4. verify every bucket (counts and checksums) against the frozen source and the targets'
 *    snapshots, and end the replication. The source is never changed otherwise: `split
 *    rollback` points the map back to it.
 */
export async function cutover(
  plan: SplitPlan,
  source: Sql,
  marker: Sql,
  targets: readonly Sql[],
  mapFile: string,
  { catchUpTimeoutMs = 30_000 } = {},
): Promise<CutoverReport> {
  const states = await syncStates(plan, source, targets);
  const pending = states.filter((s) => !s.ready);
  if (pending.length) {
    throw new SplitError(
      'SPLIT_NOT_READY',
      `Targets ${pending.map((s) => s.shard).join(', ')} are still copying; run \`drizzle-shard split\` until it says every target is ready.`,
    );
  }
  const sessions = await openSessions(plan.targets);
  const snapshots: HeldTransaction[] = [];
  let pauseMs = 0;
  let map: FleetMapFile | undefined;
  const followers = targets.map((sql, shard) => ({ label: `Target shard ${shard}`, sql }));
  try {
    // Catch up once before blocking writes, so the wait under the lock is only the last moments.
    await waitForMarker(followers, MARKER_ID, await writeMarker(marker, MARKER_ID), catchUpTimeoutMs);
    await source.begin(async (tx) => {
      await tx.unsafe(`lock table ${plan.tables.map((t) => tableSql(t.name)).join(', ')} in exclusive mode`);
      const paused = performance.now();
      const at = await writeMarker(marker, MARKER_ID);
      await waitForMarker(followers, MARKER_ID, at, catchUpTimeoutMs);
      await checkCounts(plan, tx, targets);
      await carrySequences(
        plan.tables.map((t) => t.name),
        [tx],
        targets,
      );
      snapshots.push(...(await Promise.all(sessions.map(holdSnapshot))));
      map = writeFleetMap(mapFile, {
        mode: 'sharded',
        source: plan.source,
        shards: plan.targets,
        map: plan.map.toJSON(),
      });
      await freezeSource(plan, tx, map.version);
      pauseMs = performance.now() - paused;
    });
    const verify = await verifySplit(
      plan,
      source,
      snapshots.map((s) => s.tx),
    );
    return { pauseMs, map: map!, verify };
  } catch (error) {
    if (error instanceof SplitError) throw error;
    throw new SplitError('SPLIT_NOT_READY', `Cutover failed: ${redactText((error as Error).message)}`);
  } finally {
    await Promise.all(snapshots.map((s) => s.end(false).catch(() => {})));
    await Promise.all(sessions.map((s) => s.end({ timeout: 2 })));
    if (map) await dropReplication(plan, source, targets);
  }
}

const GUARD = 'drizzle_split_moved';

/** `ALTER DATABASE <the source> …` for the read-only default of new sessions. */
async function setReadOnlyDefault(tx: TransactionSql, clause: string): Promise<void> {
  const [db] = await tx`select current_database() as name`;
  await tx.unsafe(`alter database ${quoteIdent(db!.name as string)} ${clause}`);
}

/**
 * Stops writes to the split tables on the source for good (until a rollback): new sessions start
 * read-only, and a statement trigger on each table refuses writes from sessions already open
 * (including those now waiting on the cutover's lock), with a message naming the map version.
 * Sessions are not killed: their next write fails cleanly and the app's retry reads the new map.
 */
async function freezeSource(plan: SplitPlan, tx: TransactionSql, version: number): Promise<void> {
  await setReadOnlyDefault(tx, 'set default_transaction_read_only = on');
  await tx.unsafe(`create or replace function ${GUARD}() returns trigger language plpgsql as $$
    begin
      raise exception 'table % moved to shards by drizzle-shard split (fleet map version ${version}); reload the map', tg_table_name
        using errcode = '25006';
    end $$`);
  for (const t of plan.tables) {
    await tx.unsafe(
      `create trigger ${GUARD} before insert or update or delete or truncate on ${tableSql(t.name)} for each statement execute function ${GUARD}()`,
    );
  }
}

/**
 * Points the app back at the source (a new map version) and makes the source writable again.
 * After the cutover the source is frozen, so any difference between it and the shards is a write
 * made through the shard map since (or what the cutover's verification reported): pointing the
 * app back at the source would lose it, so unless `force` the rollback is refused then, naming
 * where the shards differ.
 */
export async function rollback(
  plan: SplitPlan,
  source: Sql,
  targets: readonly Sql[],
  mapFile: string,
  options: { readonly force?: boolean } = {},
): Promise<FleetMapFile> {
  if (!options.force && readFleetMap(mapFile)?.mode === 'sharded') {
    const now = await verifySplit(plan, source, targets);
    if (!now.ok) {
      const where = now.problems.slice(0, 3).map(describeProblem);
      throw new SplitError(
        'SPLIT_NOT_READY',
        `The shards differ from the frozen source in ${now.problems.length} place(s) (${where.join(', ')}${now.problems.length > 3 ? ', …' : ''}): writes made through the shard map since the cutover would be lost by pointing the app back at the source. If these are only the differences the cutover's verification reported, roll back with --force. Nothing was changed.`,
      );
    }
  }
  await source.begin('read write', async (tx) => {
    await setReadOnlyDefault(tx, 'reset default_transaction_read_only');
    for (const t of plan.tables) await tx.unsafe(`drop trigger if exists ${GUARD} on ${tableSql(t.name)}`);
    await tx.unsafe(`drop function if exists ${GUARD}()`);
  });
  return writeFleetMap(mapFile, {
    mode: 'single',
    source: plan.source,
    shards: plan.targets,
    map: plan.map.toJSON(),
  });
}
