import { runSql } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError } from '../../src/index.ts';
import { twoPhaseHooks } from '../../src/reference/two-phase-write.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { countries } from '../support/schema.ts';
import { countError, faultCounts, reportFaults, settle } from './fault-counts.ts';

// A shard primary stops between PREPARE and COMMIT while a writer keeps writing reference rows
// and a manual recovery with olderThanMs: 0 runs beside it: every write ends (typed error or
// success, none hangs), each row is on every shard or on none, and the db's background resolver
// leaves no prepared transaction and no lock once the shard is back.

const STEP_MS = 1500;
const MAX_WRITES = 400;
/** A write not settled by then is hung: its steps have deadlines of STEP_MS each. */
const HUNG_MS = 4 * STEP_MS + 5000;

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
    const faults = faultCounts();
    const writer = (async () => {
      for (let i = 0; i < MAX_WRITES && !stopWriting; i++) {
        const code = `W${i}`;
        const started = performance.now();
        const settled = await settle(
          faults,
          fleet.db.insert(countries).values({ code, name: 'writer' }),
          HUNG_MS,
        );
        const ms = performance.now() - started;
        if ('hung' in settled) outcomes.push({ code, result: 'untyped', outcome: 'hung', ms });
        else if ('value' in settled) outcomes.push({ code, result: 'ok', ms });
        else {
          const { error } = settled;
          countError(faults, error);
          const typed = isDrizzleShardError(error);
          outcomes.push({
            code,
            result: typed ? 'typed' : 'untyped',
            outcome: typed ? String(error.details.outcome) : String(error),
            gid: typed ? String(error.details.gid) : undefined,
            ms,
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
    expect(outcomes.filter((o) => o.result === 'untyped')).toEqual([]);
    expect(recoveryErrors).toEqual([]);
    expect(pending?.result, 'the write whose shard died after PREPARE ended with a typed error').toBe(
      'typed',
    );
    expect(pending?.outcome).toBe('committed-pending');
    expect(outcomes.some((o) => o.result === 'ok')).toBe(true);
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
    const wrong: string[] = [];
    for (const o of outcomes) {
      const on = perShard.map((set) => set.has(o.code));
      const atomic = new Set(on).size === 1;
      const expected =
        o.result === 'ok' || o.outcome === 'committed-pending'
          ? true
          : o.outcome === 'rolled-back'
            ? false
            : on[0];
      if (!atomic || on[0] !== expected) wrong.push(`${o.code} (${o.result} ${o.outcome ?? ''}) on ${on}`);
      else if (o.result !== 'untyped') faults.correct++;
    }
    faults.wrong = wrong.length;
    reportFaults('shard primary stops between PREPARE and COMMIT under a writer', faults, {
      maxMs: Math.round(Math.max(...outcomes.map((o) => o.ms))),
      hitOutcome: pending?.outcome,
      hitMs: Math.round(pending?.ms ?? -1),
      recoveryErrors: recoveryErrors.length,
    });
    expect(wrong).toEqual([]);
    expect(faults.untyped).toBe(0);
    expect(faults.hung).toBe(0);
  });
});
