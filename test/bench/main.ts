import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from '@drizzle-shard/testing';
import { type BenchReport, writeReport } from './harness/report.ts';
import { type BenchSize, roundsFor } from './sizes.ts';
import type { Suite } from './suites/context.ts';
import { fanoutSuite } from './suites/fanout.ts';
import { indexSpeedupSuite } from './suites/index-speedup.ts';
import { overheadSuite } from './suites/overhead.ts';
import { replicasSuite } from './suites/replicas.ts';
import { writeScalingSuite } from './suites/write-scaling.ts';

const SUITES: Record<string, Suite> = {
  overhead: overheadSuite,
  replicas: replicasSuite,
  fanout: fanoutSuite,
  index: indexSpeedupSuite,
  writes: writeScalingSuite,
};

const USAGE = `pnpm bench [--size tiny|default] [--out DIR] [--only SUITE,...] [--seed N]

Measures drizzle-shard against plain drizzle + postgres.js on real PostgreSQL started for the run,
variants interleaved in shuffled rounds with an A/A control; read and insert suites at 1 and 8
queries in flight. Writes DIR/results.json and DIR/results.md (default DIR: bench/), which opens
with each goal's target, measured median and "met" or the gap. Suites: ${Object.keys(SUITES).join(', ')}.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'default' },
      out: { type: 'string', default: 'bench' },
      only: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.size !== 'tiny' && values.size !== 'default') {
    console.error(`--size must be tiny or default, not ${values.size}\n\n${USAGE}`);
    return 2;
  }
  const size: BenchSize = values.size;
  const names = values.only ? values.only.split(',') : Object.keys(SUITES);
  const unknown = names.filter((n) => !SUITES[n]);
  if (unknown.length) {
    console.error(`Unknown suite(s): ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  const rounds = roundsFor(size, seed);
  const started = Date.now();
  const log = (message: string) =>
    console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
  const report: BenchReport = {
    date: new Date().toISOString(),
    size,
    seed,
    machine: describeMachine(),
    settings: { ...rounds },
    suites: [],
  };
  for (const name of names) report.suites.push(...(await SUITES[name]!({ size, rounds, log })));
  const files = writeReport(path.resolve(values.out), report);
  log(`wrote ${files.json} and ${files.markdown}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
