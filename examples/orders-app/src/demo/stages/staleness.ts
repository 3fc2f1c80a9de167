import type { Cluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import type { ShardedDatabase } from 'drizzle-shard';
import { type schema, users } from '../../schema.ts';
import type { StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';
import { DEMO_USERS, openDb } from './replicas.ts';

const LAG_MS = 1_000;

/** The seed's bug: change a password, read the profile at once; counts reads that show the old one. */
async function staleReads(
  db: ShardedDatabase<typeof schema>,
  trials: number,
  useSession: boolean,
  tag: string,
) {
  let stale = 0;
  for (let i = 0; i < trials; i++) {
    const id = ((i * 31) % DEMO_USERS) + 1;
    const passwordHash = `${tag}-${i}`;
    const trial = async () => {
      await db.update(users).set({ passwordHash }).where(eq(users.id, id));
      const [row] = await db.select().from(users).where(eq(users.id, id));
      if (row?.passwordHash !== passwordHash) stale++;
    };
    if (useSession) await db.startSession({ key: id }).run(trial);
    else await trial();
  }
  return stale;
}

/** Stage 3: replicas replaying 1 s behind; naive routing, then the seed's window, then LSN tokens. */
export async function stalenessStage(cluster: Cluster, scale: DemoScale): Promise<StageResult> {
  for (const shard of cluster.shards) for (const r of shard.replicas) await cluster.setReplayDelay(r, LAG_MS);
  const run = async (mode: 'naive' | 'window' | 'lsn') => {
    const db = openDb(cluster, true, {
      consistency: mode === 'window' ? { mode: 'window', windowMs: 2 * LAG_MS } : { mode: 'lsn' },
    });
    await db.ready();
    const stale = await staleReads(db, scale.staleTrials, mode !== 'naive', mode);
    await db.close();
    return stale;
  };
  const naive = await run('naive');
  const window = await run('window');
  const lsn = await run('lsn');
  for (const shard of cluster.shards) for (const r of shard.replicas) await cluster.setReplayDelay(r, 0);
  return {
    stage: '3. Read-your-writes',
    rows: [
      [
        `stale reads of ${scale.staleTrials} (replicas ${LAG_MS} ms behind)`,
        `naive: ${naive}`,
        `window: ${window}, lsn: ${lsn}`,
      ],
    ],
    summary: {
      metric: 'stale reads after a write',
      before: String(naive),
      after: String(Math.max(window, lsn)),
    },
  };
}
