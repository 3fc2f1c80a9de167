import type { ApplyIndexErrorCode } from './apply-index-error.ts';

/** What happened to one index on one shard. */
export type IndexOutcome = 'created' | 'already-valid' | 'rebuilt' | 'failed';

export interface IndexApplyFailure {
  readonly code: ApplyIndexErrorCode;
  /** What went wrong, passwords redacted. */
  readonly message: string;
  /** PostgreSQL's SQLSTATE when the server raised the error (`42P01`: no such table). */
  readonly sqlState?: string;
}

export interface IndexApplyResult {
  readonly table: string;
  readonly index: string;
  readonly outcome: IndexOutcome;
  readonly elapsedMs: number;
  /** Present when `outcome` is `failed`. */
  readonly error?: IndexApplyFailure;
}

export interface ShardApplyReport {
  readonly shard: number;
  /** The primary's URL, password redacted. */
  readonly url: string;
  /** Every index is valid on this shard. */
  readonly ok: boolean;
  /** One entry per recommendation, in the order given. */
  readonly indexes: readonly IndexApplyResult[];
}

export interface ApplyReport {
  /** Every index is valid on every shard. */
  readonly ok: boolean;
  /** One entry per primary, in the order given. */
  readonly shards: readonly ShardApplyReport[];
  /** Shards where at least one index failed. */
  readonly failedShards: readonly number[];
  readonly elapsedMs: number;
}

export interface ApplyProgressEvent {
  readonly shard: number;
  readonly index: string;
  readonly state: 'start' | 'done' | 'failed';
  /** Time spent on this index on this shard so far (0 at `start`). */
  readonly elapsedMs: number;
  /** With `done` and `failed`. */
  readonly outcome?: IndexOutcome;
  /** With `failed`. */
  readonly error?: IndexApplyFailure;
}

export interface ApplyIndexesOptions {
  /** Called at the start and end of every index on every shard. Errors it throws are ignored. */
  onProgress?(event: ApplyProgressEvent): void;
  /** How many times an INVALID index may be dropped and built again, per index and shard. Default 1. */
  retries?: number;
  /** How many shards work at once (each one index at a time). Default: all of them. */
  concurrency?: number;
}
