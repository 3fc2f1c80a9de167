import type { IndexRecommendation } from '@drizzle-shard/codegen';
import type { Sql } from 'postgres';
import type { IndexApplyFailure, IndexOutcome } from './apply-report.ts';
import { describeError, indexFailure } from './index-failure.ts';
import { conflictOf, inspectIndex } from './index-state.ts';

/** One recommendation with its SQL, built before any shard is touched. */
export interface IndexPlan {
  readonly rec: IndexRecommendation;
  readonly create: string;
  readonly drop: string;
}

export type BuildResult = { outcome: Exclude<IndexOutcome, 'failed'> } | { failed: IndexApplyFailure };

/**
 * Builds one index on one shard until it is valid, or says why it is not. An INVALID index (a
 * failed build's leftover) is dropped and built again, at most `retries` times; our own failed
 * build is dropped before giving up. Never throws: a failure is the result.
 */
export async function buildIndex(
  sql: Sql,
  plan: IndexPlan,
  shard: number,
  retries: number,
): Promise<BuildResult> {
  const { rec } = plan;
  const where = `index ${JSON.stringify(rec.name)} on ${JSON.stringify(rec.table)} (shard ${shard})`;
  try {
    let state = await inspectIndex(sql, rec.name);
    const conflict = conflictOf(state, rec, where);
    if (conflict) return { failed: conflict };
    if (state.kind === 'index' && state.valid) return { outcome: 'already-valid' };

    let rebuildsLeft = retries;
    let rebuilt = false;
    let attempts = 0;
    let ownLeftover = false;
    let lastError: unknown;
    for (;;) {
      if (state.kind === 'index') {
        // Exists but INVALID: IF NOT EXISTS would keep it as is, so drop it first.
        if (state.buildingPid !== null) {
          return {
            failed: indexFailure(
              'CODEGEN_INDEX_BUILD_FAILED',
              `${where} is being built right now by another session (pid ${state.buildingPid}); run again when it finishes.`,
            ),
          };
        }
        if (rebuildsLeft === 0) {
          if (ownLeftover) await sql.unsafe(plan.drop); // do not leave our failed build behind
          const why = lastError ? `: ${describeError(lastError)}` : '';
          return {
            failed: indexFailure(
              'CODEGEN_INDEX_STILL_INVALID',
              ownLeftover
                ? `Building ${where} failed ${attempts} time(s); the INVALID index it left was dropped${why}`
                : `${where} exists but is INVALID and retries is 0, so it was left as is. Drop it or allow a retry.`,
              lastError,
            ),
          };
        }
        rebuildsLeft--;
        await sql.unsafe(plan.drop);
        rebuilt = true;
      }
      lastError = undefined;
      attempts++;
      try {
        await sql.unsafe(plan.create);
      } catch (error) {
        lastError = error;
      }
      state = await inspectIndex(sql, rec.name);
      const after = conflictOf(state, rec, where);
      if (after) return { failed: after };
      if (state.kind === 'index' && state.valid) return { outcome: rebuilt ? 'rebuilt' : 'created' };
      if (state.kind === 'absent') {
        return {
          failed: indexFailure(
            'CODEGEN_INDEX_BUILD_FAILED',
            `Creating ${where} failed: ${lastError ? describeError(lastError) : 'no index of that name exists afterwards'}`,
            lastError,
          ),
        };
      }
      ownLeftover = true;
    }
  } catch (error) {
    return {
      failed: indexFailure(
        'CODEGEN_INDEX_BUILD_FAILED',
        `Applying ${where} failed: ${describeError(error)}`,
        error,
      ),
    };
  }
}
