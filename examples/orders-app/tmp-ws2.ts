import { runSql } from '@drizzle-shard/testing';
import { shardedDrizzle } from 'drizzle-shard';
import { fixedSizeCluster } from './src/demo/stages/write-scaling.ts';
import { DDL, orders, schema } from './src/schema.ts';

const cpus = Number(process.argv[2] ?? 0.15);
const writers = Number(process.argv[3] ?? 32);
const conns = Number(process.argv[4] ?? 4);
const pipe = Number(process.argv[5] ?? 1);
const seconds = 5;
async function rate(shards: number) {
  const { cluster } = await fixedSizeCluster(shards, cpus);
  const db = shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
    pool: { max: conns, max_pipeline: pipe, onnotice: () => {} } as never,
  });
  try {
    for (const s of cluster.shards) await runSql(s.primary.url, DDL);
    let next = 0;
    let deadline = Date.now() + 1000;
    const run = () =>
      Promise.all(
        Array.from({ length: writers }, async () => {
          while (Date.now() < deadline) {
            const id = ++next;
            await db.insert(orders).values({ id, userId: id % 10_000, status: 'new', total: '1.00' });
          }
        }),
      );
    await run();
    const start = next;
    deadline = Date.now() + seconds * 1000;
    const cpu = process.cpuUsage();
    await run();
    const c = process.cpuUsage(cpu);
    return { rate: (next - start) / seconds, client: (c.user + c.system) / 1e6 / seconds };
  } finally {
    await db.close();
    await cluster.destroy();
  }
}
const r: string[] = [];
for (let i = 0; i < 2; i++) {
  const one = await rate(1);
  const four = await rate(4);
  r.push(
    `${Math.round(one.rate)}→${Math.round(four.rate)} (${(four.rate / one.rate).toFixed(2)}×, client ${four.client.toFixed(2)})`,
  );
}
console.log(`cpus ${cpus} writers ${writers} conns ${conns} pipeline ${pipe}: ${r.join('; ')}`);
process.exit(0);
