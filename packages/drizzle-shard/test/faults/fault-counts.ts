import { isDrizzleShardError } from '../../src/index.ts';

/** What every fault-injection loop counts, printed in one line per scenario by {@link reportFaults}. */
export interface FaultCounts {
  attempts: number;
  /** Succeeded with the right answer, or failed exactly as the scenario requires. */
  correct: number;
  /** Failed with a DrizzleShardError. */
  typed: number;
  /** Failed with anything else where a typed error was due. */
  untyped: number;
  /** Returned a wrong or partial answer without saying so. */
  wrong: number;
  /** A password or parameter value showed in a message, cause or util.inspect output. */
  leaked: number;
  /** Did not settle within its bound. */
  hung: number;
}

export function faultCounts(): FaultCounts {
  return { attempts: 0, correct: 0, typed: 0, untyped: 0, wrong: 0, leaked: 0, hung: 0 };
}

/** Counts `error` as typed or untyped. */
export function countError(counts: FaultCounts, error: unknown): void {
  if (isDrizzleShardError(error)) counts.typed++;
  else counts.untyped++;
}

const HUNG = Symbol('hung');

/** `work`'s outcome, or `hung` when it has not settled within `ms` (counted). */
export async function settle<T>(
  counts: FaultCounts,
  work: Promise<T>,
  ms: number,
): Promise<{ value: T } | { error: unknown } | { hung: true }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof HUNG>((resolve) => {
    timer = setTimeout(() => resolve(HUNG), ms);
  });
  counts.attempts++;
  const outcome = await Promise.race([
    work.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    late,
  ]).finally(() => clearTimeout(timer));
  if (outcome === HUNG) {
    counts.hung++;
    return { hung: true };
  }
  return outcome;
}

/** Prints one scenario's counts (the fault suite's output: `pnpm test:faults`). */
export function reportFaults(
  scenario: string,
  counts: FaultCounts,
  extra: Record<string, unknown> = {},
): void {
  const fields = Object.entries({ ...counts, ...extra })
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  console.log(`[faults] ${scenario}: ${fields}`);
}
