// Run by memory-table.ts in a child process of its own, so each read starts from the same
// resident memory: reads `rows` orders from a 4-shard fleet, then prints one JSON line of figures.
import { desc } from 'drizzle-orm';
import { keysetPage, shardedDrizzle } from 'drizzle-shard';
import { orders, schema } from '../../../examples/orders-app/src/schema.ts';
import { POOL } from '../harness/in-flight.ts';
import type { ReadFigures, ReadJob } from './read-job.ts';

const ORDER = { createdAt: 'desc', userId: 'asc', id: 'asc' } as const;
const MB = 1e6;

async function main(job: ReadJob): Promise<ReadFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const db = shardedDrizzle({ schema, shards: job.urls.map((primary) => ({ primary })), pool: POOL });
  try {
    // Connections to every shard and the code paths warm before the baseline is taken.
    await keysetPage(db.allShards(), { from: orders, orderBy: ORDER, limit: 10 });
    gc();
    gc();
    const startRss = process.memoryUsage.rss();
    let peak = startRss;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage.rss());
    };
    const sampler = setInterval(sample, 2);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    let read = 0;
    if (job.mode === 'paged') {
      let after: string | null = null;
      do {
        const page: { rows: unknown[]; nextCursor: string | null } = await keysetPage(db.allShards(), {
          from: orders,
          orderBy: ORDER,
          limit: job.pageSize,
          after,
        });
        read += page.rows.length;
        after = page.nextCursor;
        sample();
      } while (after && read < job.rows);
    } else {
      const all = await db.allShards().select().from(orders).orderBy(desc(orders.createdAt)).limit(job.rows);
      read = all.length;
      sample();
    }
    const wallUs = Number(process.hrtime.bigint() - started) / 1000;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    if (read !== job.rows) throw new Error(`read ${read} rows, expected ${job.rows}`);
    return {
      rows: read,
      wallUs,
      cpuUs: used.user + used.system,
      startRssMb: startRss / MB,
      peakRssMb: peak / MB,
    };
  } finally {
    await db.close();
  }
}

main(JSON.parse(process.argv[2]!) as ReadJob).then(
  (figures) => console.log(JSON.stringify(figures)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
