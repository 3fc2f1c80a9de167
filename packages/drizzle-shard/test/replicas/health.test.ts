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

const USERS = 200;
const INTERVAL_MS = 100;
const TIMEOUT_MS = 500;

/** One request of a 95/5 read/write mix, as a user's own session. */
async function request(db: ShardedDatabase<typeof schema>, i: number): Promise<void> {
  const id = ((i * 7919) % USERS) + 1;
  await db.startSession({ key: id }).run(async () => {
    if (i % 20 === 0)
      await db
        .update(users)
        .set({ name: `n${i}` })
        .where(eq(users.id, id));
    else await db.select().from(users).where(eq(users.id, id));
  });
}

function totalReads(db: ShardedDatabase<typeof schema>): number {
  return db.replicaStatus().reduce((n, s) => n + s.primaryReads, 0) + replicaReads(db);
}

describe.each(CONNECTIONS)('replica health and spread (%s)', (connection) => {
  let cluster: Cluster;
  let db: ShardedDatabase<typeof schema>;

  beforeAll(async () => {
    cluster = await startReplicatedCluster(1);
    db = replicatedDb(cluster, connection, {
      replication: { monitorIntervalMs: INTERVAL_MS, healthTimeoutMs: TIMEOUT_MS, readTimeoutMs: 2000 },
    });
    await db
      .insert(users)
      .values(
        Array.from({ length: USERS }, (_, i) => ({ id: i + 1, email: `u${i}@x`, name: 'U', password: '' })),
      );
    await waitForReplicas(cluster, db, USERS, '');
    await db.ready();
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.destroy();
  });

  it('with a 95/5 read/write mix and low lag, at least 90% of reads are served by replicas', async () => {
    const [reads0, replica0] = [totalReads(db), replicaReads(db)];
    for (let i = 0; i < 2000; i++) await request(db, i);
    const reads = totalReads(db) - reads0;
    expect(reads).toBe(1900);
    const share = (replicaReads(db) - replica0) / reads;
    expect(share).toBeGreaterThanOrEqual(0.9);
    // Both replicas take reads (round-robin).
    for (const r of db.replicaStatus()[0]!.replicas) expect(r.reads).toBeGreaterThan(300);
  });

  it('a replica stopped mid-run is ejected in time, no request fails, and it is re-admitted after restart', async () => {
    const victim = cluster.shards[0]!.replicas[0]!;
    const events: { name: string; at: number; replica: string }[] = [];
    db.events.on('replica-ejected', (e) =>
      events.push({ name: 'ejected', at: Date.now(), replica: e.replica }),
    );
    db.events.on('replica-readmitted', (e) =>
      events.push({ name: 'readmitted', at: Date.now(), replica: e.replica }),
    );
    let running = true;
    let failures = 0;
    let done = 0;
    const workers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; running; i += 4) {
        await request(db, i).catch(() => failures++);
        done++;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stoppedAt = Date.now();
    await cluster.stop(victim);
    const waitFor = async (name: string) => {
      for (
        let i = 0;
        i < 300 && !events.some((e) => e.name === name && e.replica === 'shard0/replica1');
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events.find((e) => e.name === name && e.replica === 'shard0/replica1');
    };
    const ejected = await waitFor('ejected');
    expect(ejected, 'no ejection event').toBeDefined();
    expect(ejected!.at - stoppedAt).toBeLessThanOrEqual(INTERVAL_MS + TIMEOUT_MS + 500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(db.replicaStatus()[0]!.replicas[0]!.healthy).toBe(false);
    const readsWhileDown = db.replicaStatus()[0]!.replicas[0]!.reads;
    await cluster.start(victim);
    const readmitted = await waitFor('readmitted');
    expect(readmitted, 'no re-admission event').toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await Promise.all(workers);
    expect(failures).toBe(0);
    expect(done).toBeGreaterThan(200);
    expect(db.replicaStatus()[0]!.replicas[0]!.reads).toBeGreaterThan(readsWhileDown);
  });
});
