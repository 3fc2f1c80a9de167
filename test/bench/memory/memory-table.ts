import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type RoundSamples, summarise } from '../harness/interleave.ts';
import { seededRandom, shuffled } from '../harness/random.ts';
import type { SuiteResult } from '../harness/report.ts';
import type { BenchSize } from '../sizes.ts';
import type { FanoutFleets } from '../suites/fanout-fleets.ts';
import type { ReadFigures, ReadJob } from './read-job.ts';

const run = promisify(execFile);
const CHILD = path.join(import.meta.dirname, 'read-child.ts');
const PAGE = 1_000;

async function readInChild(job: ReadJob): Promise<ReadFigures> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', CHILD, JSON.stringify(job)],
    { cwd: path.resolve(import.meta.dirname, '../../..'), maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ReadFigures;
}

/**
 * Resident memory while reading every order of the 4-shard fleet page by page with keysetPage
 * (the library has no streamed iterator), against reading one page of 1,000: each read runs in a
 * fresh child process, in shuffled order per round, and its peak RSS is sampled from the first
 * row to the last. One select of every row is the reference that shows what growth looks like.
 * Time and CPU are per row read.
 */
export async function memoryTable(
  fleets: FanoutFleets,
  size: BenchSize,
  seed: number,
  log: (message: string) => void,
): Promise<SuiteResult> {
  const all = fleets.rows;
  const count = all.toLocaleString('en');
  const paged = `${count} rows: keysetPage through all, pages of 1,000`;
  const variants: { name: string; job: ReadJob }[] = [
    { name: '1,000 rows: one keysetPage of 1,000', job: { mode: 'paged', rows: PAGE } },
    { name: '1,000 rows (A/A control)', job: { mode: 'paged', rows: PAGE } },
    { name: paged, job: { mode: 'paged', rows: all } },
    { name: `${count} rows in one allShards() select (reference)`, job: { mode: 'one-select', rows: all } },
  ].map((v) => ({ name: v.name, job: { ...v.job, urls: fleets.fourUrls, pageSize: PAGE } as ReadJob }));
  const samples = new Map<string, Required<Pick<RoundSamples, 'timeUs' | 'cpuUs' | 'peakRssMb'>>>(
    variants.map((v) => [v.name, { timeUs: [], cpuUs: [], peakRssMb: [] }]),
  );
  const random = seededRandom(seed);
  const rounds = size === 'tiny' ? 1 : 3;
  for (let round = 0; round < rounds; round++) {
    log(`fan-out memory: round ${round + 1} of ${rounds}, one child process per read`);
    for (const variant of shuffled(variants, random)) {
      const figures = await readInChild(variant.job);
      const s = samples.get(variant.name)!;
      s.timeUs.push(figures.wallUs / figures.rows);
      s.cpuUs.push(figures.cpuUs / figures.rows);
      s.peakRssMb.push(figures.peakRssMb);
    }
  }
  return {
    name: 'fanout-memory',
    title: `Resident memory reading ${count} rows over 4 shards page by page`,
    baseline: 'one keysetPage of 1,000 rows over the same 4 shards (time and CPU per row read)',
    variants: summarise(samples),
    targets: [
      {
        goal: `issue 19: paging through ${count} rows over 4 shards, peak RSS ≤ 20 MB above a 1,000-row result`,
        variant: paged,
        metric: 'rss',
        max: 20,
      },
    ],
    notes: [
      `Each read runs in a child process of its own (${rounds} round${rounds > 1 ? 's' : ''}): after a warm-up page and a full GC, RSS is sampled every 2 ms and after each page until the last row; the peak is what the table shows. No streamed iterator exists over allShards(), so keysetPage is the way to read a large result.`,
    ],
  };
}
