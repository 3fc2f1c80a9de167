import { createIndexSql, dropIndexSql, type IndexRecommendation } from '@drizzle-shard/codegen';
import { mapWithConcurrency } from 'drizzle-shard';
import type { ShardTarget } from '../shard-target.ts';
import { ApplyIndexError } from './apply-index-error.ts';
import { applyOnShard } from './apply-on-shard.ts';
import type { ApplyIndexesOptions, ApplyProgressEvent, ApplyReport } from './apply-report.ts';
import type { IndexPlan } from './build-index.ts';

/**
 * Creates every recommended index (from `drizzle-shard generate`) on every shard primary with
 * `CREATE INDEX CONCURRENTLY` (no table lock, no transaction), one index at a time per shard, then
 * checks in `pg_index` that it is valid. An INVALID index left by an earlier failed build is
 * dropped and built again (up to `retries` times). A failing shard or index never stops the
 * others: read the report. Bad input throws before any shard is touched.
 *
 * @example
 * const report = await applyIndexes(recommendations, cluster.shards.map((s) => ({ shard: s.index, url: s.primary.url })));
 * if (!report.ok) console.error(report.failedShards);
 */
export async function applyIndexes(
  recommendations: readonly IndexRecommendation[],
  primaries: readonly ShardTarget[],
  options: ApplyIndexesOptions = {},
): Promise<ApplyReport> {
  const started = performance.now();
  const retries = options.retries ?? 1;
  const concurrency = options.concurrency ?? Math.max(1, primaries.length);
  validate(recommendations, primaries, retries, concurrency);
  // Building the SQL first refuses a bad recommendation before any shard is touched.
  const plans: IndexPlan[] = recommendations.map((rec) => ({
    rec,
    create: createIndexSql(rec),
    drop: dropIndexSql(rec.name),
  }));
  const emit = (event: ApplyProgressEvent) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress callback must not break index builds.
    }
  };

  const shards = await mapWithConcurrency(primaries, concurrency, (primary) =>
    applyOnShard(primary, plans, retries, emit),
  );
  const failedShards = shards.filter((s) => !s.ok).map((s) => s.shard);
  return { ok: failedShards.length === 0, shards, failedShards, elapsedMs: performance.now() - started };
}

function validate(
  recommendations: readonly IndexRecommendation[],
  primaries: readonly ShardTarget[],
  retries: number,
  concurrency: number,
): void {
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ApplyIndexError(
      'CODEGEN_APPLY_OPTIONS_INVALID',
      `retries must be a whole number ≥ 0, got ${retries}.`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ApplyIndexError(
      'CODEGEN_APPLY_OPTIONS_INVALID',
      `concurrency must be a whole number ≥ 1, got ${concurrency}.`,
    );
  }
  const seenShards = new Set<number>();
  for (const p of primaries) {
    if (seenShards.has(p.shard)) {
      throw new ApplyIndexError(
        'CODEGEN_APPLY_OPTIONS_INVALID',
        `Shard ${p.shard} is listed twice; give one primary per shard.`,
      );
    }
    seenShards.add(p.shard);
  }
  const seenNames = new Set<string>();
  for (const rec of recommendations) {
    if (seenNames.has(rec.name)) {
      throw new ApplyIndexError(
        'CODEGEN_INDEX_RECOMMENDATION_INVALID',
        `Index name ${JSON.stringify(rec.name)} is recommended twice; index names must be unique per schema.`,
      );
    }
    seenNames.add(rec.name);
  }
}
