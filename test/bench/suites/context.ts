import type { InterleaveOptions } from '../harness/interleave.ts';
import type { SuiteResult } from '../harness/report.ts';
import type { BenchSize } from '../sizes.ts';

/** What every suite gets; each starts and destroys its own cluster. */
export interface SuiteContext {
  readonly size: BenchSize;
  readonly rounds: InterleaveOptions;
  /** Progress lines for the person watching. */
  log(message: string): void;
}

export type Suite = (context: SuiteContext) => Promise<SuiteResult[]>;
