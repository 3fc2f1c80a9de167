/** One line of a stage's before/after table, and the line it adds to the final summary. */
export interface StageResult {
  readonly stage: string;
  readonly rows: readonly (readonly [string, string, string])[];
  readonly summary: { readonly metric: string; readonly before: string; readonly after: string };
  /** Why the stage did not run (its rows are then empty). */
  readonly skipped?: string;
}

/** A stage that could not run on this machine: one line in its place, "skipped" in the summary. */
export function skippedStage(stage: string, metric: string, reason: string): StageResult {
  return { stage, rows: [], summary: { metric, before: 'skipped', after: 'skipped' }, skipped: reason };
}

export function printStage(result: StageResult, log: (line: string) => void): void {
  if (result.skipped) {
    log(`  skipped: ${result.skipped}`);
    return;
  }
  const width = [
    Math.max(...result.rows.map((r) => r[0].length), 6),
    Math.max(...result.rows.map((r) => r[1].length), 6),
    Math.max(...result.rows.map((r) => r[2].length), 5),
  ];
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padEnd(width[i]!)).join('  │  ')}`;
  log(line(['', 'before', 'after']));
  log(`  ${width.map((w) => '─'.repeat(w)).join('──┼──')}`);
  for (const row of result.rows) log(line(row));
}

export function printSummary(results: readonly StageResult[], log: (line: string) => void): void {
  log('\nKey metrics summary (measured in this run)');
  const rows = results.map((r) => [r.stage, r.summary.metric, r.summary.before, r.summary.after] as const);
  const width = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['stage', 'metric', 'before', 'after'][i]!.length),
  );
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padEnd(width[i]!)).join('  │  ')}`;
  log(line(['stage', 'metric', 'before', 'after']));
  log(`  ${width.map((w) => '─'.repeat(w)).join('──┼──')}`);
  for (const row of rows) log(line(row));
}

export const pct = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((100 * part) / whole)}%`;
export const ms = (value: number) => (value >= 10 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`);

/** The middle of an odd number of measurements (the demo times each thing 3 times). */
export const middle = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[(values.length - 1) >> 1]!;
