export {
  APPLY_APPLICATION_NAME,
  type ApplyIndexesOptions,
  type ApplyProgressEvent,
  type ApplyReport,
  applyIndexes,
  type IndexApplyFailure,
  type IndexApplyResult,
  type IndexOutcome,
  type ShardApplyReport,
  type ShardPrimary,
} from './apply-indexes.ts';
export {
  ApplyIndexError,
  type ApplyIndexErrorCode,
  createIndexSql,
  dropIndexSql,
  MAX_IDENTIFIER_BYTES,
  quoteIdentifier,
} from './index-sql.ts';
