// Start-up figures of the installed packages, run inside the scratch project (plain Node):
// `drizzle-shard --help` wall time, and what `import 'drizzle-shard'` adds to an app that
// already loads drizzle-orm and postgres. Medians of several fresh processes; a benchmark
// that prints figures, not a test with a time limit.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wallMs(args) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const IMPORT_COST = `
const peers = ['drizzle-orm', 'drizzle-orm/pg-core', 'drizzle-orm/postgres-js', 'postgres'];
for (const p of peers) await import(p);
const start = process.hrtime.bigint();
await import('drizzle-shard');
process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));`;

function importMs() {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_COST], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`import drizzle-shard failed: ${child.stderr}`);
    samples.push(Number(child.stdout));
  }
  return median(samples);
}

function duBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? duBytes(full) : statSync(full).size;
  }
  return total;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const bin = path.join('node_modules', '@drizzle-shard', 'cli', 'dist', 'bin.mjs');
const figures = {
  nodeBaselineMs: wallMs(['-e', '0']),
  helpMs: wallMs([bin, '--help']),
  importDrizzleShardMs: importMs(),
  runtimeBytes: duBytes('node_modules/drizzle-shard'),
  peersBytes: duBytes('node_modules/drizzle-orm') + duBytes('node_modules/postgres'),
};
console.log(`  node -e 0 (baseline)                     ${figures.nodeBaselineMs.toFixed(0)} ms`);
console.log(`  drizzle-shard --help                     ${figures.helpMs.toFixed(0)} ms (median of ${RUNS})`);
console.log(
  `  import 'drizzle-shard' after its peers   ${figures.importDrizzleShardMs.toFixed(1)} ms (median of ${RUNS})`,
);
console.log(`  drizzle-shard installed (no dependencies) ${kib(figures.runtimeBytes)}`);
console.log(`  its peers drizzle-orm + postgres         ${kib(figures.peersBytes)}`);
if (process.env.BENCH_JSON) console.log(JSON.stringify(figures));
