import { randomUUID } from 'node:crypto';
import type { Query } from 'drizzle-orm';
import type { ReservedSql } from 'postgres';
import type { ShardNode } from '../driver/shard-node.ts';
import { NodeSession, type PreparedArgs } from '../drizzle/node-session.ts';
import { DrizzleShardError, errorCode, rootMessage } from '../errors.ts';
import { DECISION_TABLE, GID_PREFIX, MAP_EPOCH_SETTING } from './two-phase-names.ts';

/** Test hooks for crash tests: after every shard prepared; after shard 0 (the decision) committed. */
export const twoPhaseHooks: {
  afterPrepare?: (gid: string) => Promise<void>;
  afterDecision?: (gid: string) => Promise<void>;
} = {};

/**
 * Writes a reference table on every shard atomically: each shard runs the statement and
 * `PREPARE TRANSACTION`; shard 0 also records the commit decision in its prepared
 * transaction, so recovery after a crash can tell commit from abort (presumed abort).
 * Returns shard 0's result (the rows are the same everywhere). Each transaction carries the
 * writer's map epoch (MAP_EPOCH_SETTING), so a shard a reshard fenced can refuse a stale writer.
 */
export async function twoPhaseWrite(
  nodes: ReadonlyArray<ShardNode<Record<string, unknown>>>,
  mapEpoch: number,
  query: Query,
  args: PreparedArgs,
  placeholders: Record<string, unknown>,
): Promise<unknown> {
  const gid = `${GID_PREFIX}${randomUUID()}`;
  const reserved: ReservedSql[] = [];
  const prepared: ReservedSql[] = [];
  try {
    for (const node of nodes) reserved.push(await node.client.reserve());
    if (!decisionTableOn.has(nodes[0]!.client)) {
      await ensureDecisionTable(reserved[0]!);
      decisionTableOn.add(nodes[0]!.client);
    }
    const results = await Promise.all(
      reserved.map(async (conn, shard) => {
        await conn.unsafe(`begin; set local ${MAP_EPOCH_SETTING} = ${Math.trunc(mapEpoch)}`).simple();
        // inTransaction: no statement caching inside the transaction, as in NodeSession.transaction.
        const session = new NodeSession(
          conn as never,
          nodes[shard]!.session.routingDialect,
          undefined,
          { ...nodes[shard]!.session.nodeOptions, guard: undefined },
          true,
        );
        const result = await session.prepareChecked(query, args).execute(placeholders);
        if (shard === 0) await conn.unsafe(`insert into ${DECISION_TABLE} (gid) values ($1)`, [gid]);
        await conn.unsafe(`prepare transaction '${gid}'`);
        prepared.push(conn);
        return result;
      }),
    );
    await twoPhaseHooks.afterPrepare?.(gid);
    // Shard 0 first: once its COMMIT PREPARED lands, the decision is durable and recovery commits the rest.
    await reserved[0]!.unsafe(`commit prepared '${gid}'`);
    await twoPhaseHooks.afterDecision?.(gid);
    await Promise.all(reserved.slice(1).map((conn) => conn.unsafe(`commit prepared '${gid}'`)));
    return results[0];
  } catch (error) {
    await Promise.all(
      reserved.map(async (conn) => {
        const wasPrepared = prepared.includes(conn);
        await conn.unsafe(wasPrepared ? `rollback prepared '${gid}'` : 'rollback').catch(() => {});
      }),
    );
    throw new DrizzleShardError(
      'TWO_PHASE_COMMIT_FAILED',
      `A reference-table write could not be applied on every shard and was rolled back everywhere: ${rootMessage(error)}`,
      { gid, sqlState: errorCode(error) },
      { cause: error },
    );
  } finally {
    for (const conn of reserved) conn.release();
  }
}

/**
 * Shard 0 clients known to have the decision table: it is created once per client, not before
 * every write (`create table if not exists` also sends a NOTICE each time, which postgres.js
 * prints to the console unless the app set `onnotice`).
 */
const decisionTableOn = new WeakSet<object>();

async function ensureDecisionTable(conn: ReservedSql): Promise<void> {
  const [found] = await conn.unsafe('select to_regclass($1) is not null as present', [DECISION_TABLE]);
  if (found?.present) return;
  await conn.unsafe(
    `create table if not exists ${DECISION_TABLE} (gid text primary key, decided_at timestamptz not null default now())`,
  );
}
