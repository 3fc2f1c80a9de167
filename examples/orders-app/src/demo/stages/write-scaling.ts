import { runSql, startCluster } from '@drizzle-shard/testing';
import { shardedDrizzle } from 'drizzle-shard';
import { DDL, orders, schema } from '../../schema.ts';
import type { StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';

const WRITERS = 16;

/** Single-row order inserts from `WRITERS` concurrent clients for `seconds`, spread over users. */
async function writesPerSecond(shards: number, seconds: number): Promise<number> {
  const cluster = await startCluster({
    shards,
    settings: { shared_buffers: '32MB', synchronous_commit: 'on' },
  });
  const db = shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
    pool: { max: Math.ceil(WRITERS / shards) + 1, onnotice: () => {} },
  });
  try {
    for (const s of cluster.shards) await runSql(s.primary.url, DDL);
    let next = 0;
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (Date.now() < deadline) {
          const id = ++next;
          await db.insert(orders).values({ id, userId: id % 10_000, status: 'new', total: '1.00' });
        }
      }),
    );
    return next / seconds;
  } finally {
    await db.close();
    await cluster.destroy();
  }
}

/** Stage 6: the same write load on one primary, then on four shards. */
export async function writeScalingStage(scale: DemoScale): Promise<StageResult> {
  const one = await writesPerSecond(1, scale.writeSeconds);
  const four = await writesPerSecond(4, scale.writeSeconds);
  const ratio = four / one;
  return {
    stage: '6. Sharding',
    rows: [
      [`inserts/s (${WRITERS} writers)`, `1 primary: ${Math.round(one)}`, `4 shards: ${Math.round(four)}`],
      ['ratio', '1.00×', `${ratio.toFixed(2)}×`],
      ['note', '', 'all servers share this machine’s cores (no per-server CPU quota yet)'],
    ],
    summary: {
      metric: 'write throughput',
      before: `${Math.round(one)}/s`,
      after: `${Math.round(four)}/s (${ratio.toFixed(2)}×)`,
    },
  };
}
