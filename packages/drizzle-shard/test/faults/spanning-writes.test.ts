import { runSql } from '@drizzle-shard/testing';
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError, shardedDrizzle } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { schema, users } from '../support/schema.ts';
import { countError, faultCounts, reportFaults, settle } from './fault-counts.ts';

// A write whose rows live on several shards commits on all of them or on none, whatever the
// fan-out policy says; the partial policy only ever applies to explicit allShards() reads.

describe('writes spanning shards are all-or-nothing', () => {
  let fleet: Fleet;
  let urls: string[];
  /** Ids 1..n grouped by owning shard. */
  const idsOn = (shard: number, n: number) => {
    const ids: number[] = [];
    for (let id = 1; ids.length < n; id++) if (fleet.db.shardMap.shardOf(id, 'int') === shard) ids.push(id);
    return ids;
  };
  const rowsOn = async (shard: number, ids: number[]) =>
    (
      await runSql<{ n: number }[]>(
        urls[shard]!,
        `select count(*)::int as n from users where id = any('{${ids.join(',')}}') and name <> 'old'`,
      )
    )[0]!.n;
  const faults = faultCounts();
  const expectTyped = async (work: () => Promise<unknown>, code: string) => {
    const settled = await settle(faults, work(), 20_000);
    if ('value' in settled) faults.wrong++;
    const error = 'error' in settled ? settled.error : undefined;
    if (error !== undefined) countError(faults, error);
    if (isDrizzleShardError(error, code as never)) faults.correct++;
    expect(isDrizzleShardError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return error as { details: Record<string, unknown>; message: string };
  };

  beforeAll(async () => {
    fleet = await startFleet(2, { fanout: { onShardError: 'partial' }, twoPhase: { stepTimeoutMs: 2000 } });
    urls = fleet.cluster.shards.map((s) => s.primary.url);
  });
  afterAll(() => fleet?.stop());

  it('with shard 1 down, a split insert, an inArray update and delete change nothing; reads fail or say partial', async () => {
    const [a, b] = [idsOn(0, 3), idsOn(1, 2)];
    const all = [...a, ...b];
    const row = (id: number) => ({ id, email: `${id}@x`, name: `user ${id}` });
    await fleet.db.insert(users).values(a.map((id) => ({ ...row(id), name: 'old' })));
    await fleet.cluster.stop(fleet.cluster.shards[1]!.primary);
    try {
      const insert = await expectTyped(
        () => fleet.db.insert(users).values(b.map(row).concat(idsOn(0, 6).slice(3).map(row))),
        'TWO_PHASE_COMMIT_FAILED',
      );
      expect(insert.details.outcome).toBe('rolled-back');
      expect(await rowsOn(0, idsOn(0, 6))).toBe(0);
      const update = await expectTyped(
        () => fleet.db.update(users).set({ name: 'new' }).where(inArray(users.id, all)),
        'TWO_PHASE_COMMIT_FAILED',
      );
      expect(update.details.outcome).toBe('rolled-back');
      expect(await rowsOn(0, a)).toBe(0);
      await expectTyped(
        () => fleet.db.delete(users).where(inArray(users.id, all)),
        'TWO_PHASE_COMMIT_FAILED',
      );
      expect(
        (
          await runSql<{ n: number }[]>(urls[0]!, 'select count(*)::int as n from users where name = $$old$$')
        )[0]!.n,
      ).toBe(a.length);
      // The config's partial policy does not make a routed read partial...
      await expectTyped(
        () => fleet.db.select().from(users).where(inArray(users.id, all)),
        'FANOUT_SHARD_FAILED',
      );
      // ...nor an explicit fan-out write...
      await expectTyped(
        () => fleet.db.allShards({ onShardError: 'partial' }).update(users).set({ name: 'new' }),
        'TWO_PHASE_COMMIT_FAILED',
      );
      expect(await rowsOn(0, a)).toBe(0);
      // ...and a count is one number, complete or refused, routed or fanned out, naming the shard.
      for (const counted of [
        () => fleet.db.allShards({ onShardError: 'partial' }).$count(users),
        () => fleet.db.$count(users, inArray(users.id, all)),
      ]) {
        const refused = await expectTyped(counted, 'FANOUT_SHARD_FAILED');
        expect(refused.details.shards).toEqual([1]);
        expect(refused.message).toMatch(/^Shard 1 failed .*\$count needs every shard/);
      }
      // An explicit partial fan-out read still answers, flagged.
      const partial = await fleet.db
        .allShards({ onShardError: 'partial' })
        .select({ n: count() })
        .from(users);
      expect(partial).toEqual([{ n: a.length }]);
    } finally {
      await fleet.cluster.start(fleet.cluster.shards[1]!.primary);
      reportFaults('writes and reads spanning shards with shard 1 down', faults);
    }
    await fleet.db.insert(users).values(b.map(row));
    await fleet.db.update(users).set({ name: 'new' }).where(inArray(users.id, all));
    expect([await rowsOn(0, a), await rowsOn(1, b)]).toEqual([a.length, b.length]);
    const deleted = await fleet.db.delete(users).where(inArray(users.id, all)).returning({ id: users.id });
    expect(deleted.map((r) => r.id).sort((x, y) => x - y)).toEqual(all.sort((x, y) => x - y));
    expect(await fleet.db.$count(users, eq(users.id, a[0]!))).toBe(0);
  });

  it('a split insert returns every shard’s rows and leaves no prepared transaction', async () => {
    const ids = [...idsOn(0, 2), ...idsOn(1, 2)];
    const db = shardedDrizzle({
      schema,
      shards: urls.map((primary) => ({ primary })),
      pool: { onnotice: () => {} },
    });
    try {
      const inserted = await db
        .insert(users)
        .values(ids.map((id) => ({ id, email: `${id}@y`, name: 'split' })))
        .returning({ id: users.id });
      expect(inserted.map((r) => r.id).sort((x, y) => x - y)).toEqual(ids.sort((x, y) => x - y));
      for (const url of urls) {
        const [p] = await runSql<{ n: number }[]>(url, 'select count(*)::int as n from pg_prepared_xacts');
        expect(p!.n).toBe(0);
      }
    } finally {
      await db.close();
    }
  });
});
