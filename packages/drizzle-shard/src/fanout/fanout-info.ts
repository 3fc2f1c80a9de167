const INFO = Symbol.for('drizzle-shard:fanout-info');

/** What a fan-out result says about itself. */
export interface FanoutInfo {
  /** True when some shards failed and the `partial` policy returned the others' rows. */
  readonly partial: boolean;
  readonly failedShards: readonly number[];
  readonly errors: readonly unknown[];
}

/** Attaches fan-out info to a result array (non-enumerable: rows and JSON stay as they were). */
export function withFanoutInfo<T>(result: T, failed: ReadonlyArray<{ shard: number; error: unknown }>): T {
  if (typeof result === 'object' && result !== null) {
    const info: FanoutInfo = {
      partial: failed.length > 0,
      failedShards: failed.map((f) => f.shard),
      errors: failed.map((f) => f.error),
    };
    Object.defineProperty(result, INFO, { value: info, enumerable: false });
  }
  return result;
}

/**
 * Reads the fan-out info of a result from `db.allShards({ onShardError: 'partial' })`.
 *
 * @example
 * const rows = await db.allShards({ onShardError: 'partial' }).select().from(orders);
 * if (fanoutInfo(rows)?.partial) console.warn('missing shards', fanoutInfo(rows)!.failedShards);
 */
export function fanoutInfo(result: unknown): FanoutInfo | undefined {
  return typeof result === 'object' && result !== null
    ? (result as { [INFO]?: FanoutInfo })[INFO]
    : undefined;
}
