/** Stable codes for what the fan-out merge layer refuses. */
export type FanoutMergeErrorCode = 'FANOUT_MERGE_INVALID_INPUT' | 'FANOUT_MERGE_UNSORTED_INPUT';

/**
 * Thrown when per-shard results or merge instructions cannot be merged faithfully.
 * Merging silently would return something other than what one unsharded database returns,
 * so every such case fails loudly instead.
 */
export class FanoutMergeError extends Error {
  override readonly name = 'FanoutMergeError';
  constructor(
    readonly code: FanoutMergeErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Thrown by `decodeCursor` for text that is not a cursor this layer produced for the same sort keys.
 * Cursors usually arrive from clients, so callers map this to a "bad request" rather than a crash.
 */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'FANOUT_CURSOR_INVALID';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
