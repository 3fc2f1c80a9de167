/** Deadlines and recovery of two-phase writes (reference tables, and writes spanning shards). */
export interface TwoPhaseOptions {
  /**
   * Deadline of each step of a two-phase write: a shard's statement with its PREPARE, the
   * decision's COMMIT PREPARED, each other shard's COMMIT PREPARED. Default 5000 ms.
   */
  readonly stepTimeoutMs?: number;
  /** How often the db's background resolver finishes orphaned prepared writes. Default 10,000 ms; 0 turns it off. */
  readonly recoverEveryMs?: number;
  /**
   * Age after which the resolver treats a prepared write as orphaned. Default: four step
   * deadlines plus 5 s, past which no writer respecting its deadlines still works on it.
   */
  readonly orphanAfterMs?: number;
}

export interface ResolvedTwoPhaseOptions {
  readonly stepTimeoutMs: number;
  readonly recoverEveryMs: number;
  readonly orphanAfterMs: number;
}

export function resolveTwoPhaseOptions(options: TwoPhaseOptions = {}): ResolvedTwoPhaseOptions {
  const stepTimeoutMs = options.stepTimeoutMs ?? 5000;
  return {
    stepTimeoutMs,
    recoverEveryMs: options.recoverEveryMs ?? 10_000,
    orphanAfterMs: options.orphanAfterMs ?? 4 * stepTimeoutMs + 5000,
  };
}
