import { runSql } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError } from '../../src/index.ts';
import { twoPhaseHooks } from '../../src/reference/two-phase-write.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { countries } from '../support/schema.ts';

// A shard primary stops between PREPARE and COMMIT while a writer keeps writing reference rows
// and a manual recovery with olderThanMs: 0 runs beside it: every write ends (typed error or
// success, none hangs), each row is on every shard or on none, and the db's background resolver
// leaves no prepared transaction and no lock once the shard is back.

const STEP_MS = 1500;
const MAX_WRITES = 400;

interface Outcome {
  readonly code: string;
  readonly result: 'ok' | 'typed' | 'untyped';
  readonly outcome?: string;
  readonly gid?: string;
  readonly ms: number;
}

describe('two-phase writes when a participant dies between PREPARE and COMMIT', () => {
  let fleet: Fleet;
  let urls: string[];
  const sqlOn = <T extends object>(shard: number, text: string) => runSql<T[]>(urls[shard]!, text);

  beforeAll(async () => {
    fleet = await startFleet(3, {
      twoPhase: { stepTimeoutMs: STEP_MS, recoverEveryMs: 200, orphanAfterMs: 2000 },
    });
    urls = fleet.cluster.shards.map((s) => s.primary.url);
  });
  afterAll(async () => {
    twoPhaseHooks.afterPrepare = undefined;
    await fleet?.stop();
  });

  it('gives a typed error within the deadline and ends all-or-nothing with 0 prepared transactions', async () => {
    const outcomes: Outcome[] = [];
    let stopWriting = false;
    let hit: string | undefined;
    let armed = false;
    const victim = fleet.cluster.shards[2]!.primary;
    twoPhaseHooks.afterPrepare = async (gid) => {
      if (!armed || hit) return;
      hit = gid;
      await fleet.cluster.stop(victim);
    };
    const writer = (async () => {
      for (let i = 0; i < MAX_WRITES && !stopWriting; i++) {
        const code = `W${i}`;
        const started = performance.now();
        try {
          await fleet.db.insert(countries).values({ code, name: 'writer' });
          outcomes.push({ code, result: 'ok', ms: performance.now() - started });
        } catch (error) {
          const typed = isDrizzleShardError(error);
          outcomes.push({
            code,
            result: typed ? 'typed' : 'untyped',
            outcome: typed ? String(error.details.outcome) : String(error),
            gid: typed ? String(error.details.gid) : undefined,
            ms: performance.now() - started,
          });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // Phase A: a manual recovery with olderThanMs: 0 runs beside the live writer.
    const recoveryErrors: unknown[] = [];
    let recovering = true;
    const manualRecovery = (async () => {
      while (recovering) {
        await fleet.db
          .recoverPreparedTransactions({ olderThanMs: 0 })
          .catch((e: unknown) => recoveryErrors.push(e));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await new Promise((r) => setTimeout(r, 2000));
    recovering = false;
    await manualRecovery;
    // Phase B: shard 2's primary stops after every shard prepared a write.
    armed = true;
    for (let i = 0; i < 500 && !hit; i++) await new Promise((r) => setTimeout(r, 20));
    // The write that lost its shard ends before the shard comes back (bounded wait: a hang fails below).
    for (let i = 0; i < 500 && !outcomes.some((o) => o.gid === hit); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    // Phase C: the shard comes back; the db's background resolver finishes the orphan by itself.
    await fleet.cluster.start(victim);
    let prepared = -1;
    for (let i = 0; i < 100 && prepared !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const counts = await Promise.all(
        urls.map((_, s) => sqlOn<{ n: number }>(s, 'select count(*)::int as n from pg_prepared_xacts')),
      );
      prepared = counts.reduce((sum, [row]) => sum + row!.n, 0);
    }
    await new Promise((r) => setTimeout(r, 300));
    stopWriting = true;
    await writer;

    const pending = outcomes.find((o) => o.gid === hit);
    const counts = {
      attempts: outcomes.length,
      ok: outcomes.filter((o) => o.result === 'ok').length,
      typed: outcomes.filter((o) => o.result === 'typed').length,
      untyped: outcomes.filter((o) => o.result === 'untyped').length,
      maxMs: Math.round(Math.max(...outcomes.map((o) => o.ms))),
      hitOutcome: pending?.outcome,
      hitMs: Math.round(pending?.ms ?? -1),
    };
    console.log('two-phase faults:', JSON.stringify(counts));
    expect(outcomes.filter((o) => o.result === 'untyped')).toEqual([]);
    expect(recoveryErrors).toEqual([]);
    expect(pending?.result, 'the write whose shard died after PREPARE ended with a typed error').toBe(
      'typed',
    );
    expect(pending?.outcome).toBe('committed-pending');
    expect(counts.ok).toBeGreaterThan(0);
    // No write waited on the dead shard past its deadlines (a hung write never settles at all).
    expect(counts.maxMs).toBeLessThan(4 * STEP_MS + 5000);
    expect(prepared).toBe(0);
    for (const [s] of urls.entries()) {
      const [locks] = await sqlOn<{ n: number }>(
        s,
        `select count(*)::int as n from pg_locks where virtualtransaction like '-1/%'`,
      );
      expect(locks!.n, `locks of prepared transactions on shard ${s}`).toBe(0);
    }
    // All or nothing: each code on every shard or on none; successes everywhere, rollbacks nowhere.
    const perShard = await Promise.all(
      urls.map(
        async (_, s) =>
          new Set((await sqlOn<{ code: string }>(s, 'select code from countries')).map((r) => r.code)),
      ),
    );
    for (const o of outcomes) {
      const on = perShard.map((set) => set.has(o.code));
      expect(new Set(on).size, `${o.code} (${o.result} ${o.outcome ?? ''}) on ${on}`).toBe(1);
      if (o.result === 'ok' || o.outcome === 'committed-pending') expect(on[0], o.code).toBe(true);
      if (o.outcome === 'rolled-back') expect(on[0], o.code).toBe(false);
    }
  });
});
