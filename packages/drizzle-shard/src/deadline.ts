/** A step that did not finish in time; callers turn it into their own typed error. */
export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
  constructor(
    readonly step: string,
    readonly ms: number,
  ) {
    super(`${step} did not finish within ${ms} ms`);
  }
}

/**
 * `work`, or a {@link DeadlineExceeded} rejection once `ms` have passed. A late outcome of
 * `work` is observed (never an unhandled rejection) and dropped.
 *
 * @example await withDeadline(conn.unsafe('commit prepared ...'), 2000, 'commit on shard 1')
 */
export function withDeadline<T>(work: Promise<T>, ms: number, step: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(step, ms)), ms);
    timer.unref?.();
  });
  work.catch(() => {});
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
