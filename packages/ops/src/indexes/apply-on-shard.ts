import { redactUrl } from 'drizzle-shard';
import postgres from 'postgres';
import type { ShardTarget } from '../shard-target.ts';
import type {
  ApplyProgressEvent,
  IndexApplyFailure,
  IndexApplyResult,
  ShardApplyReport,
} from './apply-report.ts';
import { buildIndex, type IndexPlan } from './build-index.ts';
import { describeError, indexFailure } from './index-failure.ts';
import { preparedTransactionsBlocking } from './prepared-xacts.ts';

/** Set on every connection, so a DBA can see (and tests can check) who builds indexes. */
export const APPLY_APPLICATION_NAME = 'drizzle-shard-indexes';

/**
 * Builds every planned index on one shard primary, one at a time, on one connection (simple
 * protocol: CONCURRENTLY refuses to run inside a transaction block). An unreachable shard, or one
 * blocked by prepared transactions, fails every index with that reason; never throws for a shard.
 */
export async function applyOnShard(
  primary: ShardTarget,
  plans: readonly IndexPlan[],
  retries: number,
  emit: (event: ApplyProgressEvent) => void,
): Promise<ShardApplyReport> {
  const indexes: IndexApplyResult[] = [];
  let sql: postgres.Sql | undefined;
  try {
    // Set when nothing can be built on this shard (unreachable, or blocked by prepared transactions).
    let shardFailure: IndexApplyFailure | undefined;
    try {
      // Not connectOps: its text-output settings are startup parameters that a PgBouncer in front
      // of the primary may refuse, and index builds compare no values as text.
      sql = postgres(primary.url, {
        max: 1,
        prepare: false,
        onnotice: () => {},
        connect_timeout: 10,
        connection: { application_name: APPLY_APPLICATION_NAME },
      });
      await sql.unsafe('select 1');
      shardFailure = await preparedTransactionsBlocking(sql, primary.shard);
    } catch (error) {
      shardFailure = indexFailure(
        'CODEGEN_INDEX_SHARD_UNREACHABLE',
        `Shard ${primary.shard} primary (${redactUrl(primary.url)}) is unreachable: ${describeError(error)}`,
        error,
      );
    }
    for (const plan of plans) {
      const start = performance.now();
      const at = { shard: primary.shard, index: plan.rec.name };
      emit({ ...at, state: 'start', elapsedMs: 0 });
      const result = shardFailure
        ? { failed: shardFailure }
        : await buildIndex(sql!, plan, primary.shard, retries);
      const elapsedMs = performance.now() - start;
      const identity = { table: plan.rec.table, index: plan.rec.name };
      if ('failed' in result) {
        indexes.push({ ...identity, outcome: 'failed', elapsedMs, error: result.failed });
        emit({ ...at, state: 'failed', elapsedMs, outcome: 'failed', error: result.failed });
      } else {
        indexes.push({ ...identity, outcome: result.outcome, elapsedMs });
        emit({ ...at, state: 'done', elapsedMs, outcome: result.outcome });
      }
    }
  } finally {
    await sql?.end({ timeout: 5 });
  }
  return {
    shard: primary.shard,
    url: redactUrl(primary.url),
    ok: indexes.every((i) => i.outcome !== 'failed'),
    indexes,
  };
}
