import { redactText, redactUrl } from 'drizzle-shard';
import type { Sql } from 'postgres';
import { readTable } from '../archive/source-table.ts';
import { checkSourceVersion, preparedXactsBlockingSlot } from '../split/preflight.ts';
import { subscriptionExists } from '../split/replication.ts';
import { copySchema } from '../split/schema-copy.ts';
import { connectForSplit, MARKER_DDL, tableSql } from '../split/split-plan.ts';
import { ReshardError } from './reshard-error.ts';
import { moveName, movesFrom, movesTo, type ReshardPlan } from './reshard-plan.ts';
import {
  ensureMovePublications,
  ensureMoveSubscriptions,
  type MoveState,
  moveStates,
} from './reshard-replication.ts';
import { RESHARD_STATE_DDL } from './reshard-state.ts';

/** One connection per shard of the grown fleet (old shards first), indexed by shard number. */
export interface ReshardConnections {
  readonly shards: readonly Sql[];
  close(): Promise<void>;
}

export function openReshard(plan: ReshardPlan): ReshardConnections {
  const shards = plan.shards.map(connectForSplit);
  return { shards, close: async () => void (await Promise.all(shards.map((s) => s.end({ timeout: 2 })))) };
}

async function reachable(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  for (const [i, sql] of shards.entries()) {
    try {
      await sql`select 1`;
    } catch (error) {
      throw new ReshardError(
        'RESHARD_BAD_INPUT',
        `Cannot connect to shard ${i} (${redactUrl(plan.shards[i]!)}): ${redactText((error as Error).message)}. Nothing was changed.`,
      );
    }
  }
}

/**
 * What can be checked before anything changes: every shard reachable, old owners new enough for
 * row-filtered publications, the tables present on shard 0 with primary keys and shard keys,
 * and every new shard empty unless it is already this reshard's subscriber (a resumed run).
 */
async function preflight(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  await reachable(plan, shards);
  for (const from of movesFrom(plan)) {
    const [v] = await shards[
      from
    ]!`select current_setting('server_version_num')::int as v, current_setting('wal_level') as wal`;
    checkSourceVersion(v!.v as number, v!.wal as string);
  }
  for (const table of plan.tables) {
    const shape = await readTable(shards[0]!, table.name);
    if (!shape)
      throw new ReshardError('RESHARD_BAD_INPUT', `Table "${table.name}" does not exist on shard 0.`);
    if (shape.key.length === 0) {
      throw new ReshardError(
        'RESHARD_BAD_INPUT',
        `Table "${table.name}" has no primary key; logical replication needs one to carry updates and deletes.`,
      );
    }
    if (table.kind === 'sharded' && !shape.columns.some((c) => c.name === table.keyColumn)) {
      throw new ReshardError(
        'RESHARD_BAD_INPUT',
        `Table "${table.name}" has no column "${table.keyColumn}", its shard key.`,
      );
    }
  }
  for (const from of movesFrom(plan)) {
    const moves = plan.moves.filter((m) => m.from === from);
    const subscribed = await Promise.all(moves.map((m) => subscriptionExists(shards[m.to]!, moveName(m))));
    if (subscribed.every(Boolean)) continue;
    const blocked = await preparedXactsBlockingSlot(shards[from]!, `Shard ${from}`);
    if (blocked) throw new ReshardError('RESHARD_BAD_INPUT', blocked);
  }
  for (const to of movesTo(plan)) {
    const mine = plan.moves.filter((m) => m.to === to);
    if ((await Promise.all(mine.map((m) => subscriptionExists(shards[to]!, moveName(m))))).some(Boolean))
      continue;
    for (const table of plan.tables) {
      if (!(await readTable(shards[to]!, table.name))) continue;
      const [rows] = await shards[to]!.unsafe(`select exists (select 1 from ${tableSql(table.name)}) as any`);
      if (rows!.any) {
        throw new ReshardError(
          'RESHARD_TARGET_NOT_EMPTY',
          `New shard ${to} (${redactUrl(plan.shards[to]!)}) already has rows in "${table.name}". Reshard into empty databases only; nothing was changed.`,
        );
      }
    }
  }
}

export interface ReshardStartOptions {
  /** Called about twice a second while new shards copy and catch up. */
  readonly onProgress?: (states: readonly MoveState[]) => void;
  /** Return once every move is streaming (default), or right after setting up. */
  readonly wait?: boolean;
}

/**
 * `drizzle-shard reshard`: checks everything first, creates the schema on the new shards
 * (pg_dump of shard 0), then one row-filtered publication per move on its old owner and one
 * subscription on its new owner: PostgreSQL copies the moving buckets' rows and then streams
 * their changes while the app still writes with the old map. Safe to run again at any point.
 */
export async function startReshard(
  plan: ReshardPlan,
  options: ReshardStartOptions = {},
): Promise<MoveState[]> {
  const c = openReshard(plan);
  try {
    await preflight(plan, c.shards);
    for (const from of movesFrom(plan)) {
      await c.shards[from]!.unsafe(MARKER_DDL);
      await c.shards[from]!.unsafe(RESHARD_STATE_DDL);
    }
    await copySchema(
      { source: plan.shards[0]!, tables: plan.tables },
      movesTo(plan).map((to) => c.shards[to]!),
    );
    await ensureMovePublications(plan, c.shards);
    await ensureMoveSubscriptions(plan, c.shards);
    for (;;) {
      const states = await moveStates(plan, c.shards);
      options.onProgress?.(states);
      if (options.wait === false || states.every((s) => s.ready)) return states;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await c.close();
  }
}
