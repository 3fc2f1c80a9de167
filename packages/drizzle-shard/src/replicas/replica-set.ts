import type { Sql } from 'postgres';
import { errorCode } from '../errors.ts';
import type { ReplicaSetEvents } from './events.ts';
import { LagMonitor } from './lag-monitor.ts';
import type { ResolvedReplicaOptions } from './options.ts';
import type { ReplicaNode, ShardReplicaStatus } from './replica-node.ts';
import { isRetryableReadError } from './retryable.ts';
import { probeReplica, settledWithin } from './stall-probe.ts';

/** Rejection of a replica read that outlived `readTimeoutMs` (never leaves this module). */
const READ_TIMED_OUT = Symbol('read timed out');
/** Rejection of a replica read whose replica did not answer a probe either (never leaves this module). */
const READ_STALLED = Symbol('read stalled');

/** What a read needs from the node that serves it. */
export type ReadRequirement =
  /** Any healthy replica (no session, or nothing written recently). */
  | { readonly kind: 'any' }
  /** The primary (window mode inside the window, strong mode, a distrusted token). */
  | { readonly kind: 'primary' }
  /** A replica that has replayed at least `lsn`, else the primary. */
  | { readonly kind: 'lsn'; readonly lsn: bigint };

/**
 * One shard's primary and replicas: picks the node for each read (round-robin or least lag
 * over healthy replicas that meet the requirement, else the primary), retries a read whose
 * replica failed on the next candidate, and counts where reads went.
 */
export class ReplicaSet<TSession> {
  readonly monitor: LagMonitor;
  /** Resolves after the first health poll, so start-up reads can use replicas. */
  readonly ready: Promise<void>;
  private next = 0;
  private primaryReads = 0;
  private fallbacks = 0;
  private consistencyReads = 0;

  constructor(
    readonly shard: number,
    /** The primary's connection for lag polls (the shard's background one, not the app's pool). */
    readonly primaryClient: Sql,
    readonly primary: TSession,
    readonly replicas: readonly ReplicaNode<TSession>[],
    private readonly options: ResolvedReplicaOptions,
    private readonly events: ReplicaSetEvents,
  ) {
    this.monitor = new LagMonitor(shard, primaryClient, replicas, options, events);
    this.ready = replicas.length > 0 ? this.monitor.poll() : Promise.resolve();
    if (replicas.length > 0) void this.ready.then(() => this.monitor.start());
  }

  /** Healthy replicas able to serve `requirement`, in the order to try them. */
  private candidates(requirement: ReadRequirement): ReplicaNode<TSession>[] {
    if (requirement.kind === 'primary') return [];
    const usable = this.replicas.filter(
      (r) =>
        r.healthy &&
        (requirement.kind === 'any' || (r.replayLsn !== undefined && r.replayLsn >= requirement.lsn)),
    );
    if (usable.length < 2) return usable;
    if (this.options.policy === 'least-lag') return usable.sort((a, b) => a.lagBytes - b.lagBytes);
    const start = this.next++ % usable.length;
    return [...usable.slice(start), ...usable.slice(0, start)];
  }

  /** Runs a read on the best node for `requirement`; a replica that fails is ejected and the next tried. */
  async read<T>(
    requirement: ReadRequirement,
    run: (session: TSession) => Promise<T>,
    waitMs = 0,
  ): Promise<T> {
    let candidates = this.candidates(requirement);
    if (candidates.length === 0 && requirement.kind === 'lsn' && waitMs > 0) {
      await this.monitor.waitForReplay(requirement.lsn, waitMs);
      candidates = this.candidates(requirement);
    }
    if (candidates.length === 0 && requirement.kind !== 'any') this.consistencyReads++;
    else if (candidates.length === 0) {
      this.fallbacks++;
      this.events.emit('read-fallback', { shard: this.shard, reason: 'no-healthy-replica' });
    }
    for (const replica of candidates) {
      try {
        const result = await this.awaitReplica(replica, run(replica.session));
        replica.reads++;
        return result;
      } catch (error) {
        if (error !== READ_TIMED_OUT && error !== READ_STALLED && !isRetryableReadError(error)) throw error;
        // A failed connection to a server that still answers was stale: retry, keep the replica.
        const stale =
          error !== READ_TIMED_OUT &&
          error !== READ_STALLED &&
          this.options.stallTimeoutMs > 0 &&
          (await probeReplica(replica, this.options.stallTimeoutMs));
        if (!stale)
          this.monitor.eject(
            replica,
            error === READ_TIMED_OUT
              ? `read had no answer within readTimeoutMs (${this.options.readTimeoutMs} ms)`
              : error === READ_STALLED
                ? `a read and a probe had no answer within stallTimeoutMs (${this.options.stallTimeoutMs} ms)`
                : `read failed: ${errorCode(error)}`,
          );
        this.fallbacks++;
        this.events.emit('read-fallback', { shard: this.shard, reason: 'replica-failed' });
      }
    }
    const result = await run(this.primary);
    this.primaryReads++;
    return result;
  }

  /**
   * The replica's answer to `read`. After `stallTimeoutMs` without one the replica is probed
   * once: no answer to the probe either rejects with READ_STALLED (the read moves on about two
   * stall timeouts after it started); an answer means this query is just slow, and it gets up
   * to `readTimeoutMs` in all (READ_TIMED_OUT after). A read given up on is left to finish or
   * fail unobserved.
   */
  private async awaitReplica<T>(replica: ReplicaNode<TSession>, read: Promise<T>): Promise<T> {
    read.catch(() => {});
    const { stallTimeoutMs, readTimeoutMs } = this.options;
    const limit = readTimeoutMs > 0 ? readTimeoutMs : Number.POSITIVE_INFINITY;
    const started = Date.now();
    const answered = read.then(() => true as const);
    if (stallTimeoutMs > 0 && stallTimeoutMs < limit) {
      if ((await settledWithin(answered, stallTimeoutMs)) !== undefined) return read;
      if (!(await probeReplica(replica, stallTimeoutMs))) throw READ_STALLED;
    }
    if (limit === Number.POSITIVE_INFINITY) return read;
    const left = Math.max(0, limit - (Date.now() - started));
    if ((await settledWithin(answered, left)) !== undefined) return read;
    throw READ_TIMED_OUT;
  }

  status(): ShardReplicaStatus {
    return {
      shard: this.shard,
      primaryReads: this.primaryReads,
      fallbacks: this.fallbacks,
      consistencyReads: this.consistencyReads,
      replicas: this.replicas.map((r) => ({
        name: r.name,
        healthy: r.healthy,
        reason: r.reason,
        lagBytes: r.lagBytes,
        lagMs: r.lagMs,
        reads: r.reads,
      })),
    };
  }
}
