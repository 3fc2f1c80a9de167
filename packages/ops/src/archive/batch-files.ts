import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'drizzle-shard-archive-';

/** Where a batch's rows wait as CSV for the store to load them: one file per process and shard. */
export const batchFile = (shard: number) => path.join(os.tmpdir(), `${PREFIX}${process.pid}-${shard}.csv`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes batch files of archive runs that died (a killed run cannot delete its own): a batch
 * file is never the copy of record (the store's ledger says what was stored), so nothing is lost.
 */
export function sweepDeadBatchFiles(): number {
  let removed = 0;
  for (const name of readdirSync(os.tmpdir())) {
    const pid = new RegExp(`^${PREFIX}(\\d+)-\\d+\\.csv$`).exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || alive(Number(pid))) continue;
    rmSync(path.join(os.tmpdir(), name), { force: true });
    removed++;
  }
  return removed;
}
