import type { Cluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShardedDatabase } from '../../src/index.ts';
import {
  CONNECTIONS,
  replicaReads,
  replicatedDb,
  startReplicatedCluster,
  waitForReplicas,
} from '../support/replicated-fleet.ts';
import { type schema, users } from '../support/schema.ts';

const USERS = 40;
const TRIALS = 1000;
const LAG_MS = 2000;

/**
 * The seed's scenario: a user changes their password, then reads their profile at once and
 * again, while every replica replays 2 s behind. The session must never show the old password.
 */
async function passwordTrials(db: ShardedDatabase<typeof schema>, tag: string) {
  let stale = 0;
  let reads = 0;
  for (let i = 0; i < TRIALS; i++) {
    const id = (i % USERS) + 1;
    const password = `${tag}-${i}`;
    const session = db.startSession({ key: id });
    await session.run(async () => {
      await db.update(users).set({ password }).where(eq(users.id, id));
      for (let r = 0; r < 3; r++) {
        const [row] = await db.select().from(users).where(eq(users.id, id));
        reads++;
        if (row?.password !== password) stale++;
      }
    });
  }
  return { stale, reads };
}

/** Reads `id` through a session every 50 ms until a replica serves it; returns how long that took. */
async function msUntilReplicaServes(db: ShardedDatabase<typeof schema>, id: number, expected: string) {
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    const before = replicaReads(db);
    const [row] = await db
      .startSession({ key: id })
      .run(() => db.select().from(users).where(eq(users.id, id)));
    expect(row?.password).toBe(expected);
    if (replicaReads(db) > before) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('reads never returned to a replica');
}

describe.each(CONNECTIONS)('read-your-writes with replicas %s 2 s behind', (connection) => {
  let cluster: Cluster;
  let lsnDb: ShardedDatabase<typeof schema>;
  let windowDb: ShardedDatabase<typeof schema>;

  beforeAll(async () => {
    cluster = await startReplicatedCluster(2);
    lsnDb = replicatedDb(cluster, connection);
    windowDb = replicatedDb(cluster, connection, { consistency: { mode: 'window', windowMs: 3000 } });
    await lsnDb.insert(users).values(
      Array.from({ length: USERS }, (_, i) => ({
        id: i + 1,
        email: `u${i + 1}@x`,
        name: `U${i + 1}`,
        password: '',
      })),
    );
    for (const id of [1, 2, 3, USERS]) await waitForReplicas(cluster, lsnDb, id, '');
    for (const shard of cluster.shards)
      for (const r of shard.replicas) await cluster.setReplayDelay(r, LAG_MS);
    await Promise.all([lsnDb.ready(), windowDb.ready()]);
  });
  afterAll(async () => {
    await lsnDb?.close();
    await windowDb?.close();
    await cluster?.destroy();
  });

  it('control: without a session, a read right after the write is stale (the lag is real)', async () => {
    let stale = 0;
    for (let i = 0; i < 20; i++) {
      await lsnDb
        .update(users)
        .set({ password: `naive-${i}` })
        .where(eq(users.id, 1));
      const [row] = await lsnDb.select().from(users).where(eq(users.id, 1));
      if (row?.password !== `naive-${i}`) stale++;
    }
    expect(stale).toBeGreaterThan(15);
  });

  it('lsn mode: 0 stale reads in 1,000 trials; reads return to replicas once they replay the write', async () => {
    const { stale, reads } = await passwordTrials(lsnDb, 'lsn');
    expect(reads).toBe(3 * TRIALS);
    expect(stale).toBe(0);
    const consistencyReads = lsnDb.replicaStatus().reduce((n, s) => n + s.consistencyReads, 0);
    expect(consistencyReads).toBeGreaterThan(0);
    // The last user written: its reads go back to replicas about LAG_MS after the write, not 10 s.
    const last = ((TRIALS - 1) % USERS) + 1;
    const waited = await msUntilReplicaServes(lsnDb, last, `lsn-${TRIALS - 1}`);
    expect(waited).toBeLessThan(LAG_MS + 1500);
  });

  it('window mode: 0 stale reads in 1,000 trials; reads return to replicas after the window', async () => {
    const { stale } = await passwordTrials(windowDb, 'window');
    expect(stale).toBe(0);
    const last = ((TRIALS - 1) % USERS) + 1;
    const beforeWindow = replicaReads(windowDb);
    await windowDb
      .startSession({ key: last })
      .run(() => windowDb.select().from(users).where(eq(users.id, last)));
    expect(replicaReads(windowDb)).toBe(beforeWindow); // inside the window: primary
    const waited = await msUntilReplicaServes(windowDb, last, `window-${TRIALS - 1}`);
    expect(waited).toBeGreaterThan(1000); // the window (3 s from the write) had to pass
  });
});
