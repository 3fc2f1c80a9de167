// Start-up figures of the installed packages, run inside the scratch project (plain Node):
// `drizzle-shard --help`, and what `import 'drizzle-shard'` adds to an app that already loads
// drizzle-orm and postgres. Medians of several fresh processes, as wall time and as the CPU time
// the process used (user + system): on a busy machine the wall time mostly measures the wait for
// a core, the CPU time is what an idle machine would take. A benchmark that prints figures, not
// a test with a time limit.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const REPORT_CPU = `data:text/javascript,process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu-us ' + (u.user + u.system)); })`;

/** Median wall and CPU milliseconds of `node args`. */
function processMs(args) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--import', REPORT_CPU, ...args], { encoding: 'utf8' });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr}`);
    cpu.push(Number(/cpu-us (\d+)/.exec(child.stderr)?.[1]) / 1e3);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const IMPORT_COST = `
for (const p of ['drizzle-orm', 'drizzle-orm/pg-core', 'drizzle-orm/postgres-js', 'postgres']) await import(p);
const [t0, c0] = [process.hrtime.bigint(), process.cpuUsage()];
await import('drizzle-shard');
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1e3 }));`;

/** Median wall and CPU milliseconds of `import 'drizzle-shard'` after its peers are loaded. */
function importMs() {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_COST], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`import drizzle-shard failed: ${child.stderr}`);
    samples.push(JSON.parse(child.stdout));
  }
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) };
}

function duBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? duBytes(full) : statSync(full).size;
  }
  return total;
}

const ms = ({ wall, cpu }) => `${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU`;
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const bin = path.join('node_modules', '@drizzle-shard', 'cli', 'dist', 'bin.mjs');
const figures = {
  nodeBaseline: processMs(['-e', '0']),
  help: processMs([bin, '--help']),
  importDrizzleShard: importMs(),
  runtimeBytes: duBytes('node_modules/drizzle-shard'),
  peersBytes: duBytes('node_modules/drizzle-orm') + duBytes('node_modules/postgres'),
};
console.log(`medians of ${RUNS} processes, Node ${process.version}`);
console.log(`  node -e 0 (baseline)                    ${ms(figures.nodeBaseline)}`);
console.log(`  drizzle-shard --help                    ${ms(figures.help)}`);
console.log(`  import 'drizzle-shard' after its peers  ${ms(figures.importDrizzleShard)}`);
console.log(`  drizzle-shard installed, no dependencies ${kib(figures.runtimeBytes)}`);
console.log(`  its peers drizzle-orm + postgres        ${kib(figures.peersBytes)}`);
if (process.env.BENCH_JSON) console.log(JSON.stringify(figures));
