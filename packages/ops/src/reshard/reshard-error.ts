import { OpsError } from '../ops-error.ts';

export type ReshardErrorCode =
  /** Bad fleet map, shard count, new shards or tables; raised before anything changes (exit 2). */
  | 'RESHARD_BAD_INPUT'
  /** A new shard already holds rows and is not one of this reshard's subscribers. */
  | 'RESHARD_TARGET_NOT_EMPTY'
  /** A step was asked for out of order, or the new shards did not catch up in time. */
  | 'RESHARD_NOT_READY'
  /** Counts or checksums of moved buckets differ between old and new owners. */
  | 'RESHARD_VERIFY_FAILED';

export class ReshardError extends OpsError<ReshardErrorCode> {
  override name = 'ReshardError';
}
