import { redactUrl } from 'drizzle-shard';
import type { Sql } from 'postgres';
import {
  checkReplicationSource,
  firstTableWithRows,
  preparedXactsBlockingSlot,
  tableProblem,
  unreachable,
} from '../split/preflight.ts';
import { subscriptionExists } from '../split/replication.ts';
import { copySchema } from '../split/schema-copy.ts';
import { connectForSplit, MARKER_DDL } from '../split/split-plan.ts';
import { ReshardError } from './reshard-error.ts';
import {
  isNewShard,
  moveName,
  movesFrom,
  movesTo,
  type ReshardPlan,
  type ShardMove,
} from './reshard-plan.ts';
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

/**
 * What can be checked before anything changes: every shard reachable, old owners new enough for
 * row-filtered publications, the tables present on shard 0 with primary keys and shard keys,
 * and every new shard empty unless it is already this reshard's subscriber (a resumed run;
 * shards of the fleet that receive rows when it shrinks hold their own).
 */
async function preflight(plan: ReshardPlan, shards: readonly Sql[]): Promise<void> {
  const refuse = (message: string | undefined) => {
    if (message) throw new ReshardError('RESHARD_BAD_INPUT', message);
  };
  for (const [i, sql] of shards.entries()) refuse(await unreachable(sql, `shard ${i}`, plan.shards[i]!));
  for (const from of movesFrom(plan)) await checkReplicationSource(shards[from]!);
  for (const table of plan.tables) refuse(await tableProblem(shards[0]!, table, 'shard 0'));
  const subscribed = (m: ShardMove) => subscriptionExists(shards[m.to]!, moveName(m));
  for (const from of movesFrom(plan)) {
    const moves = plan.moves.filter((m) => m.from === from);
    if ((await Promise.all(moves.map(subscribed))).every(Boolean)) continue;
    refuse(await preparedXactsBlockingSlot(shards[from]!, `Shard ${from}`));
  }
  for (const to of movesTo(plan).filter((s) => isNewShard(plan, s))) {
    const mine = plan.moves.filter((m) => m.to === to);
    if ((await Promise.all(mine.map(subscribed))).some(Boolean)) continue;
    const table = await firstTableWithRows(shards[to]!, plan.tables);
    if (table) {
      throw new ReshardError(
        'RESHARD_TARGET_NOT_EMPTY',
        `New shard ${to} (${redactUrl(plan.shards[to]!)}) already has rows in "${table}". Reshard into empty databases only; nothing was changed.`,
      );
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
