import { DrizzleShardError } from './errors.ts';

/**
 * Runs `work` on every item with at most `limit` calls in flight (each free slot takes the next
 * item, so one slow shard does not hold back the others) and resolves with the results in the
 * order of `items`, not of completion. The one bounded worker pool of the packages: the driver's
 * fan-out and the fleet operations (index builds) both go through it.
 *
 * If a call rejects, no further item is started, the calls in flight are awaited and the first
 * rejection is thrown: nothing keeps running behind the caller's back. Callers that want every
 * item tried catch inside `work`.
 *
 * @example
 * const sizes = await mapWithConcurrency(primaries, 4, (url) => tableSize(url));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new DrizzleShardError('CONFIG_INVALID', `concurrency must be a whole number ≥ 1, got ${limit}.`, {
      limit,
    });
  }
  // One item (a routed statement on one shard, the hot path) needs no workers.
  if (items.length === 1) return [await work(items[0]!, 0)];
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
