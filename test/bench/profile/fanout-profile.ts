// `pnpm tsx test/bench/profile/fanout-profile.ts [--rows N] [--ops N] [--out DIR]`: where the
// client CPU of a fan-out goes. Starts a kit cluster (one plain database, fleets of 2 and 4
// shards, the bench's orders), then profiles `ORDER BY created_at DESC LIMIT 20` through plain
// drizzle on one database and over 4 shards, one query at a time, and prints per op the self
// time by area and the top functions. The .cpuprofile files (DIR, default bench/profiles) open
// in Chrome DevTools.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { desc } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { orders, type schema } from '../../../examples/orders-app/src/schema.ts';
import { startFanoutFleets } from '../suites/fanout-fleets.ts';
import { profiled, type TimeShare, timeShares } from './cpu-profile.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    ops: { type: 'string', default: '3000' },
    out: { type: 'string', default: 'bench/profiles' },
  },
});
const ops = Number(values.ops);

const top20 = (db: PostgresJsDatabase<typeof schema>) =>
  db.select().from(orders).orderBy(desc(orders.createdAt)).limit(20);

const perOp = (shares: readonly TimeShare[], n: number) =>
  shares
    .slice(0, n)
    .map((s) => `  ${((s.ms * 1000) / ops).toFixed(1).padStart(7)} µs  ${s.name}`)
    .join('\n');

async function profile(name: string, db: PostgresJsDatabase<typeof schema>) {
  for (let i = 0; i < 500; i++) await top20(db);
  const cpu = process.cpuUsage();
  const result = await profiled(async () => {
    for (let i = 0; i < ops; i++) await top20(db);
  });
  const used = process.cpuUsage(cpu);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(path.join(values.out, `${name}.cpuprofile`), JSON.stringify(result));
  const shares = timeShares(result);
  const busy = shares.areas.filter((a) => a.name !== '(idle)');
  console.log(
    `\n== ${name}: ${((used.user + used.system) / ops).toFixed(1)} µs client CPU/op (process.cpuUsage), ${((busy.reduce((t, a) => t + a.ms, 0) * 1000) / ops).toFixed(1)} µs/op sampled busy`,
  );
  console.log(`self time by area, per op:\n${perOp(shares.areas, 14)}`);
  console.log(`top self time, per op:\n${perOp(shares.self, 25)}`);
  const ours = shares.total.filter((s) => s.name.includes('drizzle-shard/src/'));
  console.log(`drizzle-shard functions by total time (self + callees), per op:\n${perOp(ours, 25)}`);
}

const fleets = await startFanoutFleets(Number(values.rows));
try {
  await profile('plain-drizzle-one-database', fleets.plain);
  await profile('allshards-4-shards', fleets.four.allShards());
} finally {
  await fleets.close();
}
