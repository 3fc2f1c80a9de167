import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Cluster } from '@drizzle-shard/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShardedDatabase, ShardReplicaStatus } from '../../src/index.ts';
import {
  CONNECTIONS,
  replicatedDb,
  shardsOf,
  startReplicatedCluster,
  waitForReplicas,
} from '../support/replicated-fleet.ts';
import { type schema, users } from '../support/schema.ts';

const USERS = 20;
const TRIALS = 1000;

describe.each(CONNECTIONS)('a token carries read-your-writes to another process (%s)', (connection) => {
  let cluster: Cluster;
  let db: ShardedDatabase<typeof schema>;

  beforeAll(async () => {
    cluster = await startReplicatedCluster(2);
    db = replicatedDb(cluster, connection);
    await db
      .insert(users)
      .values(
        Array.from({ length: USERS }, (_, i) => ({ id: i + 1, email: `u${i}@x`, name: 'U', password: '' })),
      );
    for (const id of [1, 2, USERS]) await waitForReplicas(cluster, db, id, '');
    for (const shard of cluster.shards) for (const r of shard.replicas) await cluster.setReplayDelay(r, 2000);
    await db.ready();
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.destroy();
  });

  it('the second instance reads every write: 0 stale reads in 1,000 trials', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, '../fixtures/token-reader.ts'),
        JSON.stringify(shardsOf(cluster, connection)),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => JSON.parse(((await lines.next()).value as string) ?? 'null');
    expect(await next()).toEqual({ ready: true });
    let stale = 0;
    let naiveStale = 0;
    for (let i = 0; i < TRIALS; i++) {
      const id = (i % USERS) + 1;
      const password = `x-${i}`;
      // A fresh session per request (no in-process memory): only the token links the two.
      const session = db.startSession();
      await session.run(() => db.update(users).set({ password }).where(eq(users.id, id)));
      child.stdin!.write(`${JSON.stringify({ id, token: session.token(), expected: password })}\n`);
      const answer = await next();
      if (!answer.fresh) stale++;
      if (!answer.naiveFresh) naiveStale++;
    }
    child.stdin!.end();
    const { status } = (await next()) as { status: ShardReplicaStatus[] };
    await new Promise((resolve) => child.once('exit', resolve));
    expect(stale).toBe(0);
    // The control: the same read without the token is stale (the lag is real)…
    expect(naiveStale).toBeGreaterThan(TRIALS / 2);
    // …and the token reads were answered by primaries while replicas lagged.
    expect(status.reduce((n, s) => n + s.consistencyReads, 0)).toBeGreaterThan(TRIALS / 2);
  });
});
