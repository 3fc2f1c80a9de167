import type { Sql } from 'postgres';
import type { EventSink } from '../event-sink.ts';
import { type RecoveryReport, recoverPreparedTransactions } from './recover.ts';
import type { ResolvedTwoPhaseOptions } from './two-phase-options.ts';

/** What the resolver reports (part of the db's `events`). */
export interface RecoveryEventMap {
  /** The background resolver finished two-phase writes a writer left prepared (crash, deadline). */
  'two-phase-recovered': [RecoveryReport];
}

/** A db's background resolver of orphaned two-phase writes; `stop()` waits for a pass in progress. */
export interface TwoPhaseResolver {
  stop(): Promise<void>;
}

/**
 * Every `recoverEveryMs`, finishes prepared writes older than `orphanAfterMs` from the decision
 * table on shard 0 (like Citus' maintenance daemon): what a writer that crashed, or gave up at a
 * deadline, left prepared does not hold its locks until someone calls recovery by hand. Passes
 * never overlap; what a pass finished is reported as `two-phase-recovered` on `events`.
 */
export function startTwoPhaseResolver(
  clients: readonly Sql[],
  options: ResolvedTwoPhaseOptions,
  events: EventSink<RecoveryEventMap>,
): TwoPhaseResolver {
  let running: Promise<void> | undefined;
  const pass = async () => {
    const report = await recoverPreparedTransactions(clients, {
      olderThanMs: options.orphanAfterMs,
      stepTimeoutMs: options.stepTimeoutMs,
    }).catch(() => undefined);
    if (report && report.committed.length + report.rolledBack.length > 0) {
      events.emit('two-phase-recovered', report);
    }
  };
  const timer =
    options.recoverEveryMs > 0
      ? setInterval(() => {
          running ??= pass().finally(() => {
            running = undefined;
          });
        }, options.recoverEveryMs)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
