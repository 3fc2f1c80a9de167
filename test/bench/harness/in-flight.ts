import { type InterleaveOptions, interleave, type Variant } from './interleave.ts';
import type { SuiteResult } from './report.ts';

/** Connections per server of every pool a read or insert suite opens, library and baselines alike. */
export const POOL_SIZE = 8;

/** postgres.js options of those pools. */
export const POOL = { max: POOL_SIZE, onnotice: () => {} } as const;

/**
 * Queries in flight at once in each variant's turn: one at a time (latency), then as many as the
 * pools hold (issue 19: the goals hold under concurrency too, not only one query at a time).
 */
export const IN_FLIGHT = [1, POOL_SIZE] as const;

/** A suite's title with how many queries it ran at once. */
export function inFlightTitle(title: string, inFlight: number): string {
  return inFlight === 1
    ? `${title}, 1 query in flight`
    : `${title}, ${inFlight} queries in flight (pool ${POOL_SIZE})`;
}

/**
 * Runs the same variants at each level of {@link IN_FLIGHT} (a full interleaved run per level,
 * baseline and A/A control included) and returns one table per level, named `NAME@LEVEL`.
 */
export async function measureInFlight(
  suite: Omit<SuiteResult, 'variants' | 'inFlight'>,
  variants: readonly Variant[],
  options: InterleaveOptions,
  log: (message: string) => void,
): Promise<SuiteResult[]> {
  const tables: SuiteResult[] = [];
  for (const inFlight of IN_FLIGHT) {
    log(`${suite.name}: ${inFlight} in flight`);
    tables.push({
      ...suite,
      name: `${suite.name}@${inFlight}`,
      title: inFlightTitle(suite.title, inFlight),
      inFlight,
      variants: await interleave(variants, { ...options, concurrency: inFlight }),
    });
  }
  return tables;
}
