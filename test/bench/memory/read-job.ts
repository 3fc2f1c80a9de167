/** What one child process of the memory table reads: `paged` through keysetPage, or one select. */
export interface ReadJob {
  readonly urls: readonly string[];
  readonly rows: number;
  readonly mode: 'paged' | 'one-select';
  /** Rows per keysetPage call (`paged`). */
  readonly pageSize: number;
}

/** What it measured, from the first row read to the last (after a warm-up page and a full GC). */
export interface ReadFigures {
  readonly rows: number;
  readonly wallUs: number;
  readonly cpuUs: number;
  readonly startRssMb: number;
  /** Highest resident set size sampled every 2 ms and after each page. */
  readonly peakRssMb: number;
}
