import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { withDeadline } from '../deadline.ts';
import { DrizzleShardError, errorCode, rootMessage } from '../errors.ts';
import { redactServerMessage } from '../redact-error.ts';
import { ensureDecisionTable } from './decision-table.ts';
import { DECISION_TABLE, GID_PREFIX, MAP_EPOCH_SETTING } from './two-phase-names.ts';

/** Test hooks for crash tests: after every shard prepared; after shard 0 (the decision) committed. */
export const twoPhaseHooks: {
  afterPrepare?: (gid: string) => Promise<void>;
  afterDecision?: (gid: string) => Promise<void>;
} = {};

/** One write to apply atomically on several shards. */
export interface TwoPhaseStatement {
  /** Shards the write runs on. */
  readonly shards: readonly number[];
  /** Runs the shard's part of the write inside `tx` (the shard's transaction) and returns its result. */
  readonly runOn: (shard: number, tx: TransactionSql) => Promise<unknown>;
  /** What the error message calls the write, e.g. `a reference-table write`. */
  readonly what: string;
}

/** How a failed two-phase write ended, in `details.outcome` of its `TWO_PHASE_COMMIT_FAILED`. */
export type TwoPhaseOutcome =
  /** Nothing was applied on any shard. */
  | 'rolled-back'
  /** The decision committed; shards that did not confirm commit when the resolver reaches them. */
  | 'committed-pending'
  /** The decision's COMMIT PREPARED got no answer; the resolver decides once shard 0 answers. */
  | 'unknown';

/**
 * Applies a write on several shards atomically: each shard runs its statement and `PREPARE
 * TRANSACTION`; shard 0 (always a participant) prepares last, with the commit decision in
 * its transaction, so recovery can tell commit from abort (presumed abort). Every step has a
 * deadline (`stepTimeoutMs`); a shard that dies or stalls gives `TWO_PHASE_COMMIT_FAILED`
 * whose `details.outcome` says what happened. Returns each shard's result, in `shards` order.
 * Each transaction carries the writer's map epoch (MAP_EPOCH_SETTING), so a shard a reshard
 * fenced can refuse a stale writer.
 */
export async function twoPhaseWrite(
  clients: readonly Sql[],
  mapEpoch: number,
  work: TwoPhaseStatement,
  stepTimeoutMs: number,
): Promise<unknown[]> {
  const gid = `${GID_PREFIX}${randomUUID()}`;
  const home = clients[0]!;
  const others = work.shards.filter((s) => s !== 0);
  const results = new Map<number, unknown>();
  const prepared: number[] = [];
  const fail = (error: unknown, outcome: TwoPhaseOutcome, shard: number | undefined) =>
    failure(work, gid, error, outcome, shard);

  const prepare = async (shard: number, decide: boolean) => {
    const run = clients[shard]!.begin(async (tx) => {
      await tx.unsafe(`set local ${MAP_EPOCH_SETTING} = ${Math.trunc(mapEpoch)}`);
      if (work.shards.includes(shard)) results.set(shard, await work.runOn(shard, tx));
      if (decide) await tx.unsafe(`insert into ${DECISION_TABLE} (gid) values ($1)`, [gid]);
      await tx.prepare(gid);
    });
    await withDeadline(run, stepTimeoutMs, `PREPARE on shard ${shard}`);
    prepared.push(shard);
  };
  const rollback = async () => {
    await Promise.all(
      prepared.map((shard) =>
        withDeadline(
          clients[shard]!.unsafe(`rollback prepared '${gid}'`),
          stepTimeoutMs,
          `ROLLBACK PREPARED on shard ${shard}`,
        ).catch(() => {}),
      ),
    );
  };

  // Phase 1: the other shards, then shard 0 with the decision row (presumed abort until it commits).
  const firstPhase = await Promise.allSettled(others.map((shard) => prepare(shard, false)));
  const failed = firstPhase.findIndex((r) => r.status === 'rejected');
  if (failed !== -1) {
    await rollback();
    throw fail((firstPhase[failed] as PromiseRejectedResult).reason, 'rolled-back', others[failed]);
  }
  try {
    await ensureDecisionTable(home, stepTimeoutMs);
    await prepare(0, true);
  } catch (error) {
    await rollback();
    throw fail(error, 'rolled-back', 0);
  }
  await twoPhaseHooks.afterPrepare?.(gid);
  // Phase 2: shard 0 first: once its COMMIT PREPARED lands, the decision is durable.
  try {
    await commitOn(home, gid, stepTimeoutMs, 0);
  } catch (error) {
    throw fail(error, 'unknown', 0);
  }
  await twoPhaseHooks.afterDecision?.(gid);
  const commits = await Promise.allSettled(
    others.map((shard) => commitOn(clients[shard]!, gid, stepTimeoutMs, shard)),
  );
  const unconfirmed = commits.findIndex((r) => r.status === 'rejected');
  if (unconfirmed !== -1) {
    throw fail(
      (commits[unconfirmed] as PromiseRejectedResult).reason,
      'committed-pending',
      others[unconfirmed],
    );
  }
  return work.shards.map((s) => results.get(s));
}

/** COMMIT PREPARED; on a shard other than 0, "does not exist" means a resolver committed it already. */
async function commitOn(client: Sql, gid: string, ms: number, shard: number): Promise<void> {
  try {
    await withDeadline(client.unsafe(`commit prepared '${gid}'`), ms, `COMMIT PREPARED on shard ${shard}`);
  } catch (error) {
    if (shard === 0 || errorCode(error) !== '42704') throw error;
  }
}

function failure(
  work: TwoPhaseStatement,
  gid: string,
  error: unknown,
  outcome: TwoPhaseOutcome,
  shard: number | undefined,
): DrizzleShardError {
  const what =
    outcome === 'rolled-back'
      ? 'was rolled back on every shard'
      : outcome === 'committed-pending'
        ? 'is committed; the shard that did not confirm commits it when the background resolver reaches it'
        : 'has an unknown outcome until shard 0 answers; the background resolver then commits or rolls it back everywhere';
  return new DrizzleShardError(
    'TWO_PHASE_COMMIT_FAILED',
    `${work.what} on shards ${work.shards.join(', ')} failed on shard ${shard ?? '?'} and ${what}: ${redactServerMessage(rootMessage(error))}`,
    { gid, outcome, shard, sqlState: errorCode(error) },
    { cause: error },
  );
}
