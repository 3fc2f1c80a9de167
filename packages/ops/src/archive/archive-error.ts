import { OpsError } from '../ops-error.ts';

export type ArchiveErrorCode =
  /** Bad table, column, duration or target; raised before any data moves. */
  | 'ARCHIVE_BAD_INPUT'
  /** The store already has the table with other columns. */
  | 'ARCHIVE_SCHEMA_MISMATCH'
  /** A batch's count or checksum in the store differs from the shard's; nothing was deleted. */
  | 'ARCHIVE_VERIFY_FAILED';

export class ArchiveError extends OpsError<ArchiveErrorCode> {
  override name = 'ArchiveError';
}
