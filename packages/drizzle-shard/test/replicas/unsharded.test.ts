import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { eq, sql } from 'drizzle-orm';
import { pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/consistency/token.ts';
import { replicatedDrizzle, type ShardedDatabase } from '../../src/index.ts';
import { CONNECTIONS, shardsOf, TOKEN_KEYS } from '../support/replicated-fleet.ts';

const profiles = pgTable('profiles', { id: text('id').primaryKey(), bio: text('bio').notNull() });
const schema = { profiles };
const inRecovery = sql<boolean>`pg_is_in_recovery()`;

describe.each(CONNECTIONS)(
  'replicatedDrizzle: one database with a replica, %s (drop-in for withReplicas)',
  (connection) => {
    let cluster: Cluster;
    let db: ShardedDatabase<typeof schema>;
    const rejected: string[] = [];

    beforeAll(async () => {
      cluster = await startCluster({ shards: 1, replicas: 1, pgbouncer: true });
      await runSql(
        cluster.shards[0]!.primary.url,
        'create table profiles (id text primary key, bio text not null)',
      );
      const [nodes] = shardsOf(cluster, connection);
      db = replicatedDrizzle({
        schema,
        primary: nodes!.primary,
        replicas: nodes!.replicas,
        tokens: { keys: TOKEN_KEYS },
        replication: { monitorIntervalMs: 100 },
        pool: { max: 3, onnotice: () => {} },
      });
      db.events.on('token-rejected', (e) => rejected.push(e.code));
      await db.insert(profiles).values({ id: 'a', bio: 'v0' });
      await db.ready(); // from here plain reads go to the replica: wait until it has the row
      for (let i = 0; ; i++) {
        const rows = await db
          .select()
          .from(profiles)
          .catch(() => []);
        if (rows.length === 1) break;
        if (i > 200) throw new Error('replica never caught up');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });
    afterAll(async () => {
      await db?.close();
      await cluster?.destroy();
    });

    it('plain reads go to the replica; FOR UPDATE, raw SQL and transactions to the primary', async () => {
      const [read] = await db.select({ replica: inRecovery }).from(profiles).limit(1);
      expect(read!.replica).toBe(true);
      const [locked] = await db.select({ replica: inRecovery }).from(profiles).limit(1).for('update');
      expect(locked!.replica).toBe(false);
      const raw = await db.execute(sql`select pg_is_in_recovery() as replica`);
      expect(raw[0]!.replica).toBe(false);
      const inTx = await db.transaction(async (tx) => {
        await tx.update(profiles).set({ bio: 'v1' }).where(eq(profiles.id, 'a'));
        return tx.select({ replica: inRecovery, bio: profiles.bio }).from(profiles);
      });
      expect(inTx).toEqual([{ replica: false, bio: 'v1' }]);
    });

    describe('with the replica 2 s behind', () => {
      beforeAll(async () => {
        await cluster.setReplayDelay(cluster.shards[0]!.replicas[0]!, 2000);
      });

      async function writeThenRead(token: string | null, bio: string) {
        await db.update(profiles).set({ bio }).where(eq(profiles.id, 'a'));
        const before = db.replicaStatus()[0]!;
        const [row] = await db.startSession({ token }).run(() => db.select().from(profiles));
        const after = db.replicaStatus()[0]!;
        return { bio: row!.bio, onPrimary: after.primaryReads > before.primaryReads };
      }

      it('a genuine token reads its write; forged, truncated and foreign tokens downgrade to the primary', async () => {
        const session = db.startSession();
        await session.run(() => db.update(profiles).set({ bio: 'genuine' }).where(eq(profiles.id, 'a')));
        const genuine = session.token();
        expect(await db.startSession({ token: genuine }).run(() => db.select().from(profiles))).toEqual([
          { id: 'a', bio: 'genuine' },
        ]);

        const [payload, keyId, signature] = genuine.split('.') as [string, string, string];
        const forged = `${payload}.${keyId}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
        expect(await writeThenRead(forged, 'after-forged')).toEqual({ bio: 'after-forged', onPrimary: true });
        expect(await writeThenRead(genuine.slice(0, 20), 'after-truncated')).toEqual({
          bio: 'after-truncated',
          onPrimary: true,
        });
        // Signed with our key, but the write was made on another cluster (e.g. before a failover).
        const foreign = signToken(
          [{ shard: 0, systemId: '1', timeline: 1, lsn: '0/1', at: Date.now() }],
          TOKEN_KEYS[0]!,
        );
        expect(await writeThenRead(foreign, 'after-foreign')).toEqual({
          bio: 'after-foreign',
          onPrimary: true,
        });
        expect(rejected).toEqual(['bad-signature', 'malformed', 'foreign-cluster']);
      });

      it('an expired token is ignored (its writes are older than any usable lag); throw mode raises a typed error', async () => {
        const old = signToken([], TOKEN_KEYS[0]!, Date.now() - 2 * 3_600_000);
        const result = await writeThenRead(old, 'after-expired');
        expect(result.onPrimary).toBe(false); // no requirement: the lagging replica answers…
        expect(result.bio).not.toBe('after-expired'); // …with its older row, as any session-less read would
        expect(rejected.at(-1)).toBe('expired');

        const strict = replicatedDrizzle({
          schema,
          primary: cluster.shards[0]!.primary.url,
          tokens: { keys: TOKEN_KEYS, onInvalid: 'throw' },
        });
        try {
          expect(() => strict.startSession({ token: 'garbage' })).toThrow(
            expect.objectContaining({ code: 'CONSISTENCY_TOKEN_INVALID' }),
          );
        } finally {
          await strict.close();
        }
      });
    });
  },
);
