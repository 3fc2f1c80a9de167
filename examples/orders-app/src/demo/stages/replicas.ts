import type { Cluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { type ShardedDatabase, shardedDrizzle } from 'drizzle-shard';
import { schema, users } from '../../schema.ts';
import { pct, type StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';

export const DEMO_USERS = 1_000;

/** A 95/5 read/write mix of users' requests, each in its own read-your-writes session. */
export async function requestMix(db: ShardedDatabase<typeof schema>, requests: number): Promise<number> {
  let reads = 0;
  for (let i = 0; i < requests; i++) {
    const id = ((i * 7919) % DEMO_USERS) + 1;
    await db.startSession({ key: id }).run(async () => {
      if (i % 20 === 0)
        await db
          .update(users)
          .set({ name: `User ${id} (${i})` })
          .where(eq(users.id, id));
      else {
        await db.select().from(users).where(eq(users.id, id));
        reads++;
      }
    });
  }
  return reads;
}

export function openDb(
  cluster: Cluster,
  withReplicas: boolean,
  options: Parameters<typeof shardedDrizzle>[0] extends infer C ? Partial<C> : never = {},
) {
  return shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({
      primary: s.primary.url,
      replicas: withReplicas ? s.replicas.map((r) => r.url) : [],
    })),
    pool: { max: 4, onnotice: () => {} },
    replication: { monitorIntervalMs: 100 },
    tokens: { keys: [{ id: 'demo', secret: 'demo-secret-not-for-production!' }] },
    ...options,
  } as Parameters<typeof shardedDrizzle<typeof schema>>[0]);
}

/** Stage 2: the same request mix on primaries only, then with each shard's two replicas. */
export async function replicaStage(cluster: Cluster, scale: DemoScale): Promise<StageResult> {
  const primariesOnly = openDb(cluster, false);
  const readsBefore = await requestMix(primariesOnly, scale.mixRequests);
  await primariesOnly.close();

  const replicated = openDb(cluster, true);
  await replicated.ready();
  const reads = await requestMix(replicated, scale.mixRequests);
  const status = replicated.replicaStatus();
  await replicated.close();
  const onReplicas = status.reduce((n, s) => n + s.replicas.reduce((m, r) => m + r.reads, 0), 0);
  const onPrimaries = reads - onReplicas;
  const perNode = status.flatMap((s) =>
    s.replicas.map((r) => [`  reads on ${r.name}`, '0%', pct(r.reads, reads)] as const),
  );
  return {
    stage: '2. Read replicas',
    rows: [
      ['reads (95/5 mix)', String(readsBefore), String(reads)],
      ['reads on primaries', '100%', pct(onPrimaries, reads)],
      ...perNode,
    ],
    summary: { metric: 'reads on primaries', before: '100%', after: pct(onPrimaries, reads) },
  };
}
