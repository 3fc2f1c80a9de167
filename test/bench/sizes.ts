import type { InterleaveOptions } from './harness/interleave.ts';

export type BenchSize = 'tiny' | 'default';

/**
 * `tiny` only proves the bench runs (CI smoke); `default` gives numbers worth reading: turns of
 * 1,500 ops (about 0.6 s) keep GC pauses and checkpoints from dominating a round.
 */
export function roundsFor(size: BenchSize, seed: number): InterleaveOptions {
  return size === 'tiny'
    ? { rounds: 3, opsPerRound: 20, warmupRounds: 1, seed }
    : { rounds: 20, opsPerRound: 1500, warmupRounds: 2, seed };
}

export function rowsFor(size: BenchSize): { users: number } {
  return size === 'tiny' ? { users: 200 } : { users: 20_000 };
}
