import { OpsError } from '../ops-error.ts';

/**
 * Stable codes for everything applying indexes can refuse or fail at. They keep the `CODEGEN_`
 * prefix they had when this lived in codegen: codes never change meaning.
 */
export type ApplyIndexErrorCode =
  /** The recommendations cannot be applied as given (an index name recommended twice). */
  | 'CODEGEN_INDEX_RECOMMENDATION_INVALID'
  /** `applyIndexes` was called with unusable primaries or options. */
  | 'CODEGEN_APPLY_OPTIONS_INVALID'
  /** The shard's primary could not be reached; nothing was done there. */
  | 'CODEGEN_INDEX_SHARD_UNREACHABLE'
  /** Prepared transactions are left on the shard: CREATE INDEX CONCURRENTLY would wait for them forever. */
  | 'CODEGEN_INDEX_BLOCKED_BY_PREPARED_XACT'
  /** `CREATE INDEX CONCURRENTLY` (or the drop of an invalid leftover) raised an error. */
  | 'CODEGEN_INDEX_BUILD_FAILED'
  /** The index exists but stays INVALID after every allowed rebuild. */
  | 'CODEGEN_INDEX_STILL_INVALID'
  /** An index of that name exists with another definition; it is left alone. */
  | 'CODEGEN_INDEX_NAME_CONFLICT';

/**
 * `applyIndexes` refused its input before touching any shard. Failures on a shard are not
 * thrown: they are in the report, with the same codes. A recommendation that cannot be turned
 * into SQL throws codegen's `CodegenError` (`CODEGEN_INDEX_RECOMMENDATION_INVALID`).
 *
 * @example
 * try { await applyIndexes(recs, primaries) }
 * catch (e) { if (e instanceof ApplyIndexError && e.code === 'CODEGEN_APPLY_OPTIONS_INVALID') ... }
 */
export class ApplyIndexError extends OpsError<ApplyIndexErrorCode> {
  override name = 'ApplyIndexError';
}
