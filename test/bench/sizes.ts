import type { InterleaveOptions } from './harness/interleave.ts';

export type BenchSize = 'tiny' | 'default';

/** `tiny` only proves the bench runs (CI smoke); `default` gives numbers worth reading. */
export function roundsFor(size: BenchSize, seed: number): InterleaveOptions {
  return size === 'tiny'
    ? { rounds: 3, opsPerRound: 20, warmupRounds: 1, seed }
    : { rounds: 30, opsPerRound: 400, warmupRounds: 3, seed };
}

export function rowsFor(size: BenchSize): { users: number } {
  return size === 'tiny' ? { users: 200 } : { users: 20_000 };
}
