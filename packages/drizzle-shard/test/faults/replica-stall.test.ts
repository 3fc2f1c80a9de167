import type { Cluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShardedDatabase } from '../../src/index.ts';
import { replicatedDb, startReplicatedCluster, waitForReplicas } from '../support/replicated-fleet.ts';
import { type schema, users } from '../support/schema.ts';
import { countError, faultCounts, reportFaults, settle } from './fault-counts.ts';

// A replica's server stops while its PgBouncer keeps accepting: reads sent there wait in
// PgBouncer's queue for a server that is gone (up to its query_wait_timeout, 10 s in the kit).
// With the default read options, 8 readers lose no read and none waits 2 s; the restarted
// replica is re-admitted once, not ejected again, and serves reads.

const USERS = 100;
const READERS = 8;
/** Each read's bound (a read past it counts as hung). */
const READ_BOUND_MS = 15_000;

describe('a replica stopped behind PgBouncer', () => {
  let cluster: Cluster;
  let db: ShardedDatabase<typeof schema>;

  beforeAll(async () => {
    cluster = await startReplicatedCluster(1);
    db = replicatedDb(cluster, 'pgbouncer', {
      replication: { stallTimeoutMs: Number(process.env.STALL ?? 250) },
    });
    await db
      .insert(users)
      .values(Array.from({ length: USERS }, (_, i) => ({ id: i + 1, email: `u${i}@x`, name: 'U' })));
    await waitForReplicas(cluster, db, USERS, '');
    await db.ready();
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.destroy();
  });

  it('8 readers: 0 failed reads, max read time under 2 s, re-admitted without flapping', async () => {
    const victim = cluster.shards[0]!.replicas[0]!;
    const events: Array<{ name: string; at: number; reason?: string }> = [];
    db.events.on('replica-ejected', (e) => {
      if (e.replica === 'shard0/replica1') events.push({ name: 'ejected', at: Date.now(), reason: e.reason });
    });
    db.events.on('replica-readmitted', (e) => {
      if (e.replica === 'shard0/replica1') events.push({ name: 'readmitted', at: Date.now() });
    });
    let running = true;
    const counts = faultCounts();
    let maxMs = 0;
    const readers = Array.from({ length: READERS }, async (_, w) => {
      for (let i = w; running && counts.attempts < 200_000; i += READERS) {
        const id = (i % USERS) + 1;
        const started = performance.now();
        const settled = await settle(counts, db.select().from(users).where(eq(users.id, id)), READ_BOUND_MS);
        maxMs = Math.max(maxMs, performance.now() - started);
        if ('value' in settled) {
          const rows = settled.value;
          if (rows.length === 1 && rows[0]!.id === id) counts.correct++;
          else counts.wrong++;
        } else if ('error' in settled) countError(counts, settled.error);
      }
    });
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await pause(500);
    await cluster.stop(victim);
    await pause(3000);
    const readsWhileDown = db.replicaStatus()[0]!.replicas[0]!.reads;
    const restartedAt = Date.now();
    await cluster.start(victim);
    for (let i = 0; i < 400 && !events.some((e) => e.name === 'readmitted' && e.at >= restartedAt); i++) {
      await pause(25);
    }
    await pause(2000);
    running = false;
    await Promise.all(readers);
    const afterRestart = events.filter((e) => e.at >= restartedAt);
    reportFaults(
      `replica stopped behind PgBouncer, ${READERS} readers (max read ${Math.round(maxMs)} ms)`,
      counts,
    );
    console.log(
      'replica1 events:',
      JSON.stringify(events.map((e) => [e.name, e.at - restartedAt, e.reason])),
    );
    expect(counts.attempts).toBeGreaterThan(READERS);
    expect(counts.correct).toBe(counts.attempts);
    expect(counts.wrong + counts.typed + counts.untyped + counts.hung).toBe(0);
    expect(maxMs).toBeLessThan(2000);
    expect(events[0]?.name).toBe('ejected');
    expect(afterRestart.map((e) => e.name)).toEqual(['readmitted']);
    expect(db.replicaStatus()[0]!.replicas[0]!.reads).toBeGreaterThan(readsWhileDown);
  });
});
