import { inspect } from 'node:util';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isDrizzleShardError, shardedDrizzle } from '../../src/index.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { countries, orders, schema, users } from '../support/schema.ts';
import { countError, faultCounts, reportFaults, settle } from './fault-counts.ts';

// No password and no parameter value appears in an error's message, its causes, or what
// util.inspect (so most loggers) prints of it, over fuzzed malformed URLs and failing
// statements; server notices go to db.events, not to stdout.

const PASSWORD = 'Pw-7xQ9zz';

/** mulberry32, seeded so a failure replays. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const MUTATIONS: Array<(url: string, r: () => number) => string> = [
  (u) => u.replace('127.0.0.1', '[::1'),
  (u) => u.replace(':1/', ':99999/'),
  (u) => u.replace(':1/', ':port/'),
  (u) => u.replace('postgres://', 'http://'),
  (u) => u.replace('postgres://', ''),
  (u) => u.replace('@', ' @ '),
  (u) => u.replace('/a', '/%zz'),
  (u) => u.replace('127.0.0.1', 'exa mple'),
  (u) => u.replace('app:', 'app:%:'),
  (u) => `${u} ${u}`,
  (u) => u.replace('@', '@@'),
  (u, r) => u.slice(0, Math.floor(r() * u.length)),
  (u, r) => {
    const i = Math.floor(r() * u.length);
    return u.slice(0, i) + String.fromCharCode(Math.floor(r() * 128)) + u.slice(i);
  },
];

function leaks(error: unknown, secrets: readonly string[]): boolean {
  const shown = `${inspect(error, { depth: 8 })}\n${String((error as Error)?.message)}\n${JSON.stringify(error)}`;
  return secrets.some((s) => shown.includes(s));
}

describe('no secrets in errors', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet(2);
  });
  afterAll(() => fleet?.stop());

  it('fuzzed malformed URLs: typed errors or refused connections, never the password', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
    const random = prng(seed);
    const counts = { ...faultCounts(), refused: 0 };
    const base = `postgres://app:${PASSWORD}@127.0.0.1:1/a`;
    for (let i = 0; i < 200; i++) {
      const url = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!(base, random);
      counts.attempts++;
      let error: unknown;
      try {
        const db = shardedDrizzle({ schema, shards: [{ primary: url }], pool: { connect_timeout: 1 } });
        // Only loopback addresses are dialled (a name would wait on DNS); nothing listens on their port.
        if (/@127\.0\.0\.1:\d+\//.test(url)) {
          error = await db
            .select()
            .from(users)
            .where(eq(users.id, 1))
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          counts.refused++;
          if (error) counts.correct++;
          else counts.wrong++;
        }
        await db.close({ timeout: 0 });
      } catch (e) {
        error = e;
        countError(counts, e);
        if (isDrizzleShardError(e, 'CONFIG_INVALID')) counts.correct++;
      }
      if (error !== undefined && leaks(error, [PASSWORD])) {
        counts.leaked++;
        console.log('leaked by', JSON.stringify(url), inspect(error));
      }
    }
    reportFaults(`malformed URLs (seed ${seed})`, counts);
    expect(counts.leaked).toBe(0);
    expect(counts.untyped).toBe(0);
    expect(counts.wrong).toBe(0);
    expect(counts.typed).toBeGreaterThan(0);
  });

  it('failing statements: no parameter value in messages, causes or inspect output', async () => {
    const { db } = fleet;
    const mark = (n: number) => `Sv-${n}-${Math.random().toString(36).slice(2, 8)}`;
    const ids = [1001, 1002, 1003, 1004, 1005];
    await db.insert(users).values(ids.map((id) => ({ id, email: `${id}@x`, name: 'seed' })));
    await db.insert(countries).values({ code: 'QQ', name: 'seed' });
    const failing: Array<(m: string) => Promise<unknown>> = [
      // duplicate keys: split over shards, one shard, and a reference table
      (m) => db.insert(users).values(ids.map((id) => ({ id, email: m, name: m }))),
      (m) => db.insert(users).values({ id: 1001, email: m, name: m }),
      (m) => db.insert(countries).values({ code: 'QQ', name: m }),
      // values the server refuses, quoted in its message
      (m) =>
        db
          .insert(orders)
          .values({ id: 1, userId: 1001, status: m, total: m, qty: 1, createdAt: '2026-01-01' }),
      (m) =>
        db
          .insert(orders)
          .values({ id: 1, userId: 1001, status: 's', total: '1', qty: m as never, createdAt: m }),
      (m) =>
        db
          .allShards()
          .update(users)
          .set({ name: m, email: sql`(${m})::int::text` }),
      (m) =>
        db
          .update(users)
          .set({ email: sql`(${m})::int::text` })
          .where(eq(users.id, 1002)),
      (m) =>
        db
          .select()
          .from(users)
          .where(and(eq(users.email, sql`(${m})::uuid::text`), eq(users.id, 1003))),
      (m) =>
        db
          .allShards()
          .select()
          .from(users)
          .where(eq(users.name, sql`(${m})::date::text`)),
      // the same through a shard-bound db: select, insert, update, delete, and in a transaction
      (m) =>
        db
          .shard(1003)
          .select()
          .from(users)
          .where(and(eq(users.email, sql`(${m})::uuid::text`), eq(users.id, 1003))),
      (m) => db.shard(1001).insert(users).values({ id: 1001, email: m, name: m }),
      (m) =>
        db
          .shard(1002)
          .update(users)
          .set({ name: m, email: sql`(${m})::int::text` })
          .where(eq(users.id, 1002)),
      (m) =>
        db
          .shard(1004)
          .delete(users)
          .where(and(eq(users.id, 1004), eq(users.name, sql`(${m})::date::text`))),
      (m) =>
        db.shard(1005).transaction(async (tx) => {
          await tx.update(users).set({ name: m }).where(eq(users.id, 1005));
          await tx.insert(users).values({ id: 1005, email: m, name: m });
        }),
      (m) =>
        db.shardAt(0).transaction(async (tx) => {
          await tx
            .select()
            .from(countries)
            .where(eq(countries.name, sql`(${m})::int::text`));
        }),
    ];
    const counts = faultCounts();
    for (let round = 0; round < 3; round++) {
      for (const [i, statement] of failing.entries()) {
        const m = mark(i);
        const settled = await settle(counts, statement(m), 10_000);
        if (!('error' in settled)) {
          if ('value' in settled) counts.wrong++;
          continue;
        }
        // A server's refusal of one shard's statement passes through as drizzle's error, redacted
        // (not counted untyped); failures across shards are drizzle-shard's typed errors.
        if (isDrizzleShardError(settled.error)) counts.typed++;
        if (leaks(settled.error, [m])) {
          counts.leaked++;
          console.log(`statement ${i} leaked:`, inspect(settled.error, { depth: 8 }));
        } else counts.correct++;
      }
    }
    reportFaults('failing statements', counts);
    expect(counts.leaked).toBe(0);
    expect(counts.wrong).toBe(0);
    expect(counts.hung).toBe(0);
    expect(counts.correct).toBe(counts.attempts);
  });

  it('with debug.parameters the values stay reachable for debugging', async () => {
    const db = shardedDrizzle({
      schema,
      shards: fleet.cluster.shards.map((s) => ({ primary: s.primary.url })),
      pool: { max: 2 },
      debug: { parameters: true },
    });
    try {
      const error = (await db
        .insert(users)
        .values({ id: 1001, email: 'dbg@x', name: 'dbg' })
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as { params?: unknown[] };
      expect(error.params, inspect(error)).toContain('dbg@x');
      const bound = (await db
        .shard(1001)
        .insert(users)
        .values({ id: 1001, email: 'dbg-bound@x', name: 'dbg' })
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as { params?: unknown[] };
      expect(bound.params, inspect(bound)).toContain('dbg-bound@x');
    } finally {
      await db.close();
    }
  });

  it('server notices go to db.events, not to stdout', async () => {
    const db = shardedDrizzle({
      schema,
      shards: fleet.cluster.shards.map((s) => ({ primary: s.primary.url })),
    });
    const log = vi.spyOn(console, 'log');
    try {
      const notices: Array<{ shard: number; message: string }> = [];
      db.events.on('notice', (n) => notices.push(n));
      await db.allShards().execute(sql`do $$ begin raise notice 'hello from a shard'; end $$`);
      expect(notices.map((n) => [n.shard, n.message]).sort()).toEqual([
        [0, 'hello from a shard'],
        [1, 'hello from a shard'],
      ]);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      await db.close();
    }
  });
});
