import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { batchFile, sweepDeadBatchFiles } from '../src/archive/batch-files.ts';

const fileOf = (pid: number, shard: number) =>
  path.join(os.tmpdir(), `drizzle-shard-archive-${pid}-${shard}.csv`);
const DEAD = 4_194_001; // above any pid this machine hands out
const made = [fileOf(DEAD, 0), fileOf(DEAD, 3), fileOf(process.ppid, 0), batchFile(2)];

afterAll(() => {
  for (const f of made) rmSync(f, { force: true });
});

it('removes the batch files of archive runs that died, and only those', () => {
  for (const f of made) writeFileSync(f, 'a,b\n');
  expect(batchFile(2)).toBe(fileOf(process.pid, 2));
  expect(sweepDeadBatchFiles()).toBeGreaterThanOrEqual(2);
  expect(made.map(existsSync)).toEqual([false, false, true, true]);
});
