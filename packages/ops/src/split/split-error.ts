import { OpsError } from '../ops-error.ts';

export type SplitErrorCode =
  /** Bad source, targets, tables or options; raised before any data moves (exit 2). */
  | 'SPLIT_BAD_INPUT'
  /** The source cannot be split online: PostgreSQL older than 15, or wal_level not logical. */
  | 'SPLIT_SOURCE_UNSUPPORTED'
  /** A target already holds rows of a table to split and is not one of this split's subscribers. */
  | 'SPLIT_TARGET_NOT_EMPTY'
  /** A step was asked for out of order (cutover before the copy is ready, rollback without a cutover). */
  | 'SPLIT_NOT_READY'
  /** Counts or checksums differ between the source and the targets. */
  | 'SPLIT_VERIFY_FAILED';

export class SplitError extends OpsError<SplitErrorCode> {
  override name = 'SplitError';
}
